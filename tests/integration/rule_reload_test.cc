// Hot reload of the rules in a running hubd: a valid set replaces the running one on SIGHUP
// and through the admin API; an invalid set is refused with its errors, and the running set
// goes on routing.
#include <csignal>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "adapters/sdk/publisher.h"
#include "hub/cli/admin_client.h"
#include "tests/integration/sample_records.h"
#include "tests/integration/test_region.h"

namespace gallery::testing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using nlohmann::json;

constexpr const char* kAgencies = R"(  - {id: asc, name: Adult Social Care, kind: adult-social-care}
  - {id: dn, name: District Nursing, kind: community-health}
  - {id: housing, name: HomeSafe Housing, kind: housing}
)";

constexpr const char* kToNursing = R"(protocol: reload
version: 1
rules:
  - id: asc-to-dn
    from: [asc]
    types: [assessment.single]
    to: [dn]
    include: ["*"]
)";

constexpr const char* kToNursingAndHousing = R"(protocol: reload
version: 2
rules:
  - id: asc-to-dn
    from: [asc]
    types: [assessment.single]
    to: [dn]
    include: ["*"]
  - id: asc-to-housing
    from: [asc]
    types: [assessment.single]
    to: [housing]
    include: ["@subject/address"]
)";

json GetJson(const std::string& admin, const std::string& method, const std::string& path,
             int expected_status) {
  auto reply = cli::CallAdmin(admin, method, path);
  EXPECT_TRUE(reply.ok()) << reply.status().ToString();
  if (!reply.ok()) return json();
  EXPECT_EQ(reply->status, expected_status) << reply->body;
  return json::parse(reply->body, nullptr, /*allow_exceptions=*/false);
}

std::string RunningHash(const std::string& admin) {
  return GetJson(admin, "GET", "/admin/rules", 200).value("hash", "");
}

void Publish(const std::string& endpoint, const std::string& record_id) {
  sdk::Publisher publisher(TestClient(endpoint, "asc"));
  ASSERT_TRUE(publisher.Send(SingleAssessment(record_id, kNhsNumbers[0], "")).ok());
  auto outcomes = publisher.Flush(std::chrono::seconds(20));
  ASSERT_TRUE(outcomes.ok()) << outcomes.status().ToString();
}

TEST(RuleReloadTest, ValidSetsReplaceTheRunningOneAndInvalidOnesAreRefused) {
  TestRegion region("reload", kAgencies, kToNursing);
  const std::string endpoint = region.StartHub();
  const std::string admin = region.admin_address();
  const std::string first = RunningHash(admin);
  ASSERT_FALSE(first.empty());

  Publish(endpoint, "asc:1");
  auto journaled = region.JournaledDeliveries();
  EXPECT_THAT(journaled["dn"], ElementsAre("asc:1"));
  EXPECT_THAT(journaled["housing"], IsEmpty());

  // SIGHUP: the new set is swapped in, and the next record goes to housing too.
  std::ofstream(region.dir() / "rules" / "protocol.yaml") << kToNursingAndHousing;
  ASSERT_EQ(::kill(region.hub().pid(), SIGHUP), 0);
  ASSERT_TRUE(WaitFor([&] { return RunningHash(admin) != first; }, std::chrono::seconds(10)));
  const std::string second = RunningHash(admin);
  Publish(endpoint, "asc:2");
  journaled = region.JournaledDeliveries();
  EXPECT_THAT(journaled["dn"], ElementsAre("asc:1", "asc:2"));
  EXPECT_THAT(journaled["housing"], ElementsAre("asc:2"));

  // An invalid file beside it: refused through the admin API, with its place named...
  std::ofstream(region.dir() / "rules" / "broken.yaml")
      << "protocol: broken\nversion: 1\nrules:\n  - id: to-police\n    from: [asc]\n"
         "    types: [assessment.single]\n    to: [police-north]\n    include: [\"*\"]\n";
  const json refused = GetJson(admin, "POST", "/admin/rules/reload", 422);
  EXPECT_EQ(refused.value("running", ""), second);
  ASSERT_TRUE(refused.contains("errors"));
  EXPECT_THAT(refused["errors"].get<std::vector<std::string>>(),
              Contains(HasSubstr("broken.yaml:7:")));
  // ...and on SIGHUP, where the log names it.
  ASSERT_EQ(::kill(region.hub().pid(), SIGHUP), 0);
  ASSERT_TRUE(WaitFor(
      [&] { return region.HubLog().find("reload (SIGHUP) refused") != std::string::npos; },
      std::chrono::seconds(10)));
  EXPECT_THAT(region.HubLog(), HasSubstr("broken.yaml:7:"));
  EXPECT_EQ(RunningHash(admin), second);

  // The running set goes on routing.
  Publish(endpoint, "asc:3");
  journaled = region.JournaledDeliveries();
  EXPECT_THAT(journaled["housing"], ElementsAre("asc:2", "asc:3"));

  // Mending the file and asking the admin API loads it.
  std::filesystem::remove(region.dir() / "rules" / "broken.yaml");
  const json loaded = GetJson(admin, "POST", "/admin/rules/reload", 200);
  EXPECT_EQ(loaded.value("hash", ""), second);  // the same files as before: unchanged

  auto metrics = cli::CallAdmin(admin, "GET", "/metrics");
  ASSERT_TRUE(metrics.ok());
  EXPECT_THAT(metrics->body, HasSubstr("gallery_rule_reloads_total{result=\"loaded\"} 1\n"));
  EXPECT_THAT(metrics->body, HasSubstr("gallery_rule_reloads_total{result=\"refused\"} 2\n"));
  EXPECT_THAT(metrics->body, HasSubstr("gallery_rule_reloads_total{result=\"unchanged\"} 1\n"));
  EXPECT_THAT(metrics->body, HasSubstr("gallery_rule_set_info{hash=\"" + second + "\""));
}

}  // namespace
}  // namespace gallery::testing
