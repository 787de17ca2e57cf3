// The involvement alert decision and the records it makes, over a real registry and rule
// set: no relationship, an ended one, objections respected or overridden, and what each
// side learns.
#include "hub/involvement/involvement_alert.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hub/registry/registry.h"
#include "tests/involvement/involvement_test_util.h"
#include "tests/registry/registry_test_util.h"

namespace gallery::involvement {
namespace {

using registry::testing::MakeRecord;
using registry::testing::Micros;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr const char* kNhsNumber = "9434765919";  // MakeRecord's subject

// Children's social care is alerted when the hospital sees a child on a protection plan,
// whatever the family's wishes; housing is alerted when the hospital sees a tenant it
// supports, unless the person objects.
constexpr const char* kAlertProtocol = R"(
protocol: alerts
version: 1
review_by: 2099-12-31
purpose: direct-care
consent: objection-respected
involvement_alerts:
  - id: cp-attendance
    senders: [kind:hospital]
    types: [attendance.unscheduled]
    relationship: child-protection-plan
    holders: [kind:childrens-social-care]
    purpose: safeguarding
    consent: override
    justification: Asking the family would put the child at risk.
  - id: tenancy-support-attendance
    senders: [hosp-general]
    types: [attendance.unscheduled, admission.inpatient]
    relationship: tenancy-support
    holders: [kind:housing]
)";

std::vector<std::string> Alerted(const AlertDecision& decision) {
  std::vector<std::string> out;
  for (const Alert& alert : decision.alerts) out.push_back(alert.rule->id + ":" + alert.holder.id);
  return out;
}

std::vector<std::string> FieldNames(const v1::Record& record) {
  std::vector<std::string> names;
  for (const v1::Section& section : record.sections()) {
    for (const v1::Field& field : section.fields()) names.push_back(field.name());
  }
  return names;
}

std::string FieldText(const v1::Record& record, std::string_view name) {
  for (const v1::Section& section : record.sections()) {
    for (const v1::Field& field : section.fields()) {
      if (field.name() == name) return field.text();
    }
  }
  return {};
}

class InvolvementAlertTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto rules =
        router::RuleSet::LoadString(kAlertProtocol, "alerts.yaml", testing::TestAgencies());
    ASSERT_TRUE(rules.ok()) << rules.status().message();
    rules_ = *rules;
  }

  void Learn(const v1::Record& record) { (void)registry_.Learn(record); }

  void LearnPlan() {
    Learn(MakeRecord("plan", "csc-county", "relationship.child-protection-plan",
                     {{"Date", "2026-01-02"}, {"Category", "neglect"}}));
  }

  static v1::Record Attendance(std::string source = "hosp-general") {
    v1::Record record = MakeRecord("att-1", std::move(source), "attendance.unscheduled",
                                   {{"Presenting complaint", "fall"}});
    record.mutable_subject()->mutable_demographics()->set_family_name("Smith");
    return record;
  }

  AlertDecision Decide(const v1::Record& record, int64_t now_us = Micros("2026-06-01")) const {
    return DecideAlerts(*rules_, registry_.History(kNhsNumber), record, now_us);
  }

  std::shared_ptr<const router::RuleSet> rules_;
  registry::Registry registry_{testing::TestAgencies()};
};

TEST_F(InvolvementAlertTest, RulesAreIndexedByRecordType) {
  EXPECT_THAT(rules_->AlertRulesFor("attendance.unscheduled"), ElementsAre(0u, 1u));
  EXPECT_THAT(rules_->AlertRulesFor("admission.inpatient"), ElementsAre(1u));
  EXPECT_THAT(rules_->AlertRulesFor("discharge.summary"), IsEmpty());
}

TEST_F(InvolvementAlertTest, ChildWithPlanAttendingAlertsTheHolder) {
  LearnPlan();
  const AlertDecision decision = Decide(Attendance());
  EXPECT_THAT(Alerted(decision), ElementsAre("cp-attendance:csc-county"));
  EXPECT_THAT(decision.suppressed, IsEmpty());
  EXPECT_EQ(decision.alerts[0].sender.id, "hosp-general");
  EXPECT_EQ(decision.alerts[0].since_us, Micros("2026-01-02"));
  EXPECT_EQ(decision.alerts[0].overridden, router::ConsentStatus::kNone);
}

TEST_F(InvolvementAlertTest, NoRelationshipNoAlert) {
  EXPECT_THAT(Decide(Attendance()).alerts, IsEmpty());
  // Another relationship with the same agency is not the plan.
  Learn(MakeRecord("alloc", "csc-county", "relationship.allocation", {{"Date", "2026-01-02"}}));
  EXPECT_THAT(Decide(Attendance()).alerts, IsEmpty());
}

TEST_F(InvolvementAlertTest, EndedOrRetractedRelationshipNoAlert) {
  LearnPlan();
  Learn(MakeRecord("plan-end", "csc-county", "relationship.child-protection-plan",
                   {{"Status", "ended"}, {"End", "2026-03-01"}}));
  EXPECT_THAT(Decide(Attendance()).alerts, IsEmpty());

  v1::Record again = MakeRecord("plan-2", "csc-county", "relationship.child-protection-plan",
                                {{"Date", "2026-04-01"}});
  Learn(again);
  EXPECT_THAT(Alerted(Decide(Attendance())), ElementsAre("cp-attendance:csc-county"));
  v1::Record retraction =
      MakeRecord("plan-2-x", "csc-county", "relationship.child-protection-plan");
  retraction.set_retracts("plan-2");
  Learn(retraction);
  EXPECT_THAT(Decide(Attendance()).alerts, IsEmpty());
}

