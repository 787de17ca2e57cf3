#include "adapters/sdk/hub_connection.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "adapters/sdk/deliver_reader.h"
#include "hub/common/wire_codes.h"

namespace gallery::sdk {
namespace {

constexpr uint32_t kProtocolVersion = 1;

}  // namespace

HubConnection::HubConnection(ClientOptions options)
    : options_(std::move(options)), heartbeat_interval_(options_.heartbeat_interval) {
  Reconnect();
}

void HubConnection::Reconnect() {
  if (socket_) spdlog::info("agency {}: reconnecting to hub {}", options_.agency, options_.endpoint);
  socket_.reset();
  try {
    socket_.emplace(context_, zmq::socket_type::dealer);
    socket_->set(zmq::sockopt::linger, 0);
    socket_->set(zmq::sockopt::reconnect_ivl, 100);
    socket_->set(zmq::sockopt::reconnect_ivl_max, 1000);
    // Room for a whole window of records or acks, so that none is dropped for space.
    const int queue = static_cast<int>(std::max<size_t>(1000, options_.max_in_flight * 2 + 100));
    socket_->set(zmq::sockopt::sndhwm, queue);
    socket_->set(zmq::sockopt::rcvhwm, queue);
    if (!options_.curve_server_public_key.empty()) {
      socket_->set(zmq::sockopt::curve_serverkey, options_.curve_server_public_key);
      socket_->set(zmq::sockopt::curve_publickey, options_.curve_public_key);
      socket_->set(zmq::sockopt::curve_secretkey, options_.curve_secret_key);
    }
    socket_->connect(options_.endpoint);
  } catch (const zmq::error_t& e) {
    // A malformed endpoint: every later send fails the same way, so say so once.
    session_error_ = InvalidArgument("cannot connect to '" + options_.endpoint + "': " + e.what());
  }
  last_heard_ = Clock::now();
  SendHello();
}

void HubConnection::SendHello() {
  v1::Frame frame;
  auto* hello = frame.mutable_hello();
  hello->set_agency(options_.agency);
  hello->set_protocol_version(kProtocolVersion);
  hello->set_client_name(options_.client_name);
  // Publisher and Subscriber read ConfirmBatch and DeliverBatch: fewer frames per record.
  hello->set_accepts_batches(true);
  Send(frame);
  awaiting_welcome_ = true;
  hello_sent_at_ = Clock::now();
  new_session_ = true;
}

void HubConnection::Send(const v1::Frame& frame) { SendBytes(frame.SerializeAsString()); }

void HubConnection::SendBytes(std::string_view bytes) {
  try {
    if (socket_ && !socket_->send(zmq::buffer(bytes), zmq::send_flags::dontwait)) {
      spdlog::debug("agency {}: hub queue full; frame will be resent", options_.agency);
    }
  } catch (const zmq::error_t& e) {
    spdlog::warn("agency {}: send to hub failed: {}", options_.agency, e.what());
  }
  last_sent_ = Clock::now();
}

void HubConnection::HandleWelcome(const v1::Welcome& welcome) {
  awaiting_welcome_ = false;
  if (welcome.heartbeat_interval_ms() > 0) {
    heartbeat_interval_ = std::min(options_.heartbeat_interval,
                                   std::chrono::milliseconds(welcome.heartbeat_interval_ms()));
  }
  if (welcome.max_frame_bytes() > 0) max_frame_bytes_ = welcome.max_frame_bytes();
}

std::optional<v1::Frame> HubConnection::Receive(Clock::time_point deadline,
                                                zmq::message_t* deliveries) {
  while (true) {
    auto now = Clock::now();
    if (now - last_sent_ >= heartbeat_interval_) {
      v1::Frame beat;
      beat.mutable_heartbeat();
      Send(beat);
    }
    const auto next_timer = std::min(last_sent_ + heartbeat_interval_,
                                     last_heard_ + options_.hub_silence_timeout);
    const auto wait = std::clamp(std::min(deadline, next_timer) - now, Clock::duration::zero(),
                                 Clock::duration(std::chrono::milliseconds(1000)));
    zmq::message_t message;
    bool received = false;
    if (socket_) {
      try {
        // Under load a frame is usually waiting already: take it without polling first.
        received = socket_->recv(message, zmq::recv_flags::dontwait).has_value();
        if (!received && wait > Clock::duration::zero()) {
          zmq::pollitem_t item{socket_->handle(), 0, ZMQ_POLLIN, 0};
          zmq::poll(&item, 1, std::chrono::ceil<std::chrono::milliseconds>(wait));
          received = (item.revents & ZMQ_POLLIN) != 0 &&
                     socket_->recv(message, zmq::recv_flags::dontwait).has_value();
        }
      } catch (const zmq::error_t& e) {
        if (e.num() != EINTR) spdlog::warn("agency {}: receiving failed: {}", options_.agency, e.what());
      }
    }
    now = Clock::now();
    if (!received) {
      // Silence is judged only after reading what has arrived, so a busy caller that
      // comes back late does not mistake its own absence for the hub's.
      if (now - last_heard_ > options_.hub_silence_timeout) Reconnect();
      if (now >= deadline) return std::nullopt;
      continue;
    }
    last_heard_ = now;
    if (deliveries != nullptr &&
        IsDeliveryFrame(std::string_view(message.data<char>(), message.size()))) {
      *deliveries = std::move(message);
      return v1::Frame();
    }
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
        HandleWelcome(frame.welcome());
        continue;
      case v1::Frame::kReject: {
        const v1::Reject& reject = frame.reject();
        if (reject.code() == v1::FAILED_PRECONDITION) {
          // The hub does not know this session (it restarted, or timed us out).
          // A Hello lost with a hub that died before answering is sent again.
          if (!awaiting_welcome_ || Clock::now() - hello_sent_at_ > heartbeat_interval_) {
            SendHello();
          }
          continue;
        }
        if (awaiting_welcome_ && reject.sequence() == 0) {
          session_error_ = Status(FromWireCode(reject.code()), "hub refused session: " + reject.reason());
          return frame;
        }
        return frame;
      }
      default:
        return frame;
    }
  }
}

bool HubConnection::TakeNewSession() { return std::exchange(new_session_, false); }

}  // namespace gallery::sdk
