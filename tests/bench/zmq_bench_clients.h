// zmq_forwarder_bench's clients: a producer PUSHing the bench records to the forwarder and
// taking the consumers' acks on a PULL socket of its own, and consumers PULLing from the
// forwarder and PUSHing batched acks back. Plaintext tcp on 127.0.0.1, nothing kept.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <zmq.hpp>

#include "tests/bench/bench_records.h"
#include "tests/bench/bench_stats.h"
#include "tests/bench/delivery_tally.h"

namespace gallery::bench {

// Not thread-safe: one thread produces.
class ZmqProducer {
 public:
  // Connects to the forwarder's `in` and binds the ack socket (ack_endpoint()).
  ZmqProducer(zmq::context_t& context, const std::string& in, uint64_t in_flight,
              Clock::time_point deadline);

  const std::string& ack_endpoint() const { return ack_endpoint_; }

  // Sends record `seq` of `phase`, stamped with the present time, first waiting (up to the
  // deadline) until fewer than `in_flight` records lack an ack from some consumer. False,
  // with error() set, when it could not.
  bool Send(Phase phase, uint64_t seq);

  // Takes the acks that arrived, waiting up to `wait` for the first. Always true (the
  // signature SendAtRate expects).
  bool Pump(std::chrono::milliseconds wait);

  // Waits up to the deadline until every consumer acked every record sent.
  bool Drain();

  // Records sent that some consumer has not acked yet.
  uint64_t in_flight() const;
  uint64_t sent() const { return sent_; }
  size_t last_size() const { return body_.size(); }
  const std::string& error() const { return error_; }

 private:
  zmq::socket_t out_;
  zmq::socket_t acks_;
  std::string ack_endpoint_;
  uint64_t window_;
  Clock::time_point deadline_;
  RecordFactory records_;
  std::string body_;
  uint64_t sent_ = 0;
  std::array<uint64_t, 3> acked_{};  // deliveries each consumer has acked, all phases
  std::string error_;
};

// PULLs from one of the forwarder's outputs on its own thread from construction until
// Stop(): acks (the count of deliveries so far) whenever 256 are unacked or none is waiting.
class ZmqConsumer {
 public:
  ZmqConsumer(zmq::context_t& context, uint32_t index, const std::string& from,
              const std::string& acks_to, std::unique_ptr<DeliveryTally> tally,
              Clock::time_point deadline);
  ~ZmqConsumer() { Stop(); }
  ZmqConsumer(const ZmqConsumer&) = delete;
  ZmqConsumer& operator=(const ZmqConsumer&) = delete;

  // Ends the thread within about 50 ms. Idempotent.
  void Stop();

  const DeliveryTally& tally() const { return *tally_; }
  DeliveryTally& tally() { return *tally_; }

 private:
  void Run();

  zmq::socket_t in_;
  zmq::socket_t acks_;
  uint32_t index_;
  std::unique_ptr<DeliveryTally> tally_;
  Clock::time_point deadline_;
  std::atomic<bool> stop_{false};
  std::thread thread_;  // last: starts once the members above exist
};

}  // namespace gallery::bench
