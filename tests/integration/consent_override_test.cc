// Consent through a real hubd: an objection learned from a consent record stops sharing
// under an objection-respected rule, while a safeguarding rule overrides it, and every
// such disclosure is counted for the alert and logged without record contents.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/sdk/publisher.h"
#include "hub/cli/admin_client.h"
#include "tests/integration/sample_records.h"
#include "tests/integration/test_region.h"

namespace gallery::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr const char* kAgencies = R"(  - {id: school, name: Brook Primary School, kind: education}
  - {id: csc, name: Children's Social Care, kind: childrens-social-care}
)";

constexpr const char* kRules = R"(protocol: child-protection
version: 1
purpose: safeguarding
legal_basis: Children Act 1989 s.47
rules:
  - id: concern-to-social-care
    from: [school]
    types: [safeguarding.concern]
    to: [csc]
    include: ["*"]
    consent: override
    justification: asking would put the child at risk
  - id: early-help
    from: [school]
    types: [referral.request]
    to: [csc]
    include: ["*"]
    purpose: direct-care
    consent: objection-respected
)";

v1::Record SchoolRecord(const std::string& id, const std::string& type) {
  v1::Record record;
  record.set_record_id(id);
  record.set_source_agency("school");
  record.set_record_type(type);
  record.mutable_subject()->set_nhs_number(kNhsNumbers[1]);
  record.mutable_subject()->mutable_demographics()->set_given_name("Amy");
  v1::Section* section = record.add_sections();
  section->set_heading("Concern");
  section->add_fields()->set_name("Summary");
  section->mutable_fields(0)->set_text("bruising noticed in PE");
  return record;
}

v1::Record Objection() {
  v1::Record record = SchoolRecord("school:consent:1", "consent.directive");
  record.mutable_sections(0)->set_heading("Consent");
  record.mutable_sections(0)->mutable_fields(0)->set_name("Status");
  record.mutable_sections(0)->mutable_fields(0)->set_text("objected");
  return record;
}

TEST(ConsentOverrideTest, AnObjectionStopsEarlyHelpButNotASafeguardingConcern) {
  TestRegion region("override", kAgencies, kRules);
  const std::string endpoint = region.StartHub();
  {
    sdk::Publisher publisher(TestClient(endpoint, "school"));
    for (const v1::Record& record :
         {Objection(), SchoolRecord("school:referral:1", "referral.request"),
          SchoolRecord("school:concern:1", "safeguarding.concern")}) {
      ASSERT_TRUE(publisher.Send(record).ok());
    }
    auto outcomes = publisher.Flush(std::chrono::seconds(20));
    ASSERT_TRUE(outcomes.ok()) << outcomes.status().ToString();
    for (const auto& outcome : *outcomes) ASSERT_TRUE(outcome.status.ok()) << outcome.status.ToString();
  }

  EXPECT_THAT(region.JournaledDeliveries()["csc"], ElementsAre("school:concern:1"));

  auto metrics = cli::CallAdmin(region.admin_address(), "GET", "/metrics");
  ASSERT_TRUE(metrics.ok()) << metrics.status().ToString();
  EXPECT_THAT(metrics->body, HasSubstr("gallery_consent_overrides_total{recipient=\"csc\","
                                       "rule=\"concern-to-social-care\"} 1\n"));
  EXPECT_THAT(metrics->body, HasSubstr("gallery_withholdings_total{source=\"school\","
                                       "agency=\"csc\",reason=\"objection\"} 1\n"));

  const std::string log = region.HubLog();
  EXPECT_THAT(log, HasSubstr("record school:concern:1 from school disclosed to csc under consent "
                             "override rule concern-to-social-care (consent state: objected)"));
  for (const char* personal : {"Amy", "bruising", kNhsNumbers[1]}) {
    EXPECT_THAT(log, Not(HasSubstr(personal))) << personal;
  }
}

}  // namespace
}  // namespace gallery::testing
