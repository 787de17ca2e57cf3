// Fault: a recipient's adapter-sink killed with SIGKILL mid-stream, three times, and
// started again on the same inbox while the publisher keeps sending. The recipient must end
// with every confirmed record once in its inbox, each subject's records in publish order;
// the other recipients must not notice.
#include <csignal>
#include <iostream>

#include <gtest/gtest.h>

#include "tests/integration/fault_region.h"

namespace gallery::testing {
namespace {

constexpr size_t kRecords = 4000;
constexpr int kKills = 3;

class FaultSinkKillTest : public BackendFaultTest {};

TEST_P(FaultSinkKillTest, KilledSinkGetsEverythingOnceAndInOrderPerSubject) {
  TestRegion region(RegionName("fault-sink-kill"), kFaultAgencies, kFaultRules, Backend());
  const std::string endpoint = region.StartHub();
  for (const auto& agency : kFaultSinks) region.StartSink(agency);
  LoadPublisher publisher(FaultClient(endpoint, "asc"), "asc:sink-kill", kRecords);

  for (int kill = 1; kill <= kKills; ++kill) {
    // Killed while it is taking deliveries: it has some, and more are coming.
    const size_t threshold = kill * kRecords / (kKills + 2);
    WaitFor([&] { return region.SinkReceived("dn").size() >= threshold || !region.sink("dn").running(); },
            std::chrono::seconds(20), std::chrono::milliseconds(10));
    ASSERT_TRUE(region.sink("dn").running()) << "after kill " << kill - 1 << ", "
                                             << SinkDeath(region, "dn");
    ASSERT_GE(region.SinkReceived("dn").size(), threshold) << "kill " << kill << ": dn's sink is stalled";
    ASSERT_EQ(region.StopSink("dn", SIGKILL), 128 + SIGKILL);
    const size_t taken = region.SinkReceived("dn").size();
    std::cout << "kill " << kill << ": dn's sink had taken " << taken << " deliveries, "
              << publisher.confirmed() << " records confirmed\n";
    EXPECT_LT(taken, kRecords) << "kill " << kill << " came after the stream ended";
    // Records pile up for the dead recipient, then it comes back.
    const size_t more = std::min(kRecords, publisher.confirmed() + 200);
    ASSERT_TRUE(WaitFor([&] { return publisher.confirmed() >= more || publisher.done_sending(); },
                        std::chrono::seconds(20)));
    region.StartSink("dn");
  }
  const Status finished = publisher.Join();  // all kRecords
  ASSERT_TRUE(finished.ok()) << finished.ToString();
  ASSERT_EQ(publisher.confirmed_ids().size(), kRecords);

  WaitFor([&] { return region.PendingDeliveries() == 0 || !region.sink("dn").running(); },
          std::chrono::seconds(30), std::chrono::milliseconds(100));
  for (const auto& agency : kFaultSinks) {
    EXPECT_TRUE(region.sink(agency).running()) << SinkDeath(region, agency);
  }
  EXPECT_EQ(region.PendingDeliveries(), 0u) << region.PendingDeliveries("dn") << " deliveries to dn unacked";
  region.StopSinks();

  CountEveryRecipient(region, publisher.ledger(), kFaultSinks);
  for (const auto& agency : kFaultSinks) {
    const auto violations = OrderViolations(publisher.published(), InboxIds(region, agency));
    EXPECT_TRUE(violations.empty()) << agency << ": " << violations.size()
                                    << " records out of order, first: " << violations.front();
  }
}

FAULT_TEST_ON_EVERY_BACKEND(FaultSinkKillTest);

}  // namespace
}  // namespace gallery::testing
