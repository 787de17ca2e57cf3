#include "adapters/sdk/subscriber.h"

#include <spdlog/spdlog.h>

#include "adapters/sdk/hub_connection.h"
#include "hub/common/wire_codes.h"

namespace gallery::sdk {

class Subscriber::Impl {
 public:
  explicit Impl(ClientOptions options) : connection_(std::move(options)) {}

  Result<std::optional<Delivery>> Next(std::chrono::milliseconds timeout) {
    if (!connection_.session_error().ok()) return connection_.session_error();
    const auto deadline = HubConnection::Clock::now() + timeout;
    while (true) {
      if (connection_.TakeNewSession()) SendSubscribe();
      auto frame = connection_.Receive(deadline);
      if (connection_.TakeNewSession()) SendSubscribe();
      if (!frame) return std::optional<Delivery>();
      if (!connection_.session_error().ok()) return connection_.session_error();
      if (frame->has_reject()) {
        spdlog::warn("agency {}: hub refused a frame: {}", connection_.options().agency,
                     frame->reject().reason());
        continue;
      }
      if (!frame->has_deliver()) continue;
      auto* deliver = frame->mutable_deliver();
      Delivery delivery;
      delivery.delivery_id = deliver->delivery_id();
      delivery.record = std::move(*deliver->mutable_record());
      delivery.rule_ids.assign(deliver->rule_ids().begin(), deliver->rule_ids().end());
      delivery.redelivered = deliver->redelivered();
      return std::optional<Delivery>(std::move(delivery));
    }
  }

  Status Ack(std::span<const uint64_t> delivery_ids) {
    v1::Frame frame;
    for (uint64_t id : delivery_ids) frame.mutable_ack()->add_delivery_ids(id);
    connection_.Send(frame);
    return OkStatus();
  }

  Status Nack(uint64_t delivery_id, const std::string& reason) {
    v1::Frame frame;
    frame.mutable_nack()->set_delivery_id(delivery_id);
    frame.mutable_nack()->set_reason(reason);
    connection_.Send(frame);
    return OkStatus();
  }

 private:
  void SendSubscribe() {
    v1::Frame frame;
    frame.mutable_subscribe()->set_window(connection_.options().window);
    connection_.Send(frame);
  }

  HubConnection connection_;
};

Subscriber::Subscriber(ClientOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Subscriber::~Subscriber() = default;
Result<std::optional<Delivery>> Subscriber::Next(std::chrono::milliseconds timeout) {
  return impl_->Next(timeout);
}
Status Subscriber::Ack(uint64_t delivery_id) { return impl_->Ack({&delivery_id, 1}); }
Status Subscriber::Ack(std::span<const uint64_t> delivery_ids) { return impl_->Ack(delivery_ids); }
Status Subscriber::Nack(uint64_t delivery_id, const std::string& reason) {
  return impl_->Nack(delivery_id, reason);
}

}  // namespace gallery::sdk
