#include "adapters/sdk/publisher.h"

#include <map>

#include <spdlog/spdlog.h>

#include "adapters/sdk/hub_connection.h"
#include "adapters/sdk/publish_frame.h"
#include "hub/common/wire_codes.h"

namespace gallery::sdk {
namespace {

// How often Send looks for confirms when it does not have to wait, and how often the
// unconfirmed records are scanned for ones to resend.
constexpr auto kPumpInterval = std::chrono::milliseconds(5);
constexpr auto kResendScanInterval = std::chrono::milliseconds(100);
// Pause before resending after the hub refused a record for now (disk full, read-only).
constexpr auto kTransientBackoff = std::chrono::milliseconds(200);

}  // namespace

class Publisher::Impl {
 public:
  explicit Impl(ClientOptions options) : connection_(std::move(options)) {}

  Status Send(const v1::Record& record) {
    if (record.record_id().empty()) return InvalidArgument("record_id: required");
    if (!connection_.session_error().ok()) return connection_.session_error();
    const uint64_t sequence = next_sequence_;
    std::string bytes = EncodePublishFrame(sequence, record);
    if (bytes.size() > connection_.max_frame_bytes()) {
      return InvalidArgument("record " + record.record_id() + " is " + std::to_string(bytes.size()) +
                             " bytes framed; the hub accepts at most " +
                             std::to_string(connection_.max_frame_bytes()));
    }

    const auto give_up = Clock::now() + connection_.options().send_timeout;
    while (unconfirmed_.size() >= connection_.options().max_in_flight) {
      if (Clock::now() >= give_up) {
        return Unavailable("no room to send: " + std::to_string(unconfirmed_.size()) +
                           " records unconfirmed by the hub");
      }
      Pump(std::min(give_up, Clock::now() + std::chrono::milliseconds(100)));
      if (!connection_.session_error().ok()) return connection_.session_error();
    }
    if (Clock::now() - last_pump_ >= kPumpInterval) Pump(Clock::now());

    ++next_sequence_;
    auto& entry = unconfirmed_[sequence];
    entry.record_id = record.record_id();
    entry.bytes = std::move(bytes);
    entry.sent_at = Clock::now();
    if (connection_.TakeNewSession()) {
      ResendAll();
    } else {
      connection_.SendBytes(entry.bytes);
    }
    return OkStatus();
  }

  Result<std::vector<PublishOutcome>> Flush(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    do {
      Pump(deadline);
    } while (!unconfirmed_.empty() && connection_.session_error().ok() && Clock::now() < deadline);
    if (!connection_.session_error().ok()) return connection_.session_error();
    if (!unconfirmed_.empty()) {
      return Unavailable(std::to_string(unconfirmed_.size()) +
                         " records not confirmed by the hub in time");
    }
    return TakeOutcomes();
  }

  std::vector<PublishOutcome> TakeOutcomes() { return std::exchange(outcomes_, {}); }

  size_t in_flight() const { return unconfirmed_.size(); }

 private:
  using Clock = HubConnection::Clock;

  struct Entry {
    std::string record_id;
    std::string bytes;  // the serialized Publish frame, resent as is
    Clock::time_point sent_at;
  };

  // Handles what has arrived, waiting until `deadline` (at most one resend scan interval,
  // so that resends and reconnects are never held up by a long wait) for a frame.
  void Pump(Clock::time_point deadline) {
    last_pump_ = Clock::now();
    const auto wait_until = std::min(deadline, Clock::now() + kResendScanInterval);
    for (auto frame = connection_.Receive(wait_until); frame; frame = connection_.Receive(Clock::now())) {
      if (connection_.TakeNewSession()) ResendAll();
      Handle(*frame);
    }
    if (connection_.TakeNewSession()) ResendAll();
    if (resend_at_ != Clock::time_point() && Clock::now() >= resend_at_) ResendAll();
    if (Clock::now() - last_resend_scan_ >= kResendScanInterval) ResendStale();
  }

  void Handle(const v1::Frame& frame) {
    if (frame.has_confirm()) {
      HandleConfirm(frame.confirm());
      return;
    }
    if (frame.has_confirm_batch()) {
      for (const v1::Confirm& confirm : frame.confirm_batch().confirms()) HandleConfirm(confirm);
      return;
    }
    if (!frame.has_reject()) return;
    const auto& reject = frame.reject();
    auto it = unconfirmed_.find(reject.sequence());
    if (it == unconfirmed_.end()) {
      if (reject.sequence() == 0 && connection_.session_error().ok()) {
        spdlog::warn("agency {}: hub refused a frame: {}", connection_.options().agency, reject.reason());
      }
      return;
    }
    if (reject.code() == v1::UNAVAILABLE || reject.code() == v1::RESOURCE_EXHAUSTED) {
      // The hub could not store it now, and refuses what follows until it comes again:
      // everything unconfirmed is resent, in order, after a short pause.
      if (resend_at_ == Clock::time_point()) resend_at_ = Clock::now() + kTransientBackoff;
      return;
    }
    outcomes_.push_back(
        {it->second.record_id, Status(FromWireCode(reject.code()), reject.reason()), false});
    unconfirmed_.erase(it);
  }

  void HandleConfirm(const v1::Confirm& confirm) {
    auto it = unconfirmed_.find(confirm.sequence());
    if (it == unconfirmed_.end()) return;  // a confirm for a resent copy
    outcomes_.push_back({std::move(it->second.record_id), OkStatus(), confirm.duplicate()});
    unconfirmed_.erase(it);
  }

  void ResendAll() {
    const auto now = Clock::now();
    resend_at_ = Clock::time_point();
    for (auto& [sequence, entry] : unconfirmed_) {
      connection_.SendBytes(entry.bytes);
      entry.sent_at = now;
    }
  }

  void ResendStale() {
    const auto now = Clock::now();
    last_resend_scan_ = now;
    for (auto& [sequence, entry] : unconfirmed_) {
      if (now - entry.sent_at < connection_.options().confirm_timeout) continue;
      spdlog::debug("agency {}: resending record {}", connection_.options().agency, entry.record_id);
      connection_.SendBytes(entry.bytes);
      entry.sent_at = now;
    }
  }

  HubConnection connection_;
  std::map<uint64_t, Entry> unconfirmed_;  // ordered, so resends keep publish order
  std::vector<PublishOutcome> outcomes_;
  uint64_t next_sequence_ = 1;
  Clock::time_point last_pump_;
  Clock::time_point last_resend_scan_;
  Clock::time_point resend_at_;  // set after a transient refusal
};

Publisher::Publisher(ClientOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Publisher::~Publisher() = default;
Status Publisher::Send(const v1::Record& record) { return impl_->Send(record); }
Result<std::vector<PublishOutcome>> Publisher::Flush(std::chrono::milliseconds timeout) {
  return impl_->Flush(timeout);
}
std::vector<PublishOutcome> Publisher::TakeOutcomes() { return impl_->TakeOutcomes(); }
size_t Publisher::in_flight() const { return impl_->in_flight(); }

}  // namespace gallery::sdk
