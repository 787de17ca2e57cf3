// Fault: hubd killed with SIGKILL five times in a row while a publisher keeps sending and
// three sinks keep receiving; each time a new hubd starts on the same endpoint and store.
// Every confirmed record must reach each of its recipients, copies only of the same id.
#include <csignal>
#include <iostream>

#include <gtest/gtest.h>

#include "tests/integration/fault_region.h"

namespace gallery::testing {
namespace {

constexpr int kKills = 5;
// Paced, so that the load still flows at each kill however fast the hub is; the limit is a
// bound (60 s of sending), the run needs a few thousand.
constexpr double kRecordsPerSecond = 2000;
constexpr size_t kMaxRecords = 120000;
// Confirms to wait for after each restart before the next kill: the publisher is then
// sending at full speed again. Varied, so that the kills fall at different points of a batch.
constexpr size_t kConfirmsBetweenKills = 300;

class FaultHubKillTest : public BackendFaultTest {};

TEST_P(FaultHubKillTest, FiveKillsUnderSustainedLoadLoseNoConfirmedRecord) {
  TestRegion region(RegionName("fault-hub-kill"), kFaultAgencies, kFaultRules, Backend());
  const std::string endpoint = region.StartHub();
  for (const auto& agency : kFaultSinks) region.StartSink(agency);
  LoadPublisher publisher(FaultClient(endpoint, "asc"), "asc:hub-kill", kMaxRecords, kRecordsPerSecond);

  for (int kill = 1; kill <= kKills; ++kill) {
    const size_t target = publisher.confirmed() + kConfirmsBetweenKills + 71 * kill;
    ASSERT_TRUE(WaitFor([&] { return publisher.confirmed() >= target || publisher.done_sending(); },
                        std::chrono::seconds(20)))
        << "kill " << kill << ": only " << publisher.confirmed() << " confirmed, waiting for " << target;
    ASSERT_FALSE(publisher.done_sending()) << "kill " << kill << ": the publisher stopped: "
                                           << publisher.Finish().ToString();
    const size_t sent = publisher.sent(), confirmed = publisher.confirmed();
    ASSERT_EQ(region.StopHub(SIGKILL), 128 + SIGKILL);
    std::cout << "kill " << kill << ": " << sent << " sent, " << confirmed << " confirmed, "
              << sent - confirmed << " unconfirmed\n";
    ASSERT_EQ(region.StartHub(endpoint), endpoint) << "kill " << kill;
  }
  // The publisher gets going again after the last restart, then stops.
  const size_t after_last = publisher.confirmed() + kConfirmsBetweenKills;
  ASSERT_TRUE(WaitFor([&] { return publisher.confirmed() >= after_last || publisher.done_sending(); },
                      std::chrono::seconds(20)));
  FinishAndCountEveryRecord(region, publisher);
}

FAULT_TEST_ON_EVERY_BACKEND(FaultHubKillTest);

}  // namespace
}  // namespace gallery::testing
