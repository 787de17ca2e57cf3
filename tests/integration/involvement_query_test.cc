// Who else is involved, through a real hubd under CURVE: agencies ask through the SDK and an
// information-governance officer through hubctl; the answers follow the registry learned from
// published records and the protocol's involvement rules, and every query is audited, counted
// and, when refused for want of a relationship, logged as a warning without the person.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <nlohmann/json.hpp>

#include "adapters/sdk/involvement_client.h"
#include "adapters/sdk/publisher.h"
#include "hub/cli/admin_client.h"
#include "tests/common/command.h"
#include "tests/integration/sample_records.h"
#include "tests/integration/test_region.h"

namespace gallery::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using json = nlohmann::json;
using test_support::CommandResult;
using test_support::Hubctl;

constexpr auto kTimeout = std::chrono::seconds(10);

constexpr const char* kAgencies = R"(  - {id: gp-a, name: Riverside Surgery, kind: gp-practice, ods: A10001}
  - {id: gp-b, name: Hillview Medical Centre, kind: gp-practice, ods: B20002}
  - {id: dn, name: District Nursing, kind: community-health}
  - {id: asc, name: Adult Social Care, kind: adult-social-care, contact: "Duty desk 0300 123 4000"}
  - {id: housing, name: Homesafe Housing, kind: housing, contact: tenancy@homesafe.example}
  - {id: csc, name: Children's Social Care, kind: childrens-social-care}
)";

constexpr const char* kRules = R"(protocol: who-else
version: 1
review_by: 2099-12-31
purpose: direct-care
consent: objection-respected
involvement:
  - id: dn-learns-care-and-housing
    askers: [dn]
    reveals: [kind:adult-social-care, kind:housing]
  - id: gp-learns-community
    askers: [kind:gp-practice]
    reveals: [kind:community-health, kind:adult-social-care]
  - id: csc-safeguarding
    askers: [csc]
    reveals: [kind:gp-practice, kind:community-health, kind:adult-social-care, kind:housing]
    purpose: safeguarding
    consent: override
    justification: Children Act 1989 s.47 enquiries need to know who else is involved.
    asker_relationship: not-required
)";

v1::Record Relationship(const std::string& id, const std::string& source,
                        const std::string& type, const std::string& nhs_number,
                        std::vector<std::pair<std::string, std::string>> fields) {
  v1::Record record;
  record.set_record_id(id);
  record.set_source_agency(source);
  record.set_record_type(type);
  record.mutable_subject()->set_nhs_number(nhs_number);
  auto* section = record.add_sections();
  section->set_heading("Relationship");
  for (auto& [name, value] : fields) {
    auto* field = section->add_fields();
    field->set_name(name);
    field->set_text(value);
  }
  return record;
}

void Publish(const std::string& endpoint, const std::string& agency,
             const std::vector<v1::Record>& records) {
  sdk::Publisher publisher(TestClient(endpoint, agency));
  for (const v1::Record& record : records) ASSERT_TRUE(publisher.Send(record).ok());
  auto flushed = publisher.Flush(std::chrono::seconds(20));
  ASSERT_TRUE(flushed.ok()) << flushed.status().ToString();
}

std::vector<std::string> Ids(const std::vector<sdk::InvolvedAgency>& agencies) {
  std::vector<std::string> ids;
  for (const auto& agency : agencies) ids.push_back(agency.agency);
  return ids;
}

