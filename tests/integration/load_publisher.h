// LoadPublisher: an SDK Publisher on a thread of its own that sends a known, numbered set
// of records for as long as a fault test needs load, and keeps the ledger of what the hub
// confirmed.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "adapters/sdk/client_options.h"
#include "hub/common/status.h"

namespace gallery::testing {

// One record of a run, as published.
struct PublishedRecord {
  std::string record_id;   // "<prefix>:<n>"
  std::string nhs_number;  // the subject
  std::string gp_ods;      // the subject's registered practice
};

// What a run published and what the hub confirmed. Runs of one test can be added up.
struct PublishLedger {
  std::vector<PublishedRecord> published;  // in Send order
  std::set<std::string> confirmed;         // record ids
  // Confirms flagged duplicate: the hub had journaled the record before and its first
  // confirm was lost (a kill between commit and confirm).
  size_t duplicate_confirms = 0;

  void Add(const PublishLedger& other);
};

// The n-th record of a run: subject kNhsNumbers[n % 9], registered at practice A00001 when
// that index is even and A00002 when odd, so one subject always has one practice.
PublishedRecord NumberedRecord(const std::string& prefix, size_t n);

class LoadPublisher {
 public:
  // Starts sending at once, from its own thread: NumberedRecord(prefix, 0), 1, 2 ... until
  // Stop() or `limit` records, at most `records_per_second` (0: as fast as the hub takes
  // them; a paced run keeps a test under load for as long as it needs, whatever the hub's
  // speed). Each Send takes in the confirms that have arrived; Send blocks while
  // options.max_in_flight records are unconfirmed (the hub is down or full).
  LoadPublisher(sdk::ClientOptions options, std::string prefix, size_t limit,
                double records_per_second = 0,
                std::chrono::milliseconds flush_timeout = std::chrono::seconds(40));
  ~LoadPublisher();  // Finish()es.
  LoadPublisher(const LoadPublisher&) = delete;
  LoadPublisher& operator=(const LoadPublisher&) = delete;

  // Thread-safe snapshots, for WaitFor conditions.
  size_t sent() const { return sent_.load(); }
  size_t confirmed() const { return confirmed_.load(); }
  size_t in_flight() const { return in_flight_.load(); }
  // True once the thread stopped sending: limit reached, Stop(), or an error.
  bool done_sending() const { return done_sending_.load(); }

  // Asks the thread to stop sending; it then flushes. Does not wait.
  void Stop() { stop_.store(true); }

  // Waits for the thread to send its `limit` records (or to be stopped) and to flush (up
  // to flush_timeout); returns the first error seen: a failed Send or Flush, or a record
  // refused for good.
  Status Join();
  // Stop(), then Join().
  Status Finish() {
    Stop();
    return Join();
  }

  // Valid after Join().
  const PublishLedger& ledger() const { return ledger_; }
  const std::vector<PublishedRecord>& published() const { return ledger_.published; }
  const std::set<std::string>& confirmed_ids() const { return ledger_.confirmed; }
  // From the first Send to the Flush that confirmed the last record.
  std::chrono::milliseconds elapsed() const { return elapsed_; }

 private:
  void Run(sdk::ClientOptions options);

  const std::string prefix_;
  const size_t limit_;
  const double records_per_second_;
  const std::chrono::milliseconds flush_timeout_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> done_sending_{false};
  std::atomic<size_t> sent_{0};
  std::atomic<size_t> confirmed_{0};
  std::atomic<size_t> in_flight_{0};

  // Written by the thread only; read after join.
  PublishLedger ledger_;
  Status status_;
  std::chrono::milliseconds elapsed_{0};
  std::thread thread_;
};

}  // namespace gallery::testing
