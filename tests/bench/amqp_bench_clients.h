// rabbitmq_bench's clients: a publisher sending the bench records to a headers exchange
// (optionally persistent and with publisher confirms), and a consumer of one queue that acks
// manually in batches. Each owns its AmqpSession.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/bench/amqp_session.h"
#include "tests/bench/bench_records.h"
#include "tests/bench/bench_stats.h"
#include "tests/bench/delivery_tally.h"

namespace gallery::bench {

inline constexpr const char* kAmqpExchange = "gallery-bench";
// The headers a record is routed on, as Gallery routes on source agency and record type.
inline constexpr const char* kSourceHeader = "source-agency";
inline constexpr const char* kTypeHeader = "record-type";

// Not thread-safe: one thread publishes.
class AmqpPublisher {
 public:
  // `persistent`: delivery_mode 2, and confirm.select with at most `in_flight` records
  // unconfirmed; otherwise delivery_mode 1 and no confirms.
  static Result<std::unique_ptr<AmqpPublisher>> Open(int port, bool persistent, uint64_t in_flight,
                                                     Clock::time_point deadline);

  // Sends record `seq` of `phase`, stamped with the present time, first waiting (up to the
  // deadline) for room in the confirm window. False, with error() set, when it could not.
  bool Send(Phase phase, uint64_t seq);

  // Reads the confirms that arrived, waiting up to `wait` for the first. False on error.
  bool Pump(std::chrono::microseconds wait);

  // Waits up to the deadline until every record sent is confirmed (at once without
  // confirms). False when they were not.
  bool Drain();

  uint64_t in_flight() const { return confirms_ ? sent_ - confirmed_ : 0; }
  uint64_t sent() const { return sent_; }
  size_t last_size() const { return body_.size(); }
  const std::string& error() const { return error_; }

 private:
  AmqpPublisher(std::unique_ptr<AmqpSession> session, bool persistent, uint64_t in_flight,
                Clock::time_point deadline);
  // Marks `tag` (and, when `multiple`, every tag below it) confirmed; false, with error()
  // set, for a tag never sent.
  bool Confirm(uint64_t tag, bool multiple);

  std::unique_ptr<AmqpSession> session_;
  bool confirms_;
  uint64_t window_;
  Clock::time_point deadline_;
  RecordFactory records_;
  std::string body_;
  uint64_t sent_ = 0;
  uint64_t confirmed_ = 0;
  uint64_t confirmed_below_ = 1;      // every delivery tag below this one is confirmed
  std::vector<bool> confirmed_tags_;  // by delivery tag, which starts at 1
  std::string error_;
};

// Consumes one queue on its own thread from construction until Stop(): acks with
// multiple=true whenever 256 deliveries are unacked or none is waiting in the client's
// buffer, and tallies every delivery.
class AmqpConsumer {
 public:
  // Connects, sets basic.qos to `prefetch` and starts consuming `queue` with manual acks.
  static Result<std::unique_ptr<AmqpConsumer>> Open(int port, const std::string& queue,
                                                    uint16_t prefetch,
                                                    std::unique_ptr<DeliveryTally> tally,
                                                    Clock::time_point deadline);
  ~AmqpConsumer() { Stop(); }
  AmqpConsumer(const AmqpConsumer&) = delete;
  AmqpConsumer& operator=(const AmqpConsumer&) = delete;

  // Ends the thread (within about 50 ms) and closes the session. Idempotent.
  void Stop();

  const std::unique_ptr<DeliveryTally>& tally() const { return tally_; }
  // Set when the thread stopped on an error; read after Stop().
  const std::string& error() const { return error_; }

 private:
  AmqpConsumer(std::unique_ptr<AmqpSession> session, std::unique_ptr<DeliveryTally> tally,
               Clock::time_point deadline);
  void Run();

  std::unique_ptr<AmqpSession> session_;
  std::unique_ptr<DeliveryTally> tally_;
  Clock::time_point deadline_;
  std::atomic<bool> stop_{false};
  std::string error_;
  std::thread thread_;  // last: starts once the members above exist
};

}  // namespace gallery::bench
