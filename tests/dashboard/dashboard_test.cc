// The ops dashboard in a real browser: a real hubd (CURVE on, admin API behind a bearer
// token) with flows from two agencies, a recipient that never connects, records withheld
// from a GP and one dead letter; then dashboard_test.mjs drives headless Chromium against
// the hub's admin server, gives the page the token, checks what it shows, retries the dead
// letter from the page and saves a screenshot.
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/sdk/publisher.h"
#include "adapters/sdk/subscriber.h"
#include "tests/integration/child_process.h"
#include "tests/integration/sample_records.h"
#include "tests/integration/test_region.h"

namespace gallery::testing {
namespace {

using ::testing::HasSubstr;

// dashboard_test.mjs expects exactly these agencies and volumes.
constexpr const char* kAgencies = R"(  - {id: asc, name: County Adult Social Care, kind: adult-social-care}
  - {id: gp, name: Riverside Surgery, kind: gp-practice, ods: A81001}
  - {id: dn, name: Central District Nursing, kind: community-health}
  - {id: hosp, name: General Hospital, kind: hospital}
)";

// Adult social care shares with district nursing and the hospital, the practice with
// district nursing; nothing permits the practice to receive adult social care's records.
constexpr const char* kRules = R"(protocol: dashboard
version: 1
rules:
  - id: asc-to-community
    from: [asc]
    types: [assessment.single]
    to: [dn, hosp]
    include: ["*"]
  - id: gp-to-dn
    from: [gp]
    types: [assessment.single]
    to: [dn]
    include: ["*"]
)";

constexpr auto kBrowserTimeout = std::chrono::seconds(40);
constexpr const char* kAdminToken = "dashboard-token-0123456789abcdef";

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class DashboardTest : public ::testing::Test {
 protected:
  TestRegion region_{"dashboard", kAgencies, kRules, {}, "  max_attempts: 2\n"};
};

TEST_F(DashboardTest, PageShowsFlowsBacklogsWithheldAndRetriesADeadLetter) {
  const std::filesystem::path script_dir = GALLERY_DASHBOARD_DIR;
  ASSERT_TRUE(std::filesystem::exists(script_dir / "node_modules" / "playwright-core"))
      << "playwright-core is missing: run `npm ci` in " << script_dir.string()
      << " (tests/run.sh does)";
  ASSERT_TRUE(std::filesystem::exists(GALLERY_NODE))
      << "node not found at configure time ('" << GALLERY_NODE
      << "'): deploy/install-deps.sh installs it";

  std::ofstream(region_.dir() / "admin.token") << kAdminToken << "\n";
  std::ofstream(region_.config_path(), std::ios::app)
      << "admin:\n  listen: \"127.0.0.1:0\"\n  token_file: admin.token\n";
  const std::string endpoint = region_.StartHub();
  {
    sdk::Publisher asc(TestClient(endpoint, "asc"));
    // Each names the practice as the person's GP, which no rule lets receive it.
    for (const char* id : {"asc:poison", "asc:fine-1", "asc:fine-2"}) {
      ASSERT_TRUE(asc.Send(SingleAssessment(id, kNhsNumbers[0], "A81001")).ok());
    }
    auto outcomes = asc.Flush(std::chrono::seconds(20));
    ASSERT_TRUE(outcomes.ok()) << outcomes.status().ToString();
  }
  {
    sdk::Publisher gp(TestClient(endpoint, "gp"));
    for (const char* id : {"gp:1", "gp:2"}) {
      v1::Record record = SingleAssessment(id, kNhsNumbers[1], "");
      record.set_source_agency("gp");
      ASSERT_TRUE(gp.Send(record).ok());
    }
    auto outcomes = gp.Flush(std::chrono::seconds(20));
    ASSERT_TRUE(outcomes.ok()) << outcomes.status().ToString();
  }

  // District nursing refuses one record until it is dead-lettered and takes the rest;
  // the hospital never connects, so its deliveries wait.
  {
    sdk::Subscriber dn(TestClient(endpoint, "dn"));
    int refused = 0;
    int acked = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while ((refused < 2 || acked < 4) && std::chrono::steady_clock::now() < deadline) {
      auto next = dn.Next(std::chrono::milliseconds(100));
      if (!next.ok() || !next->has_value()) continue;
      const sdk::Delivery& delivery = **next;
      if (delivery.record.record_id() == "asc:poison") {
        ++refused;
        (void)dn.Nack(delivery.delivery_id, "no mapping for section 'Finances'");
      } else {
        ++acked;
        (void)dn.Ack(delivery.delivery_id);
      }
    }
    ASSERT_EQ(refused, 2);
    ASSERT_EQ(acked, 4);
  }
  ASSERT_TRUE(WaitFor([&] { return region_.PendingDeliveries("dn") == 0; },
                      std::chrono::seconds(10), std::chrono::milliseconds(100)));

  const std::filesystem::path screenshot =
      std::filesystem::absolute(std::filesystem::path(GALLERY_DASHBOARD_OUT) / "dashboard.png");
  std::filesystem::create_directories(screenshot.parent_path());
  std::filesystem::remove(screenshot);
  const std::filesystem::path log = region_.dir() / "browser.log";
  ChildProcess browser({GALLERY_NODE, (script_dir / "dashboard_test.mjs").string(),
                        "http://" + region_.admin_address() + "/", screenshot.string()},
                       log.string(), {std::string("GALLERY_ADMIN_TOKEN=") + kAdminToken});
  int exit_code = browser.Wait(kBrowserTimeout);
  if (exit_code < 0) exit_code = browser.Stop(SIGKILL);
  const std::string output = ReadFile(log);
  std::printf("%s", output.c_str());
  EXPECT_EQ(exit_code, 0) << "dashboard_test.mjs failed:\n" << output;
  EXPECT_TRUE(std::filesystem::exists(screenshot)) << screenshot.string();

  // The retry the page made, as the hub's store sees it.
  EXPECT_EQ(region_.PendingDeliveries("dn"), 1u);
  EXPECT_EQ(region_.PendingDeliveries("hosp"), 3u);
  EXPECT_THAT(region_.HubLog(), HasSubstr("admin: dead letter 1 retried"));
}

}  // namespace
}  // namespace gallery::testing
