// Fault: order per subject across hubd kills. Each recipient must receive each subject's
// (NHS number's) records in the order the publisher sent them, although hubd is killed with
// SIGKILL under load, sometimes again while it is still resending what was unacked.
#include <csignal>
#include <iostream>

#include <gtest/gtest.h>

#include "tests/integration/fault_region.h"

namespace gallery::testing {
namespace {

constexpr int kKills = 4;
// Paced, so that the load still flows at each kill however fast the hub is; the limit is a
// bound (60 s of sending), the run needs a few thousand.
constexpr double kRecordsPerSecond = 2000;
constexpr size_t kMaxRecords = 120000;

// Sessions the current hubd has opened (it logs "agency <id> connected (<client>)").
size_t ClientsSinceLastStart(const TestRegion& region) {
  const std::string log = region.HubLog();
  const size_t start = log.rfind(" serving on ");
  size_t n = 0;
  for (size_t at = log.find(" connected (", start); at != std::string::npos; at = log.find(" connected (", at + 1)) ++n;
  return start == std::string::npos ? 0 : n;
}

class FaultOrderTest : public BackendFaultTest {};

TEST_P(FaultOrderTest, EachSubjectsRecordsArriveInPublishOrderAcrossHubKills) {
  TestRegion region(RegionName("fault-order"), kFaultAgencies, kFaultRules, Backend());
  const std::string endpoint = region.StartHub();
  for (const auto& agency : kFaultSinks) region.StartSink(agency);
  LoadPublisher publisher(FaultClient(endpoint, "asc"), "asc:order", kMaxRecords, kRecordsPerSecond);

  for (int kill = 1; kill <= kKills; ++kill) {
    // Odd kills come once the load is flowing again; even ones as soon as the new hubd has
    // confirmed anything and every client is back, while it is still resending the unacked
    // deliveries. (Not sooner: a client whose Hello dies with the hub never says Hello
    // again; FaultFlushKillTest.PublisherWaitingInFlushResendsToTheRestartedHub shows that.)
    const size_t target = publisher.confirmed() + (kill % 2 == 1 ? 500 : 1);
    ASSERT_TRUE(WaitFor([&] {
      return (publisher.confirmed() >= target && ClientsSinceLastStart(region) >= kFaultSinks.size() + 1) ||
             publisher.done_sending();
    }, std::chrono::seconds(20))) << "kill " << kill << ": only " << publisher.confirmed() << " confirmed";
    ASSERT_FALSE(publisher.done_sending()) << publisher.Finish().ToString();
    ASSERT_EQ(region.StopHub(SIGKILL), 128 + SIGKILL);
    std::cout << "kill " << kill << ": " << publisher.sent() << " sent, " << publisher.confirmed()
              << " confirmed\n";
    ASSERT_EQ(region.StartHub(endpoint), endpoint);
  }
  const size_t after_last = publisher.confirmed() + 500;
  ASSERT_TRUE(WaitFor([&] { return publisher.confirmed() >= after_last || publisher.done_sending(); },
                      std::chrono::seconds(20)));
  const Status finished = publisher.Finish();
  ASSERT_TRUE(finished.ok()) << finished.ToString();

  WaitFor([&] { return region.PendingDeliveries() == 0; }, std::chrono::seconds(30),
          std::chrono::milliseconds(100));
  EXPECT_EQ(region.PendingDeliveries(), 0u);
  region.StopSinks();
  CountEveryRecipient(region, publisher.ledger(), kFaultSinks);

  auto journaled = region.JournaledDeliveries();
  for (const auto& agency : kFaultSinks) {
    const auto queued = OrderViolations(publisher.published(), journaled[agency]);
    EXPECT_TRUE(queued.empty()) << agency << ": " << queued.size()
                                << " records queued out of publish order, first: " << queued.front();
    const auto received = OrderViolations(publisher.published(), InboxIds(region, agency));
    EXPECT_TRUE(received.empty()) << agency << ": " << received.size()
                                  << " records received out of publish order, first: " << received.front();
    std::cout << "  " << agency << ": " << received.size() << " out of order\n";
  }
}

FAULT_TEST_ON_EVERY_BACKEND(FaultOrderTest);

}  // namespace
}  // namespace gallery::testing
