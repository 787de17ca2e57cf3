// The audit log of a real hubd: records published and routed, a rule set reloaded through
// the admin API, a dead letter shown with its contents and retried; then hubctl verifies
// the chain against the head the hub logged at stop, and reports one person's disclosures
// and withholdings for a subject access request, with no record contents anywhere in the
// audit.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>

#include "adapters/sdk/publisher.h"
#include "adapters/sdk/subscriber.h"
#include "hub/cli/admin_client.h"
#include "hub/store/journal_store.h"
#include "tests/common/command.h"
#include "tests/integration/sample_records.h"
#include "tests/integration/test_region.h"

namespace gallery::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

constexpr const char* kAgencies = R"(  - {id: dn, name: District Nursing, kind: community-health}
  - {id: asc, name: Adult Social Care, kind: adult-social-care}
  - {id: housing, name: Homesafe Housing, kind: housing}
)";

constexpr const char* kRules = R"(protocol: single-assessment
version: 3
review_by: 2099-12-31
legal_basis: Care Act 2014 s.6
purpose: direct-care
rules:
  - id: sap-to-nursing
    from: [asc]
    types: [assessment.single]
    to: [dn]
    include: ["Personal care/*", "Mobility/*"]
  - id: sap-to-housing
    from: [asc]
    types: [assessment.single]
    to: [housing]
    include: ["Home environment/*"]
    consent: required
    legal_basis: UK GDPR 6(1)(e)
)";

using test_support::CommandResult;
using test_support::Hubctl;

// Takes deliveries to dn for `timeout`, refusing `refused` and acking the rest.
void Serve(sdk::Subscriber& subscriber, std::chrono::milliseconds timeout,
           const std::string& refused) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto next = subscriber.Next(std::chrono::milliseconds(100));
    if (!next.ok() || !next->has_value()) continue;
    const sdk::Delivery& delivery = **next;
    if (delivery.record.record_id() == refused) {
      (void)subscriber.Nack(delivery.delivery_id, "no mapping for section 'Mobility'");
    } else {
      (void)subscriber.Ack(delivery.delivery_id);
    }
  }
}