TEST(InvolvementQueryTest, AgenciesLearnWhoElseIsInvolvedUnderTheRulesAndEveryQueryIsAudited) {
  TestRegion region("involvement", kAgencies, kRules);
  const std::string endpoint = region.StartHub();
  const std::string older_person = kNhsNumbers[0];
  const std::string objector = kNhsNumbers[1];
  Publish(endpoint, "gp-a",
          {Relationship("gp-a:reg:1", "gp-a", "relationship.registration", older_person,
                        {{"Date", "2025-04-01"}})});
  Publish(endpoint, "dn",
          {Relationship("dn:alloc:1", "dn", "relationship.allocation", older_person,
                        {{"Date", "2026-01-02"}}),
           Relationship("dn:alloc:2", "dn", "relationship.allocation", objector, {})});
  Publish(endpoint, "asc",
          {Relationship("asc:alloc:1", "asc", "relationship.allocation", older_person,
                        {{"Date", "2025-11-20"}}),
           Relationship("asc:alloc:2", "asc", "relationship.allocation", objector, {}),
           Relationship("asc:consent:2", "asc", "consent.directive", objector,
                        {{"Status", "objected"}, {"Protocol", "who-else"}})});
  Publish(endpoint, "housing",
          {Relationship("housing:tenancy:1", "housing", "relationship.tenancy", older_person,
                        {{"Date", "2024-06-01"}})});

  // The district nurse learns of adult social care and housing, with whom to call.
  sdk::InvolvementClient nurse(TestClient(endpoint, "dn"));
  auto answer = nurse.AskByNhsNumber(older_person, "direct-care", kTimeout);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  ASSERT_THAT(Ids(*answer), ElementsAre("asc", "housing"));
  EXPECT_EQ((*answer)[0].name, "Adult Social Care");
  EXPECT_EQ((*answer)[0].kind, "adult-social-care");
  EXPECT_EQ((*answer)[0].contact, "Duty desk 0300 123 4000");
  EXPECT_EQ((*answer)[1].contact, "tenancy@homesafe.example");
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(
                (*answer)[1].since.time_since_epoch()).count(),
            1717200000);  // 2024-06-01T00:00:00Z

  // Not for a purpose no rule allows; the objector's involvements stay hidden.
  auto planning = nurse.AskByNhsNumber(older_person, "service-planning", kTimeout);
  ASSERT_FALSE(planning.ok());
  EXPECT_EQ(planning.status().code(), Code::kPermissionDenied);
  auto objected = nurse.AskByNhsNumber(objector, "direct-care", kTimeout);
  ASSERT_TRUE(objected.ok()) << objected.status().ToString();
  EXPECT_THAT(*objected, IsEmpty());

  // Another practice has no relationship with the person: refused.
  sdk::InvolvementClient other_practice(TestClient(endpoint, "gp-b"));
  auto refused = other_practice.AskByNhsNumber(older_person, "direct-care", kTimeout);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kPermissionDenied);
  EXPECT_THAT(refused.status().message(), HasSubstr("no relationship"));
  EXPECT_THAT(refused.status().message(), Not(HasSubstr(older_person)));
  auto own_practice = sdk::InvolvementClient(TestClient(endpoint, "gp-a"))
                          .AskByNhsNumber(older_person, "direct-care", kTimeout);
  ASSERT_TRUE(own_practice.ok()) << own_practice.status().ToString();
  EXPECT_THAT(Ids(*own_practice), ElementsAre("asc", "dn"));

  // Children's social care, for safeguarding, needs no relationship of its own.
  auto safeguarding = sdk::InvolvementClient(TestClient(endpoint, "csc"))
                          .AskByNhsNumber(objector, "safeguarding", kTimeout);
  ASSERT_TRUE(safeguarding.ok()) << safeguarding.status().ToString();
  EXPECT_THAT(Ids(*safeguarding), ElementsAre("asc", "dn"));

  // The IG officer's view through hubctl: the same answer, with what was withheld and why.
  const std::string admin = " --admin " + region.admin_address();
  const CommandResult review =
      Hubctl("involvement " + older_person + " --as dn --purpose direct-care" + admin);
  ASSERT_EQ(review.exit_code, 0) << review.output;
  EXPECT_THAT(review.output, HasSubstr("asc: INVOLVED Adult Social Care (adult-social-care)"));
  EXPECT_THAT(review.output, HasSubstr("contact: tenancy@homesafe.example"));
  EXPECT_THAT(review.output, HasSubstr("gp-a: WITHHELD [no-rule]"));
  const CommandResult review_refused =
      Hubctl("involvement " + older_person + " --as gp-b --purpose direct-care" + admin);
  EXPECT_EQ(review_refused.exit_code, 3) << review_refused.output;
  EXPECT_THAT(review_refused.output, HasSubstr("REFUSED [no_relationship]"));

  // Adult social care closes the case: it disappears from the answers.
  Publish(endpoint, "asc",
          {Relationship("asc:alloc:1:end", "asc", "relationship.allocation", older_person,
                        {{"Status", "ended"}})});
  auto after_end = nurse.AskByNhsNumber(older_person, "direct-care", kTimeout);
  ASSERT_TRUE(after_end.ok()) << after_end.status().ToString();
  EXPECT_THAT(Ids(*after_end), ElementsAre("housing"));

  auto metrics = cli::CallAdmin(region.admin_address(), "GET", "/metrics");
  ASSERT_TRUE(metrics.ok()) << metrics.status().ToString();
  EXPECT_THAT(metrics->body, HasSubstr("gallery_involvement_queries_total{asker=\"gp-b\","
                                       "outcome=\"no_relationship\"} 2"));
  EXPECT_THAT(metrics->body, HasSubstr("gallery_involvement_queries_total{asker=\"dn\","
                                       "outcome=\"answered\"} 4"));
  EXPECT_THAT(metrics->body, HasSubstr("gallery_involvement_queries_total{asker=\"dn\","
                                       "outcome=\"purpose_not_allowed\"} 1"));
  region.StopHub(SIGTERM);

  const std::string log = region.HubLog();
  EXPECT_THAT(log, HasSubstr("involvement query (wire) from gp-b for direct-care refused: it "
                             "has no relationship with the person"));
  EXPECT_THAT(log, Not(HasSubstr(older_person)));
  EXPECT_THAT(log, Not(HasSubstr(objector)));

  // The audit log answers for the person: who asked, what they learned, what was withheld.
  const std::string config = " --config " + region.config_path();
  const CommandResult verify = Hubctl("audit verify" + config);
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  const CommandResult report = Hubctl("audit subject " + older_person + config + " --format json");
  ASSERT_EQ(report.exit_code, 0) << report.output;
  const json events = json::parse(report.output, nullptr, false)["events"];
  ASSERT_TRUE(events.is_array()) << report.output;
  std::vector<std::string> queries;
  for (const json& event : events) {
    if (event["record_type"] != "involvement-query") continue;
    queries.push_back(event["source"].get<std::string>() + " " +
                      event["purposes"][0].get<std::string>() + " " +
                      event["outcome"].get<std::string>() + " " +
                      event["agency"].get<std::string>());
  }
  EXPECT_THAT(queries,
              ElementsAre("dn direct-care disclosed asc", "dn direct-care disclosed housing",
                          "dn direct-care withheld gp-a", "dn service-planning refused ",
                          "gp-b direct-care refused ", "gp-a direct-care disclosed asc",
                          "gp-a direct-care disclosed dn", "gp-a direct-care withheld housing",
                          "dn direct-care disclosed asc", "dn direct-care disclosed housing",
                          "dn direct-care withheld gp-a", "gp-b direct-care refused ",
                          "dn direct-care disclosed housing", "dn direct-care withheld gp-a"));
  const CommandResult text = Hubctl("audit subject " + older_person + config);
  EXPECT_THAT(text.output, HasSubstr("involvement query by gp-b for direct-care\n  REFUSED: "
                                     "PERMISSION_DENIED: gp-b has no relationship"));
}

TEST(InvolvementQueryTest, AnAgencyAsksByItsOwnLocalIdentifier) {
  TestRegion region("involvement-local", kAgencies, kRules);
  const std::string endpoint = region.StartHub();
  v1::Record allocation = Relationship("dn:alloc:local", "dn", "relationship.allocation", "", {});
  allocation.mutable_subject()->clear_nhs_number();
  auto* local = allocation.mutable_subject()->add_local_ids();
  local->set_agency("dn");
  local->set_value("DN-0077");
  Publish(endpoint, "dn", {allocation});
  sdk::InvolvementClient nurse(TestClient(endpoint, "dn"));
  auto answer = nurse.AskByLocalId("DN-0077", "direct-care", kTimeout);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_THAT(*answer, IsEmpty());
  // Another agency's identifier is not the nurse's to ask by.
  auto unknown = nurse.AskByLocalId("DN-0078", "direct-care", kTimeout);
  EXPECT_EQ(unknown.status().code(), Code::kPermissionDenied);
  auto bad = nurse.AskByNhsNumber("9990000019", "direct-care", kTimeout);
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
  region.StopHub(SIGTERM);
}

}  // namespace
}  // namespace gallery::testing
