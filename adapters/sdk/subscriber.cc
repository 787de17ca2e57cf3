#include "adapters/sdk/subscriber.h"

#include <optional>
#include <string_view>
#include <utility>

#include <spdlog/spdlog.h>

#include "adapters/sdk/deliver_reader.h"
#include "adapters/sdk/hub_connection.h"
#include "hub/common/wire_codes.h"

namespace gallery::sdk {

class Subscriber::Impl {
 public:
  explicit Impl(ClientOptions options) : connection_(std::move(options)) {}

  Result<bool> Next(std::chrono::milliseconds timeout, Delivery& delivery) {
    if (!connection_.session_error().ok()) return connection_.session_error();
    if (reader_.Next(delivery)) return true;
    const auto deadline = HubConnection::Clock::now() + timeout;
    while (true) {
      if (connection_.TakeNewSession()) SendSubscribe();
      deliveries_.rebuild();  // the last frame's entries were all handed out
      auto frame = connection_.Receive(deadline, &deliveries_);
      if (connection_.TakeNewSession()) SendSubscribe();
      if (!frame) return false;
      if (!connection_.session_error().ok()) return connection_.session_error();
      if (frame->has_reject()) {
        spdlog::warn("agency {}: hub refused a frame: {}", connection_.options().agency,
                     frame->reject().reason());
        continue;
      }
      if (frame->body_case() != v1::Frame::BODY_NOT_SET || deliveries_.size() == 0) continue;
      // A Deliver or DeliverBatch, handed out entry by entry, each parsed straight into
      // `delivery`; a reconnect in between makes the hub send the rest again.
      if (!reader_.Reset(std::string_view(deliveries_.data<char>(), deliveries_.size()))) {
        spdlog::warn("agency {}: unreadable deliveries from hub ({} bytes)",
                     connection_.options().agency, deliveries_.size());
        continue;
      }
      if (reader_.Next(delivery)) return true;
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
  zmq::message_t deliveries_;  // the last Deliver or DeliverBatch frame, read by reader_
  DeliverReader reader_;
};

Subscriber::Subscriber(ClientOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Subscriber::~Subscriber() = default;
Result<std::optional<Delivery>> Subscriber::Next(std::chrono::milliseconds timeout) {
  std::optional<Delivery> delivery(std::in_place);
  auto got = impl_->Next(timeout, *delivery);
  if (!got.ok()) return got.status();
  if (!*got) delivery.reset();
  return delivery;
}
Result<bool> Subscriber::Next(std::chrono::milliseconds timeout, Delivery& delivery) {
  return impl_->Next(timeout, delivery);
}
Status Subscriber::Ack(uint64_t delivery_id) { return impl_->Ack({&delivery_id, 1}); }
Status Subscriber::Ack(std::span<const uint64_t> delivery_ids) { return impl_->Ack(delivery_ids); }
Status Subscriber::Nack(uint64_t delivery_id, const std::string& reason) {
  return impl_->Nack(delivery_id, reason);
}

}  // namespace gallery::sdk
