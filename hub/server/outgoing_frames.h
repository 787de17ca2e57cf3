// Encodes the frames the hub sends on the record path (Confirm, Deliver, and their
// batches) straight into byte buffers, around already serialized records, without
// building messages: these frames go out once per record and per delivery.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gallery::server {

// One outgoing frame under construction: either a single Confirm/Deliver, or a
// ConfirmBatch/DeliverBatch holding many. Reuse one per destination: Clear() keeps the
// buffer. Not thread-safe.
class OutgoingFrame {
 public:
  enum class Kind { kConfirm, kDeliver };

  // `batch`: entries go into one ConfirmBatch/DeliverBatch frame (only for sessions that
  // set Hello.accepts_batches); otherwise the frame takes exactly one entry.
  void Start(Kind kind, bool batch);

  // Adds a Confirm{sequence, record_id, duplicate}.
  void AddConfirm(uint64_t sequence, std::string_view record_id, bool duplicate);
  // Adds a Deliver{delivery_id, record, rule_ids, redelivered}, where `record_bytes` is an
  // already serialized gallery.v1.Record: the same bytes as serializing the message.
  void AddDeliver(uint64_t delivery_id, std::string_view record_bytes,
                  const std::vector<std::string>& rule_ids, bool redelivered);

  size_t entries() const { return entries_; }
  // Bytes held so far (an estimate of the frame's size).
  size_t size() const { return buffer_.size(); }

  // The serialized gallery.v1.Frame, valid until the next Start or Add. Needs entries() > 0
  // (a single frame exactly one).
  std::string_view Finish();

 private:
  // Room left in front of the entries for the frame's tag and length, so that Finish
  // writes them in place instead of copying the entries behind them.
  static constexpr size_t kHeaderRoom = 16;

  uint32_t frame_field_ = 0;  // the Frame's oneof field for this frame
  bool batch_ = false;
  size_t entries_ = 0;
  std::string buffer_;
};

}  // namespace gallery::server
