// Registry: what records teach it, and what it tells the router.
#include "hub/registry/registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/registry/registry_test_util.h"

namespace gallery::registry {
namespace {

using router::ConsentStatus;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::MakeRecord;
using testing::Micros;
using ::testing::Pair;

std::vector<std::pair<std::string, std::string>>
Relationships(const Registry &registry, const v1::Subject &subject) {
  std::vector<std::pair<std::string, std::string>> out;
  registry.ForEachRelationship(
      subject, [&](std::string_view agency, std::string_view rel) {
        out.emplace_back(agency, rel);
      });
  return out;
}

class RegistryTest : public ::testing::Test {
protected:
  Registry registry_{testing::TestAgencies()};
  v1::Subject subject_ = MakeRecord("x", "gp-riverside", "x").subject();
};

TEST_F(RegistryTest, OrdinaryRecordsTeachNothing) {
  EXPECT_THAT(
      registry_.Learn(MakeRecord("r1", "asc-county", "assessment.single")),
      IsEmpty());
  EXPECT_EQ(registry_.subject_count(), 0u);
}

TEST_F(RegistryTest, ConsentDirectiveAppliesToItsProtocolOnly) {
  auto facts = registry_.Learn(
      MakeRecord("c1", "asc-county", "consent.directive",
                 {{"status", "Objected"}, {"PROTOCOL", "sap"}}));
  EXPECT_EQ(facts.size(), 1u);
  auto view = registry_.Consent(subject_, "sap", "direct-care");
  EXPECT_EQ(view.status, ConsentStatus::kObjected);
  EXPECT_EQ(view.record_id, "c1");
  EXPECT_EQ(registry_.Consent(subject_, "cwd", "direct-care").status,
            ConsentStatus::kNone);
}

TEST_F(RegistryTest, LatestDirectiveByEffectiveDateWins) {
  (void)registry_.Learn(
      MakeRecord("c1", "asc-county", "consent.directive",
                 {{"Status", "given"}, {"Date", "2026-01-05"}}));
  (void)registry_.Learn(MakeRecord("c2", "asc-county", "consent.directive",
                                   {{"Status", "objected"},
                                    {"Purpose", "direct-care"},
                                    {"Date", "2026-01-01"}}));
  // The objection is older than the consent to everything: the consent stands.
  EXPECT_EQ(registry_.Consent(subject_, "sap", "direct-care").record_id, "c1");
  (void)registry_.Learn(
      MakeRecord("c3", "asc-county", "consent.directive",
                 {{"Status", "withdrawn"}, {"Date", "2026-01-08"}}));
  EXPECT_EQ(registry_.Consent(subject_, "sap", "safeguarding").status,
            ConsentStatus::kWithdrawn);
}

TEST_F(RegistryTest, UnreadableConsentRecordTeachesNothing) {
  EXPECT_THAT(
      registry_.Learn(MakeRecord("c1", "asc-county", "consent.directive",
                                 {{"Status", "maybe"}})),
      IsEmpty());
  EXPECT_THAT(registry_.Learn(
                  MakeRecord("c2", "asc-county", "consent.directive",
                             {{"Status", "given"}, {"Purpose", "marketing"}})),
              IsEmpty());
  EXPECT_EQ(registry_.Consent(subject_, "sap", "direct-care").status,
            ConsentStatus::kNone);
}

TEST_F(RegistryTest, RegistrationRecordRegistersThePracticeItNames) {
  EXPECT_EQ(
      registry_
          .Learn(MakeRecord("g1", "hosp-general", "relationship.registration",
                            {{"Practice", "a81002"}}))
          .size(),
      1u);
  EXPECT_THAT(Relationships(registry_, subject_),
              ElementsAre(Pair("gp-hillside", "registered-gp")));
}

TEST_F(RegistryTest, NewRegistrationEndsThePreviousOne) {
  (void)registry_.Learn(MakeRecord("g1", "gp-riverside",
                                   "relationship.registration",
                                   {{"Date", "2025-01-01"}}));
  (void)registry_.Learn(MakeRecord("g2", "gp-hillside",
                                   "relationship.registration",
                                   {{"Date", "2026-01-01"}}));
  EXPECT_THAT(Relationships(registry_, subject_),
              ElementsAre(Pair("gp-hillside", "registered-gp")));
  const SubjectFacts *history = registry_.History("9434765919");
  ASSERT_NE(history, nullptr);
  ASSERT_EQ(history->relationships.size(), 2u);
  EXPECT_EQ(history->relationships[0].agency, "gp-riverside");
  EXPECT_EQ(history->relationships[0].start_us, Micros("2025-01-01"));
  EXPECT_EQ(history->relationships[0].end_us, Micros("2026-01-01"));
  EXPECT_EQ(history->relationships[0].ended_by, "g2");
  EXPECT_TRUE(history->relationships[1].active());
}

TEST_F(RegistryTest, RegistrationEndsWithAnEndDate) {
  (void)registry_.Learn(
      MakeRecord("g1", "gp-riverside", "relationship.registration"));
  (void)registry_.Learn(MakeRecord("g2", "gp-riverside",
                                   "relationship.registration",
                                   {{"Ended", "2026-02-01"}}));
  EXPECT_THAT(Relationships(registry_, subject_), IsEmpty());
  EXPECT_EQ(registry_.History(subject_)->relationships[0].end_us,
            Micros("2026-02-01"));
}

TEST_F(RegistryTest, RecordsTeachTheRegisteredPracticeOnlyWhenNoneIsKnown) {
  v1::Record first = MakeRecord("r1", "hosp-general", "adt.admission");
  first.mutable_subject()->set_registered_gp_ods("A81001");
  EXPECT_EQ(registry_.Learn(first).size(), 1u);
  // Stale hospital data naming another practice does not move the patient.
  v1::Record stale = MakeRecord("r2", "hosp-general", "adt.discharge");
  stale.mutable_subject()->set_registered_gp_ods("A81002");
  EXPECT_THAT(registry_.Learn(stale), IsEmpty());
  EXPECT_THAT(Relationships(registry_, subject_),
              ElementsAre(Pair("gp-riverside", "registered-gp")));
  // The practice itself confirming its patient does.
  v1::Record own = MakeRecord("r3", "gp-hillside", "encounter.note");
  own.mutable_subject()->set_registered_gp_ods("A81002");
  EXPECT_EQ(registry_.Learn(own).size(), 1u);
  EXPECT_THAT(Relationships(registry_, subject_),
              ElementsAre(Pair("gp-hillside", "registered-gp")));
  // Again: nothing new to learn, nothing journaled.
  own.set_record_id("r4");
  EXPECT_THAT(registry_.Learn(own), IsEmpty());
}

TEST_F(RegistryTest, AllocationKeepsWorkerForHistoryAndEnds) {
  (void)registry_.Learn(MakeRecord(
      "a1", "asc-county", "relationship.allocation", {{"Worker", "J Smith"}}));
  EXPECT_THAT(Relationships(registry_, subject_),
              ElementsAre(Pair("asc-county", "allocated-worker")));
  EXPECT_EQ(registry_.History(subject_)->relationships[0].detail,
            "Worker: J Smith");
  (void)registry_.Learn(MakeRecord(
      "a2", "asc-county", "relationship.allocation", {{"Status", "ended"}}));
  EXPECT_THAT(Relationships(registry_, subject_), IsEmpty());
}

TEST_F(RegistryTest, OtherRelationshipsAreNamedByTheirTypeOrField) {
  (void)registry_.Learn(MakeRecord("i1", "asc-county",
                                   "relationship.involvement",
                                   {{"Agency", "dn-central"}}));
  (void)registry_.Learn(MakeRecord("i2", "asc-county",
                                   "relationship.involvement",
                                   {{"Relationship", "Carer-Support"}}));
  EXPECT_THAT(Relationships(registry_, subject_),
              ElementsAre(Pair("dn-central", "involvement"),
                          Pair("asc-county", "carer-support")));
}

TEST_F(RegistryTest, UnknownAgenciesAreIgnored) {
  EXPECT_THAT(
      registry_.Learn(MakeRecord("i1", "asc-county", "relationship.involvement",
                                 {{"Agency", "nowhere"}})),
      IsEmpty());
  EXPECT_THAT(registry_.Learn(
                  MakeRecord("g1", "asc-county", "relationship.registration")),
              IsEmpty()); // the source is no practice
}

TEST_F(RegistryTest, RetractionUndoesWhatTheRecordTaught) {
  (void)registry_.Learn(
      MakeRecord("g1", "gp-riverside", "relationship.registration"));
  (void)registry_.Learn(
      MakeRecord("g2", "gp-hillside", "relationship.registration"));
  v1::Record retraction =
      MakeRecord("g3", "gp-hillside", "relationship.registration");
  retraction.set_retracts("g2");
  retraction.clear_subject(); // the subject is the one g2 taught about
  EXPECT_EQ(registry_.Learn(retraction).size(), 1u);
  // Riverside, which g2 had ended, is the registered practice again.
  EXPECT_THAT(Relationships(registry_, subject_),
              ElementsAre(Pair("gp-riverside", "registered-gp")));
  EXPECT_EQ(registry_.History(subject_)->relationships[1].retracted_by, "g3");
}

TEST_F(RegistryTest, AmendmentReplacesWhatTheRecordTaught) {
  (void)registry_.Learn(MakeRecord("c1", "asc-county", "consent.directive",
                                   {{"Status", "objected"}}));
  v1::Record amendment = MakeRecord("c2", "asc-county", "consent.directive",
                                    {{"Status", "given"}});
  amendment.set_amends("c1");
  EXPECT_EQ(registry_.Learn(amendment).size(),
            2u); // undo, then the new directive
  EXPECT_EQ(registry_.Consent(subject_, "sap", "direct-care").status,
            ConsentStatus::kGiven);
  // Entered in error: the directive is gone, with nothing in its place.
  v1::Record error = MakeRecord("c3", "asc-county", "consent.sharing",
                                {{"Status", "entered-in-error"}});
  error.set_amends("c2");
  EXPECT_EQ(registry_.Learn(error).size(), 1u);
  EXPECT_EQ(registry_.Consent(subject_, "sap", "direct-care").status,
            ConsentStatus::kNone);
}

TEST_F(RegistryTest, SubjectsWithoutNhsNumberAreKeyedByLocalId) {
  v1::Record record = MakeRecord("a1", "asc-county", "relationship.allocation");
  record.mutable_subject()->clear_nhs_number();
  auto *local = record.mutable_subject()->add_local_ids();
  local->set_agency("asc-county");
  local->set_value("C123");
  (void)registry_.Learn(record);
  EXPECT_NE(registry_.History("local:asc-county:C123"), nullptr);
  EXPECT_THAT(Relationships(registry_, record.subject()),
              ElementsAre(Pair("asc-county", "allocated-worker")));
  EXPECT_THAT(Relationships(registry_, subject_), IsEmpty());
}

} // namespace
} // namespace gallery::registry
