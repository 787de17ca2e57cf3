#include "tests/bench/zmq_bench_clients.h"

#include <algorithm>
#include <cstring>

namespace gallery::bench {
namespace {

// The first frame of each message: what the consumers tally. The second is the record's
// bytes, as e2e_bench publishes them.
struct Header {
  uint64_t phase;
  uint64_t seq;
  int64_t sent_ns;
};

// An ack: consumer `index` has received `delivered` messages in all.
struct Ack {
  uint64_t index;
  uint64_t delivered;
};

constexpr uint64_t kAckBatch = 256;

}  // namespace

ZmqProducer::ZmqProducer(zmq::context_t& context, const std::string& in, uint64_t in_flight,
                         Clock::time_point deadline)
    : out_(context, zmq::socket_type::push),
      acks_(context, zmq::socket_type::pull),
      window_(in_flight),
      deadline_(deadline) {
  out_.set(zmq::sockopt::linger, 0);
  acks_.set(zmq::sockopt::linger, 0);
  out_.connect(in);
  acks_.bind("tcp://127.0.0.1:*");
  ack_endpoint_ = acks_.get(zmq::sockopt::last_endpoint);
}

uint64_t ZmqProducer::in_flight() const {
  return sent_ - *std::min_element(acked_.begin(), acked_.end());
}

bool ZmqProducer::Send(Phase phase, uint64_t seq) {
  while (in_flight() >= window_) {
    if (Clock::now() >= deadline_) {
      error_ = "in-flight window still full at the hard limit";
      return false;
    }
    Pump(std::chrono::milliseconds(1));
  }
  const Header header{static_cast<uint64_t>(phase), seq, NowNs()};
  records_.Make(phase, seq, header.sent_ns).SerializeToString(&body_);
  zmq::message_t head(&header, sizeof header);
  zmq::message_t body(body_.data(), body_.size());
  // Blocks while the forwarder's queue is full, as a broker's flow control would.
  if (!out_.send(head, zmq::send_flags::sndmore) || !out_.send(body, zmq::send_flags::none)) {
    error_ = "send to the forwarder failed";
    return false;
  }
  ++sent_;
  return true;
}

bool ZmqProducer::Pump(std::chrono::milliseconds wait) {
  zmq::pollitem_t item{acks_.handle(), 0, ZMQ_POLLIN, 0};
  if (zmq::poll(&item, 1, wait) == 0) return true;
  for (int n = 0; n < 100000; ++n) {
    zmq::message_t message;
    if (!acks_.recv(message, zmq::recv_flags::dontwait)) return true;
    Ack ack{};
    if (message.size() != sizeof ack) continue;
    std::memcpy(&ack, message.data(), sizeof ack);
    if (ack.index < acked_.size()) acked_[ack.index] = std::max(acked_[ack.index], ack.delivered);
  }
  return true;
}

bool ZmqProducer::Drain() {
  while (in_flight() > 0) {
    if (Clock::now() >= deadline_) return false;
    Pump(std::chrono::milliseconds(1));
  }
  return true;
}

ZmqConsumer::ZmqConsumer(zmq::context_t& context, uint32_t index, const std::string& from,
                         const std::string& acks_to, std::unique_ptr<DeliveryTally> tally,
                         Clock::time_point deadline)
    : in_(context, zmq::socket_type::pull),
      acks_(context, zmq::socket_type::push),
      index_(index),
      tally_(std::move(tally)),
      deadline_(deadline),
      thread_([this, from, acks_to] {
        in_.set(zmq::sockopt::linger, 0);
        acks_.set(zmq::sockopt::linger, 0);
        in_.connect(from);
        acks_.connect(acks_to);
        Run();
      }) {}

void ZmqConsumer::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void ZmqConsumer::Run() {
  uint64_t delivered = 0, unacked = 0;
  auto ack = [&] {
    const Ack a{index_, delivered};
    zmq::message_t message(&a, sizeof a);
    // The producer's socket may be gone at the very end; never block on it.
    (void)acks_.send(message, zmq::send_flags::dontwait);
    tally_->Acked();
    unacked = 0;
  };
  zmq::pollitem_t item{in_.handle(), 0, ZMQ_POLLIN, 0};
  while (!stop_ && Clock::now() < deadline_) {
    zmq::message_t head;
    if (!in_.recv(head, zmq::recv_flags::dontwait)) {
      if (unacked > 0) ack();  // idle: ack what has arrived
      (void)zmq::poll(&item, 1, std::chrono::milliseconds(50));
      continue;
    }
    zmq::message_t body;
    if (head.more()) (void)in_.recv(body);
    ++delivered;
    ++unacked;
    Header h{};
    if (head.size() == sizeof h && body.size() > 0 && !body.more()) {
      std::memcpy(&h, head.data(), sizeof h);
      if (h.phase < kPhases) {
        tally_->Delivered(static_cast<Phase>(h.phase), h.seq, h.sent_ns);
      } else {
        tally_->Unknown();
      }
    } else {
      tally_->Unknown();
    }
    if (unacked >= kAckBatch) ack();
  }
  if (unacked > 0) ack();
}

}  // namespace gallery::bench
