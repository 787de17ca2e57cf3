// MLLP framing (HL7 v2 over TCP): each message is sent as 0x0B, the message, 0x1C 0x0D.
// Pure byte handling, no I/O, so the listener's framing is testable on its own.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace gallery::hl7v2 {

inline constexpr char kMllpStart = '\x0B';
inline constexpr char kMllpEnd = '\x1C';
inline constexpr char kMllpEndCr = '\x0D';

// `payload` wrapped for sending.
std::string MllpFrame(std::string_view payload);

// One framed message as received. When the message was longer than the limit, `payload`
// holds only its first bytes (enough for its MSH, so that the refusal can be addressed)
// and `too_large` is set.
struct MllpMessage {
  std::string payload;
  bool too_large = false;
};

// Reassembles messages from a byte stream. Not thread-safe; one per connection.
// Bytes between frames (keep-alive newlines, noise) are skipped and counted. A start byte
// inside a frame starts the frame again: the sender gave up on the one before.
class MllpDecoder {
 public:
  explicit MllpDecoder(size_t max_message_bytes) : max_(max_message_bytes) {}

  // Takes the next bytes of the stream; appends every message they complete to `out`.
  void Feed(std::string_view bytes, std::vector<MllpMessage>& out);

  // True while part of a message has been received.
  bool in_message() const { return state_ != State::kIdle; }
  // Bytes skipped outside frames so far.
  size_t skipped() const { return skipped_; }

 private:
  enum class State { kIdle, kBody, kSawEnd };

  size_t max_;
  State state_ = State::kIdle;
  MllpMessage current_;
  size_t skipped_ = 0;
};

}  // namespace gallery::hl7v2
