#include "adapters/hl7v2/mllp_framing.h"

#include <algorithm>

namespace gallery::hl7v2 {
namespace {

// How much of an oversized message is kept: its MSH is within the first few hundred bytes.
constexpr size_t kKeptOfOversized = 4096;

}  // namespace

std::string MllpFrame(std::string_view payload) {
  std::string out;
  out.reserve(payload.size() + 3);
  out += kMllpStart;
  out += payload;
  out += kMllpEnd;
  out += kMllpEndCr;
  return out;
}

void MllpDecoder::Feed(std::string_view bytes, std::vector<MllpMessage>& out) {
  auto append = [&](char c) {
    if (current_.payload.size() < max_) {
      current_.payload += c;
    } else if (!current_.too_large) {
      current_.too_large = true;
      current_.payload.resize(std::min(current_.payload.size(), kKeptOfOversized));
    }
  };
  for (char c : bytes) {
    switch (state_) {
      case State::kIdle:
        if (c == kMllpStart) {
          current_ = MllpMessage();
          state_ = State::kBody;
        } else {
          ++skipped_;
        }
        break;
      case State::kBody:
        if (c == kMllpEnd) {
          state_ = State::kSawEnd;
        } else if (c == kMllpStart) {
          current_ = MllpMessage();
        } else {
          append(c);
        }
        break;
      case State::kSawEnd:
        if (c == kMllpEndCr) {
          out.push_back(std::move(current_));
          current_ = MllpMessage();
          state_ = State::kIdle;
        } else {
          // 0x1C not followed by CR is not an end: both bytes are content.
          append(kMllpEnd);
          if (c == kMllpStart) {
            current_ = MllpMessage();
          } else if (c != kMllpEnd) {
            append(c);
            state_ = State::kBody;
            break;
          }
          state_ = c == kMllpEnd ? State::kSawEnd : State::kBody;
        }
        break;
    }
  }
}

}  // namespace gallery::hl7v2
