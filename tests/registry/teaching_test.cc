// ReadTeaching: what consent and relationship records say, field by field.
#include "hub/registry/teaching.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/registry/registry_test_util.h"

namespace gallery::registry {
namespace {

using testing::MakeRecord;
using testing::Micros;
using Kind = Teaching::Kind;

class TeachingTest : public ::testing::Test {
protected:
  AgencyDirectory agencies_{testing::TestAgencies()};
};

TEST_F(TeachingTest, FhirConsentActiveWithDenyIsAnObjectionFromThePeriodStart) {
  v1::Record record = MakeRecord("c1", "hosp-general", "consent.sharing",
                                 {{"Status", "active"},
                                  {"Decision", "deny"},
                                  {"Period", "2025-03-01 to 2027-03-01"}});
  auto *purpose = record.mutable_sections(0)->add_fields();
  purpose->set_name("Purpose");
  purpose->mutable_coded()->set_code("SAFEGUARDING");
  const Teaching teaching = ReadTeaching(record, agencies_);
  ASSERT_EQ(teaching.kind, Kind::kConsent) << teaching.why;
  EXPECT_EQ(teaching.consent.status(),
            registry_facts::v1::CONSENT_STATUS_OBJECTED);
  EXPECT_EQ(teaching.consent.purpose(), "safeguarding");
  EXPECT_EQ(teaching.consent.effective_us(), Micros("2025-03-01"));
}

TEST_F(TeachingTest, FhirInactiveOrRejectedConsentIsWithdrawn) {
  for (const char *status : {"inactive", "rejected"}) {
    const Teaching teaching =
        ReadTeaching(MakeRecord("c1", "hosp-general", "consent.sharing",
                                {{"Status", status}}),
                     agencies_);
    ASSERT_EQ(teaching.kind, Kind::kConsent) << status;
    EXPECT_EQ(teaching.consent.status(),
              registry_facts::v1::CONSENT_STATUS_WITHDRAWN);
  }
}

TEST_F(TeachingTest, ConsentWithoutDateTakesEffectWhenTheEventOccurred) {
  v1::Record record = MakeRecord("c1", "asc-county", "consent.directive",
                                 {{"Decision", "permit"}});
  record.mutable_occurred_at()->set_seconds(Micros("2025-06-01") / 1000000);
  const Teaching teaching = ReadTeaching(record, agencies_);
  ASSERT_EQ(teaching.kind, Kind::kConsent);
  EXPECT_EQ(teaching.consent.status(),
            registry_facts::v1::CONSENT_STATUS_GIVEN);
  EXPECT_EQ(teaching.consent.effective_us(), Micros("2025-06-01"));
  EXPECT_TRUE(teaching.consent.protocol().empty());
  EXPECT_TRUE(teaching.consent.purpose().empty());
}

TEST_F(TeachingTest, ConsentThatDoesNotSayEnoughIsUnreadable) {
  for (auto fields :
       std::vector<std::vector<std::pair<std::string, std::string>>>{
           {},
           {{"Status", "active"}},
           {{"Status", "draft"}, {"Decision", "permit"}},
           {{"Status", "given"}, {"Date", "last tuesday"}},
           {{"Status", "given"}, {"Protocol", " "}}}) {
    EXPECT_EQ(ReadTeaching(
                  MakeRecord("c1", "asc-county", "consent.directive", fields),
                  agencies_)
                  .kind,
              Kind::kUnreadable);
  }
}

TEST_F(TeachingTest,
       RegistrationDefaultsToTheSourcePracticeAndMayNameAnAgency) {
  Teaching teaching = ReadTeaching(
      MakeRecord("g1", "gp-hillside", "relationship.registration"), agencies_);
  ASSERT_EQ(teaching.kind, Kind::kRelationship);
  EXPECT_EQ(teaching.agency, "gp-hillside");
  EXPECT_EQ(teaching.relationship, "registered-gp");
  EXPECT_FALSE(teaching.ends);
  teaching = ReadTeaching(
      MakeRecord("g2", "hosp-general", "relationship.registration",
                 {{"agency", "gp-riverside"}, {"Start", "2024-05-06"}}),
      agencies_);
  EXPECT_EQ(teaching.agency, "gp-riverside");
  EXPECT_EQ(teaching.at_us, Micros("2024-05-06"));
  teaching =
      ReadTeaching(MakeRecord("g3", "hosp-general", "relationship.registration",
                              {{"Agency", "asc-county"}}),
                   agencies_);
  EXPECT_EQ(teaching.kind, Kind::kUnreadable);
}

TEST_F(TeachingTest, OrdinaryRecordsAreNotAboutTheRegistry) {
  EXPECT_EQ(ReadTeaching(MakeRecord("r1", "asc-county", "assessment.single"),
                         agencies_)
                .kind,
            Kind::kNotAbout);
  EXPECT_EQ(
      ReadTeaching(MakeRecord("r2", "asc-county", "relationship."), agencies_)
          .kind,
      Kind::kNotAbout);
}

} // namespace
} // namespace gallery::registry