TEST(AuditLogTest, TheHubsAuditLogVerifiesAndAnswersASubjectAccessRequest) {
  TestRegion region("audit", kAgencies, kRules, {}, "  max_attempts: 2\n");
  const std::string endpoint = region.StartHub();
  const std::string admin = region.admin_address();
  {
    sdk::Publisher publisher(TestClient(endpoint, "asc"));
    ASSERT_TRUE(publisher.Send(SingleAssessment("asc:edith:1", kNhsNumbers[0], "")).ok());
    ASSERT_TRUE(publisher.Send(SingleAssessment("asc:other:1", kNhsNumbers[1], "")).ok());
    auto outcomes = publisher.Flush(std::chrono::seconds(20));
    ASSERT_TRUE(outcomes.ok()) << outcomes.status().ToString();
  }
  sdk::Subscriber subscriber(TestClient(endpoint, "dn"));
  Serve(subscriber, std::chrono::seconds(3), "asc:other:1");

  // The dead letter shown with its contents, then retried: both audited.
  auto shown = cli::CallAdmin(admin, "GET", "/admin/deadletters/1?contents=true");
  ASSERT_TRUE(shown.ok()) << shown.status().ToString();
  ASSERT_EQ(shown->status, 200) << shown->body;
  auto retried = cli::CallAdmin(admin, "POST", "/admin/deadletters/1/retry");
  ASSERT_TRUE(retried.ok()) << retried.status().ToString();
  ASSERT_EQ(retried->status, 200) << retried->body;

  // A new rule set through the admin API: housing may now read mobility too.
  std::string rules = kRules;
  rules.replace(rules.find("include: [\"Home environment/*\"]"),
                std::string("include: [\"Home environment/*\"]").size(),
                "include: [\"Home environment/*\", \"Mobility/*\"]");
  std::ofstream(region.dir() / "rules" / "protocol.yaml") << rules;
  auto reloaded = cli::CallAdmin(admin, "POST", "/admin/rules/reload");
  ASSERT_TRUE(reloaded.ok()) << reloaded.status().ToString();
  ASSERT_EQ(reloaded->status, 200) << reloaded->body;
  {
    sdk::Publisher publisher(TestClient(endpoint, "asc"));
    ASSERT_TRUE(publisher.Send(SingleAssessment("asc:edith:2", kNhsNumbers[0], "")).ok());
    auto outcomes = publisher.Flush(std::chrono::seconds(20));
    ASSERT_TRUE(outcomes.ok()) << outcomes.status().ToString();
  }
  auto metrics = cli::CallAdmin(admin, "GET", "/metrics");
  ASSERT_TRUE(metrics.ok());
  EXPECT_THAT(metrics->body, HasSubstr("gallery_audit_chain_length "));
  EXPECT_THAT(metrics->body, HasSubstr("gallery_audit_chain_head_info{hash=\""));
  region.StopHub(SIGTERM);

  // The head the hub logged at stop.
  const std::string log = region.HubLog();
  std::string last_head;
  const std::regex logged_head("audit log head: entry \\d+ hash ([0-9a-f]{64})");
  for (std::sregex_iterator it(log.begin(), log.end(), logged_head), end; it != end; ++it) {
    last_head = (*it)[1];
  }
  ASSERT_FALSE(last_head.empty()) << log;
  const std::string config = " --config " + region.config_path();
  const CommandResult verify = Hubctl("audit verify" + config + " --head " + last_head);
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  EXPECT_THAT(verify.output, HasSubstr("audit log ok: "));

  const CommandResult report =
      Hubctl(std::string("audit subject ") + kNhsNumbers[0] + config + " --format json");
  ASSERT_EQ(report.exit_code, 0) << report.output;
  const json events = json::parse(report.output, nullptr, false)["events"];
  ASSERT_TRUE(events.is_array()) << report.output;
  std::vector<std::string> outcomes;
  for (const json& event : events) {
    outcomes.push_back(event["record_id"].get<std::string>() + " " +
                       event["outcome"].get<std::string>() + " " +
                       event["agency"].get<std::string>());
  }
  // The other person's record is not in Edith's report.
  EXPECT_THAT(outcomes, ElementsAre("asc:edith:1 disclosed dn", "asc:edith:1 withheld housing",
                                    "asc:edith:2 disclosed dn", "asc:edith:2 withheld housing"));
  const json& disclosed = events[0];
  EXPECT_EQ(disclosed["record_type"], "assessment.single");
  EXPECT_EQ(disclosed["source"], "asc");
  EXPECT_EQ(disclosed["rule_ids"], json::array({"sap-to-nursing"}));
  EXPECT_EQ(disclosed["purposes"], json::array({"direct-care"}));
  EXPECT_EQ(disclosed["legal_basis"], json::array({"sap-to-nursing: Care Act 2014 s.6"}));
  EXPECT_EQ(disclosed["fields"],
            json::array({"Personal care/Washing and dressing", "Mobility/Walking"}));
  EXPECT_THAT(disclosed["withheld"].dump(), HasSubstr("\"Finances/*\""));
  const json& withheld = events[1];
  EXPECT_THAT(withheld["reason"].get<std::string>(), HasSubstr("consent-missing: "));
  EXPECT_THAT(withheld["reason"].get<std::string>(), HasSubstr("sap-to-housing"));

  // No record contents in the report, nor in any audit entry the store holds.
  for (const char* content : {"Edith", "Marsh", "stockings", "Mill Lane", "ZZ99", "pension"}) {
    EXPECT_THAT(report.output, Not(HasSubstr(content)));
  }
  auto store = store::JournalStore::Open(region.store_path(), {.read_only = true});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto entries = (*store)->AuditEntries(0, 10000);
  ASSERT_TRUE(entries.ok());
  std::string all;
  for (const std::string& entry : *entries) all += entry;
  for (const char* content : {"Edith", "Marsh", "stockings", "Mill Lane", "ZZ99", "pension",
                              kNhsNumbers[0], kNhsNumbers[1]}) {
    EXPECT_THAT(all, Not(HasSubstr(content))) << content;
  }
  // The events besides records: the rule sets (start, admin API), the dead letter, and the
  // admin requests that showed contents and changed state.
  for (const char* event :
       {"start", "admin API", "no mapping for section 'Mobility'", "/admin/deadletters/1",
        "/admin/deadletters/1/retry", "/admin/rules/reload", "Care Act 2014 s.6"}) {
    EXPECT_THAT(all, HasSubstr(event)) << event;
  }
}

}  // namespace
}  // namespace gallery::testing
