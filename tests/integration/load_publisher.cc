#include "tests/integration/load_publisher.h"

#include <thread>

#include "adapters/sdk/publisher.h"
#include "tests/integration/sample_records.h"

namespace gallery::testing {

PublishedRecord NumberedRecord(const std::string& prefix, size_t n) {
  const size_t subject = n % std::size(kNhsNumbers);
  return {prefix + ":" + std::to_string(n), kNhsNumbers[subject], subject % 2 == 0 ? "A00001" : "A00002"};
}

void PublishLedger::Add(const PublishLedger& other) {
  published.insert(published.end(), other.published.begin(), other.published.end());
  confirmed.insert(other.confirmed.begin(), other.confirmed.end());
  duplicate_confirms += other.duplicate_confirms;
}

LoadPublisher::LoadPublisher(sdk::ClientOptions options, std::string prefix, size_t limit,
                             double records_per_second, std::chrono::milliseconds flush_timeout)
    : prefix_(std::move(prefix)),
      limit_(limit),
      records_per_second_(records_per_second),
      flush_timeout_(flush_timeout),
      thread_([this, options = std::move(options)]() mutable { Run(std::move(options)); }) {}

LoadPublisher::~LoadPublisher() { (void)Finish(); }

Status LoadPublisher::Join() {
  if (thread_.joinable()) thread_.join();
  return status_;
}

void LoadPublisher::Run(sdk::ClientOptions options) {
  // Made on this thread: the SDK's socket stays on the thread that uses it.
  sdk::Publisher publisher(std::move(options));
  auto take = [&](const std::vector<sdk::PublishOutcome>& outcomes) {
    for (const auto& outcome : outcomes) {
      if (!outcome.status.ok()) {
        if (status_.ok()) {
          status_ = Status(outcome.status.code(), "record " + outcome.record_id +
                                                      " refused: " + outcome.status.message());
        }
        continue;
      }
      if (outcome.duplicate) ++ledger_.duplicate_confirms;
      ledger_.confirmed.insert(outcome.record_id);
    }
    confirmed_.store(ledger_.confirmed.size());
    in_flight_.store(publisher.in_flight());
  };

  const auto start = std::chrono::steady_clock::now();
  for (size_t n = 0; n < limit_ && !stop_.load() && status_.ok(); ++n) {
    if (records_per_second_ > 0) {
      std::this_thread::sleep_until(
          start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                      std::chrono::duration<double>(static_cast<double>(n) / records_per_second_)));
    }
    PublishedRecord record = NumberedRecord(prefix_, n);
    if (Status sent = publisher.Send(SingleAssessment(record.record_id, record.nhs_number, record.gp_ods));
        !sent.ok()) {
      status_ = Status(sent.code(), "sending " + record.record_id + ": " + sent.message());
      break;
    }
    ledger_.published.push_back(std::move(record));
    sent_.store(ledger_.published.size());
    take(publisher.TakeOutcomes());
  }
  done_sending_.store(true);

  // Only when something is unconfirmed: Flush with nothing in flight waits out its whole
  // timeout for a frame that never comes.
  auto flushed = publisher.in_flight() > 0 ? publisher.Flush(flush_timeout_)
                                           : Result<std::vector<sdk::PublishOutcome>>(publisher.TakeOutcomes());
  if (flushed.ok()) {
    take(*flushed);
  } else if (status_.ok()) {
    status_ = Status(flushed.status().code(), "flush: " + flushed.status().message());
  }
  in_flight_.store(publisher.in_flight());
  elapsed_ = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
}

}  // namespace gallery::testing
