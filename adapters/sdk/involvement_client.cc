#include "adapters/sdk/involvement_client.h"

#include <algorithm>
#include <utility>

#include <spdlog/spdlog.h>

#include "adapters/sdk/hub_connection.h"
#include "hub/common/wire_codes.h"

namespace gallery::sdk {
namespace {

// How long one wait for a frame lasts, so that a new session (the Welcome is taken inside
// Receive) sends the query without waiting out the caller's whole timeout.
constexpr auto kReceiveSlice = std::chrono::milliseconds(20);

std::vector<InvolvedAgency> FromAnswer(const v1::InvolvementAnswer& answer) {
  std::vector<InvolvedAgency> agencies;
  agencies.reserve(answer.agencies_size());
  for (const v1::InvolvedAgency& agency : answer.agencies()) {
    const auto since = std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::seconds(agency.since().seconds()) +
            std::chrono::nanoseconds(agency.since().nanos())));
    agencies.push_back({agency.agency(), agency.name(), agency.kind(), agency.contact(), since});
  }
  return agencies;
}

}  // namespace

class InvolvementClient::Impl {
 public:
  explicit Impl(ClientOptions options) : connection_(std::move(options)) {}

  Result<std::vector<InvolvedAgency>> Ask(v1::Frame frame, std::chrono::milliseconds timeout) {
    if (!connection_.session_error().ok()) return connection_.session_error();
    const uint64_t query_id = ++last_query_id_;
    frame.mutable_involvement_query()->set_query_id(query_id);
    if (session_ready_) connection_.Send(frame);
    const auto deadline = HubConnection::Clock::now() + timeout;
    while (true) {
      if (connection_.TakeNewSession()) {
        session_ready_ = true;
        connection_.Send(frame);
      }
      const auto now = HubConnection::Clock::now();
      if (now >= deadline) break;
      auto received = connection_.Receive(std::min(deadline, now + kReceiveSlice));
      if (!connection_.session_error().ok()) return connection_.session_error();
      if (!received) continue;
      if (received->has_reject()) {
        // A hub that does not know involvement queries refuses the frame itself.
        const v1::Reject& reject = received->reject();
        if (reject.sequence() == 0 && reject.code() == v1::INVALID_ARGUMENT) {
          return Status(FromWireCode(reject.code()), "hub refused the query: " + reject.reason());
        }
        continue;
      }
      if (!received->has_involvement_answer()) continue;
      const v1::InvolvementAnswer& answer = received->involvement_answer();
      if (answer.query_id() != query_id) continue;  // an earlier query's, answered late
      if (answer.code() != v1::CODE_UNSPECIFIED) {
        return Status(FromWireCode(answer.code()), answer.reason());
      }
      return FromAnswer(answer);
    }
    return Unavailable("no answer from the hub within " + std::to_string(timeout.count()) +
                            " ms");
  }

 private:
  HubConnection connection_;
  uint64_t last_query_id_ = 0;
  bool session_ready_ = false;
};

InvolvementClient::InvolvementClient(ClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}
InvolvementClient::~InvolvementClient() = default;

Result<std::vector<InvolvedAgency>> InvolvementClient::AskByNhsNumber(
    std::string_view nhs_number, std::string_view purpose, std::chrono::milliseconds timeout) {
  v1::Frame frame;
  frame.mutable_involvement_query()->set_nhs_number(std::string(nhs_number));
  frame.mutable_involvement_query()->set_purpose(std::string(purpose));
  return impl_->Ask(std::move(frame), timeout);
}

Result<std::vector<InvolvedAgency>> InvolvementClient::AskByLocalId(
    std::string_view local_id, std::string_view purpose, std::chrono::milliseconds timeout) {
  v1::Frame frame;
  frame.mutable_involvement_query()->set_local_id(std::string(local_id));
  frame.mutable_involvement_query()->set_purpose(std::string(purpose));
  return impl_->Ask(std::move(frame), timeout);
}

}  // namespace gallery::sdk
