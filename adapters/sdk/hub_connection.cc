#include "adapters/sdk/hub_connection.h"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace gallery::sdk {
namespace {

constexpr uint32_t kProtocolVersion = 1;

}  // namespace

HubConnection::HubConnection(ClientOptions options) : options_(std::move(options)) {
  Reconnect();
}

void HubConnection::Reconnect() {
  if (socket_) spdlog::info("agency {}: reconnecting to hub {}", options_.agency, options_.endpoint);
  socket_.reset();
  socket_.emplace(context_, zmq::socket_type::dealer);
  socket_->set(zmq::sockopt::linger, 0);
  socket_->set(zmq::sockopt::reconnect_ivl, 100);
  socket_->set(zmq::sockopt::reconnect_ivl_max, 1000);
  socket_->connect(options_.endpoint);
  last_heard_ = Clock::now();
  SendHello();
}

void HubConnection::SendHello() {
  v1::Frame frame;
  auto* hello = frame.mutable_hello();
  hello->set_agency(options_.agency);
  hello->set_protocol_version(kProtocolVersion);
  hello->set_client_name(options_.client_name);
  Send(frame);
  awaiting_welcome_ = true;
  new_session_ = true;
}

void HubConnection::Send(const v1::Frame& frame) {
  const std::string bytes = frame.SerializeAsString();
  try {
    (void)socket_->send(zmq::buffer(bytes), zmq::send_flags::dontwait);
  } catch (const zmq::error_t& e) {
    spdlog::warn("agency {}: send to hub failed: {}", options_.agency, e.what());
  }
  last_sent_ = Clock::now();
}

void HubConnection::Heartbeat(Clock::time_point now) {
  if (now - last_heard_ > options_.hub_silence_timeout) {
    Reconnect();
    return;
  }
  if (now - last_sent_ >= options_.heartbeat_interval) {
    v1::Frame frame;
    frame.mutable_heartbeat();
    Send(frame);
  }
}

std::optional<v1::Frame> HubConnection::Receive(Clock::time_point deadline) {
  while (true) {
    const auto now = Clock::now();
    Heartbeat(now);
    const auto next_beat = std::min(last_sent_ + options_.heartbeat_interval,
                                    last_heard_ + options_.hub_silence_timeout);
    // Always polls at least once, so a zero timeout still takes what has arrived.
    const auto wait = std::clamp(std::min(deadline, next_beat) - now, Clock::duration::zero(),
                                 Clock::duration(std::chrono::milliseconds(1000)));
    zmq::pollitem_t item{socket_->handle(), 0, ZMQ_POLLIN, 0};
    try {
      zmq::poll(&item, 1, std::chrono::ceil<std::chrono::milliseconds>(wait));
    } catch (const zmq::error_t& e) {
      if (e.num() != EINTR) throw;
    }
    zmq::message_t message;
    if ((item.revents & ZMQ_POLLIN) == 0 || !socket_->recv(message, zmq::recv_flags::dontwait)) {
      if (Clock::now() >= deadline) return std::nullopt;
      continue;
    }
    last_heard_ = Clock::now();
    v1::Frame frame;
    if (!frame.ParseFromArray(message.data(), static_cast<int>(message.size()))) {
      spdlog::warn("agency {}: unreadable frame from hub ({} bytes)", options_.agency,
                   message.size());
      continue;
    }
    switch (frame.body_case()) {
      case v1::Frame::kHeartbeat:
        continue;
      case v1::Frame::kWelcome:
        awaiting_welcome_ = false;
        continue;
      case v1::Frame::kReject:
        if (frame.reject().code() == v1::FAILED_PRECONDITION) {
          // The hub does not know this session (it restarted, or timed us out).
          if (!awaiting_welcome_) SendHello();
          continue;
        }
        return frame;
      default:
        return frame;
    }
  }
}

bool HubConnection::TakeNewSession() { return std::exchange(new_session_, false); }

}  // namespace gallery::sdk
