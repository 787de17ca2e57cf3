#include "adapters/sdk/publisher.h"

#include <map>

#include <spdlog/spdlog.h>

#include "adapters/sdk/hub_connection.h"
#include "hub/common/wire_codes.h"

namespace gallery::sdk {

class Publisher::Impl {
 public:
  explicit Impl(ClientOptions options) : connection_(std::move(options)) {}

  Status Send(const v1::Record& record) {
    if (record.record_id().empty()) return InvalidArgument("record_id: required");
    if (!session_error_.ok()) return session_error_;
    while (unconfirmed_.size() >= connection_.options().max_in_flight) {
      Pump(Clock::now() + std::chrono::milliseconds(100));
      if (!session_error_.ok()) return session_error_;
    }
    const uint64_t sequence = next_sequence_++;
    v1::Frame frame;
    frame.mutable_publish()->set_sequence(sequence);
    *frame.mutable_publish()->mutable_record() = record;
    auto& entry = unconfirmed_[sequence];
    entry.record_id = record.record_id();
    entry.frame = std::move(frame);
    entry.sent_at = Clock::now();
    if (!connection_.TakeNewSession()) {
      connection_.Send(entry.frame);
    } else {
      ResendAll();
    }
    return OkStatus();
  }

  Result<std::vector<PublishOutcome>> Flush(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (!unconfirmed_.empty() && session_error_.ok() && Clock::now() < deadline) {
      Pump(deadline);
    }
    if (!session_error_.ok()) return session_error_;
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
    v1::Frame frame;
    Clock::time_point sent_at;
  };

  // Handles frames until `deadline` or until at least one arrives.
  void Pump(Clock::time_point deadline) {
    auto frame = connection_.Receive(deadline);
    if (connection_.TakeNewSession()) ResendAll();
    if (frame) Handle(*frame);
    ResendStale();
  }

  void Handle(const v1::Frame& frame) {
    if (frame.has_confirm()) {
      auto it = unconfirmed_.find(frame.confirm().sequence());
      if (it == unconfirmed_.end()) return;  // a confirm for a resent copy
      outcomes_.push_back({it->second.record_id, OkStatus(), frame.confirm().duplicate()});
      unconfirmed_.erase(it);
    } else if (frame.has_reject()) {
      const auto& reject = frame.reject();
      if (reject.sequence() == 0) {
        // A session-level refusal (unknown agency, wrong protocol): nothing will be accepted.
        session_error_ = Status(FromWireCode(reject.code()), "hub refused session: " + reject.reason());
        return;
      }
      auto it = unconfirmed_.find(reject.sequence());
      if (it == unconfirmed_.end()) return;
      if (reject.code() == v1::UNAVAILABLE || reject.code() == v1::RESOURCE_EXHAUSTED) {
        return;  // transient: resent after confirm_timeout
      }
      outcomes_.push_back({it->second.record_id, Status(FromWireCode(reject.code()), reject.reason()), false});
      unconfirmed_.erase(it);
    }
  }

  void ResendAll() {
    const auto now = Clock::now();
    for (auto& [sequence, entry] : unconfirmed_) {
      connection_.Send(entry.frame);
      entry.sent_at = now;
    }
  }

  void ResendStale() {
    const auto now = Clock::now();
    for (auto& [sequence, entry] : unconfirmed_) {
      if (now - entry.sent_at < connection_.options().confirm_timeout) continue;
      spdlog::debug("agency {}: resending record {}", connection_.options().agency, entry.record_id);
      connection_.Send(entry.frame);
      entry.sent_at = now;
    }
  }

  HubConnection connection_;
  std::map<uint64_t, Entry> unconfirmed_;  // ordered, so resends keep publish order
  std::vector<PublishOutcome> outcomes_;
  uint64_t next_sequence_ = 1;
  Status session_error_;
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
