// hubd killed with SIGKILL in the middle of a run and started again on the same store:
// every confirmed record is still delivered, once per recipient inbox.
#include <csignal>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "adapters/sdk/publisher.h"
#include "tests/integration/sample_records.h"
#include "tests/integration/test_region.h"

namespace gallery::testing {
namespace {

constexpr const char* kAgencies = R"(  - {id: gp-a, name: Practice A, kind: gp-practice, ods: A00001}
  - {id: dn, name: District Nursing, kind: community-health}
  - {id: asc, name: Adult Social Care, kind: adult-social-care}
)";

constexpr const char* kRules = R"(protocol: restart
version: 1
rules:
  - id: asc-to-care-team
    from: [asc]
    types: [assessment.single]
    to: [dn, "relationship:registered-gp"]
    include: ["*"]
)";

constexpr int kRecords = 3000;

TEST(HubRestartTest, KillingHubMidRunLosesNoConfirmedRecordAndDeliversEachOnce) {
  TestRegion region("restart", kAgencies, kRules);
  const std::string endpoint = region.StartHub();
  region.StartSink("dn");
  region.StartSink("gp-a");

  std::set<std::string> confirmed;
  Status publish_status;
  std::thread publishing([&] {
    sdk::ClientOptions options = TestClient(endpoint, "asc");
    options.max_in_flight = 100;
    sdk::Publisher publisher(options);
    for (int i = 0; i < kRecords && publish_status.ok(); ++i) {
      publish_status = publisher.Send(
          SingleAssessment("asc:restart:" + std::to_string(i), kNhsNumbers[i % 9], "A00001"));
    }
    auto outcomes = publisher.Flush(std::chrono::seconds(60));
    if (!outcomes.ok()) {
      publish_status = outcomes.status();
      return;
    }
    // Confirms that arrived while sending were drained by Flush as well.
    for (const auto& outcome : *outcomes) {
      if (outcome.status.ok()) confirmed.insert(outcome.record_id);
    }
  });

  ASSERT_TRUE(WaitFor([&] { return region.JournaledRecords() >= kRecords / 4; },
                      std::chrono::seconds(60)));
  EXPECT_EQ(region.StopHub(SIGKILL), 128 + SIGKILL);
  const size_t journaled_at_kill = region.JournaledRecords();
  EXPECT_LT(journaled_at_kill, static_cast<size_t>(kRecords)) << "the kill came too late to test anything";
  EXPECT_EQ(region.StartHub(endpoint), endpoint);

  publishing.join();
  ASSERT_TRUE(publish_status.ok()) << publish_status.ToString();
  EXPECT_EQ(confirmed.size(), static_cast<size_t>(kRecords));

  ASSERT_TRUE(WaitFor([&] { return region.JournaledRecords() == kRecords &&
                                   region.PendingDeliveries() == 0; },
                      std::chrono::seconds(60)));
  region.StopSinks();
  for (const std::string agency : {"dn", "gp-a"}) {
    const auto inbox = region.Inbox(agency);
    std::set<std::string> ids;
    for (const auto& d : inbox) ids.insert(d.record().record_id());
    EXPECT_EQ(inbox.size(), static_cast<size_t>(kRecords)) << agency << ": a record written twice";
    EXPECT_EQ(ids, confirmed) << agency << ": a confirmed record is missing";
  }
}

}  // namespace
}  // namespace gallery::testing