TEST_F(InvolvementAlertTest, OnlyTheNamedSendersAndTypesTrigger) {
  LearnPlan();
  EXPECT_THAT(Decide(Attendance("dn-central")).alerts, IsEmpty());
  v1::Record discharge = Attendance();
  discharge.set_record_type("discharge.summary");
  EXPECT_THAT(Decide(discharge).alerts, IsEmpty());
}

TEST_F(InvolvementAlertTest, ProtocolPastReviewRaisesNothing) {
  LearnPlan();
  EXPECT_THAT(Decide(Attendance(), Micros("2100-01-02")).alerts, IsEmpty());
}

TEST_F(InvolvementAlertTest, ObjectionRespectedUnlessTheRuleOverrides) {
  LearnPlan();
  Learn(MakeRecord("support", "housing-homesafe", "relationship.tenancy-support",
                   {{"Date", "2026-01-02"}}));
  EXPECT_THAT(Alerted(Decide(Attendance())),
              ElementsAre("cp-attendance:csc-county",
                          "tenancy-support-attendance:housing-homesafe"));

  Learn(MakeRecord("obj", "asc-county", "consent.directive", {{"Status", "objected"}}));
  const AlertDecision decision = Decide(Attendance());
  // The safeguarding rule overrides, and says so for the audit; the housing rule respects it.
  EXPECT_THAT(Alerted(decision), ElementsAre("cp-attendance:csc-county"));
  EXPECT_EQ(decision.alerts[0].overridden, router::ConsentStatus::kObjected);
  EXPECT_EQ(decision.alerts[0].consent_record_id, "obj");
  ASSERT_EQ(decision.suppressed.size(), 1u);
  EXPECT_EQ(decision.suppressed[0].holder, "housing-homesafe");
  EXPECT_EQ(decision.suppressed[0].kind, "objection");
  EXPECT_THAT(decision.suppressed[0].reason, ::testing::HasSubstr("record obj"));
}

TEST_F(InvolvementAlertTest, HolderLearnsWhoSentWhatTypeNeverTheContent) {
  LearnPlan();
  v1::Record attendance = Attendance();
  const Alert alert = Decide(attendance).alerts.at(0);
  const v1::Record record = AlertRecord(alert, attendance);
  EXPECT_EQ(record.record_type(), kAlertRecordType);
  EXPECT_EQ(record.record_id(), "att-1/involvement-alert/cp-attendance/csc-county");
  EXPECT_EQ(record.source_agency(), "hosp-general");
  EXPECT_EQ(record.subject().nhs_number(), kNhsNumber);
  EXPECT_FALSE(record.subject().has_demographics());
  EXPECT_THAT(FieldNames(record),
              ElementsAre("Rule", "Relationship", "Sender", "Sender name", "Sender kind",
                          "Record type", "Record", "Received at"));
  EXPECT_EQ(FieldText(record, "Record"), "att-1");
  EXPECT_EQ(FieldText(record, "Record type"), "attendance.unscheduled");
  EXPECT_EQ(FieldText(record, "Sender name"), "General Hospital");
  EXPECT_EQ(record.DebugString().find("fall"), std::string::npos);
}

TEST_F(InvolvementAlertTest, SenderLearnsOnlyWhomToContact) {
  Learn(MakeRecord("support", "housing-homesafe", "relationship.tenancy-support",
                   {{"Date", "2026-01-02"}, {"Worker", "J. Bloggs"}}));
  v1::Record attendance = Attendance();
  const Alert alert = Decide(attendance).alerts.at(0);
  const v1::Record record = NoticeRecord(alert, attendance);
  EXPECT_EQ(record.record_type(), kNoticeRecordType);
  EXPECT_EQ(record.record_id(),
            "att-1/involvement-notice/tenancy-support-attendance/housing-homesafe");
  EXPECT_THAT(FieldNames(record), ElementsAre("Rule", "Relationship", "Agency", "Agency name",
                                              "Agency kind", "Contact", "Since", "Record",
                                              "Record type"));
  EXPECT_EQ(FieldText(record, "Agency name"), "HomeSafe Housing");
  EXPECT_EQ(FieldText(record, "Contact"), "tenancy@homesafe.example");
  // Nothing of the holder's own record: neither its worker nor its fields.
  EXPECT_EQ(record.DebugString().find("Bloggs"), std::string::npos);
  EXPECT_FALSE(record.subject().has_demographics());
}

TEST(InvolvementAlertRulesTest, LoaderNamesTheFileAndLineOfEachMistake) {
  constexpr const char* kBad = R"(protocol: bad-alerts
version: 1
purpose: direct-care
involvement_alerts:
  - id: a1
    senders: [kind:hospital]
    types: [attendance.*]
    relationship: Child Plan
    holders: [kind:childrens-social-care]
  - id: a2
    types: [attendance.unscheduled]
    relationship: child-protection-plan
    holders: [kind:nowhere]
    consent: override
    colour: red
)";
  auto rules = router::RuleSet::LoadString(kBad, "bad.yaml", testing::TestAgencies());
  ASSERT_FALSE(rules.ok());
  const std::string errors(rules.status().message());
  EXPECT_THAT(errors, ::testing::HasSubstr("bad.yaml:7:"));
  EXPECT_THAT(errors, ::testing::HasSubstr("exact record types"));
  EXPECT_THAT(errors, ::testing::HasSubstr("bad.yaml:8:"));
  EXPECT_THAT(errors, ::testing::HasSubstr("'senders'"));
  EXPECT_THAT(errors, ::testing::HasSubstr("nowhere"));
  EXPECT_THAT(errors, ::testing::HasSubstr("justification"));
  EXPECT_THAT(errors, ::testing::HasSubstr("colour"));
}

}  // namespace
}  // namespace gallery::involvement
