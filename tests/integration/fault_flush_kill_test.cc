// Fault: hubd killed with SIGKILL while a publisher has sent everything and waits in
// Flush. The publisher must say Hello to the new hubd on the same endpoint and resend what
// was not confirmed by itself, well within its Flush timeout, as it does while sending.
#include <atomic>
#include <csignal>
#include <future>
#include <iostream>

#include <gtest/gtest.h>

#include "adapters/sdk/publisher.h"
#include "tests/integration/fault_region.h"
#include "tests/integration/sample_records.h"

namespace gallery::testing {
namespace {

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// A publisher that has sent everything and is waiting in Flush when hubd dies must resend
// to the new hubd by itself, well within its Flush timeout (confirm_timeout is 1 s here).
TEST(FaultFlushKillTest, PublisherWaitingInFlushResendsToTheRestartedHub) {
  constexpr size_t kRecords = 2000;
  constexpr auto kFlushTimeout = std::chrono::seconds(10);
  TestRegion region("fault-flush-kill", kFaultAgencies, kFaultRules);
  const std::string endpoint = region.StartHub();
  for (const auto& agency : kFaultSinks) region.StartSink(agency);
  ASSERT_TRUE(WaitFor([&] { return Count(region.HubLog(), " subscribed (") == kFaultSinks.size(); },
                      std::chrono::seconds(10)));

  PublishLedger ledger;
  std::atomic<bool> flush_returned{false};
  auto flushing = std::async(std::launch::async, [&]() -> Status {
    sdk::ClientOptions options = FaultClient(endpoint, "asc");
    options.max_in_flight = kRecords;  // everything is sent before the Flush
    sdk::Publisher publisher(options);
    for (size_t n = 0; n < kRecords; ++n) {
      ledger.published.push_back(NumberedRecord("asc:kill-in-flush", n));
      const auto& r = ledger.published.back();
      GALLERY_RETURN_IF_ERROR(publisher.Send(SingleAssessment(r.record_id, r.nhs_number, r.gp_ods)));
    }
    auto outcomes = publisher.Flush(kFlushTimeout);
    flush_returned.store(true);
    for (const auto& outcome : publisher.TakeOutcomes()) ledger.confirmed.insert(outcome.record_id);
    if (!outcomes.ok()) return outcomes.status();
    for (const auto& outcome : *outcomes) ledger.confirmed.insert(outcome.record_id);
    return OkStatus();
  });
  // hubd logs the Hello in the pass that reads the publishes behind it, before it commits
  // them: killed then, it takes records with it unconfirmed.
  ASSERT_TRUE(WaitFor([&] { return region.HubLog().find("agency asc connected") != std::string::npos; },
                      std::chrono::seconds(10), std::chrono::milliseconds(2)));
  ASSERT_EQ(region.StopHub(SIGKILL), 128 + SIGKILL);
  ASSERT_FALSE(flush_returned.load()) << "the kill came after the Flush: the test shows nothing";
  const size_t journaled_at_kill = region.JournaledRecords();
  ASSERT_EQ(region.StartHub(endpoint), endpoint);
  const auto restarted = std::chrono::steady_clock::now();

  const Status flushed = flushing.get();
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - restarted);
  std::cout << journaled_at_kill << " of " << kRecords << " journaled at the kill; Flush returned "
            << flushed.ToString() << " " << took.count() << " ms after the restart, with "
            << ledger.confirmed.size() << " confirmed\n";
  EXPECT_TRUE(flushed.ok()) << flushed.ToString();
  EXPECT_LT(took, std::chrono::seconds(5)) << "the publisher waited for its Flush deadline to resend";
  EXPECT_TRUE(WaitFor([&] { return region.JournaledRecords() == kRecords; }, std::chrono::seconds(5),
                      std::chrono::milliseconds(100)))
      << region.JournaledRecords() << " journaled";
  if (!flushed.ok()) return;  // the ledger is partial: nothing more to count
  EXPECT_TRUE(WaitFor([&] { return region.PendingDeliveries() == 0; }, std::chrono::seconds(20),
                      std::chrono::milliseconds(100)));
  region.StopSinks();
  CountEveryRecipient(region, ledger, kFaultSinks);
}

}  // namespace
}  // namespace gallery::testing
