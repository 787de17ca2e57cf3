// The worked protocols in routing-rules/, with the demo region's agencies and a real
// consent and relationship registry: what each of them shares, with whom, and what it must
// never share. These lock the lessons of the pilots into behaviour.
#include <google/protobuf/util/time_util.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "hub/config/hub_config.h"
#include "hub/registry/registry.h"
#include "hub/router/rule_set.h"

namespace gallery {
namespace {

using router::Decision;
using router::Disclosure;
using router::PlanScope;
using router::Withholding;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

constexpr const char* kEdith = "9434765919";  // an older person
constexpr const char* kSam = "9434765870";    // a disabled child
constexpr const char* kAmy = "9434765862";    // a child with a protection plan

using Fields = std::initializer_list<std::pair<const char*, const char*>>;

class WorkedProtocolsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto config = config::LoadHubConfig(std::string(GALLERY_SOURCE_DIR) + "/deploy/demo/hub.yaml");
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    agencies_ = config->agencies;
    auto rules = router::RuleSet::LoadDirectory(config->rules_dir, agencies_);
    ASSERT_TRUE(rules.ok()) << rules.status().ToString();
    rules_ = *rules;
    registry_ = std::make_unique<registry::Registry>(agencies_);
  }

  // A record received on `date` (within every worked protocol's review period by default).
  v1::Record Record(const std::string& source, const std::string& type, const std::string& nhs,
                    const std::string& date = "2026-12-01") {
    v1::Record record;
    record.set_record_id(source + ":" + type + ":" + std::to_string(++sequence_));
    record.set_source_agency(source);
    record.set_record_type(type);
    record.mutable_subject()->set_nhs_number(nhs);
    google::protobuf::Timestamp at;
    EXPECT_TRUE(google::protobuf::util::TimeUtil::FromString(date + "T09:00:00Z", &at));
    *record.mutable_received_at() = at;
    return record;
  }

  static v1::Section& Section(v1::Record& record, const std::string& heading, Fields fields) {
    v1::Section& section = *record.add_sections();
    section.set_heading(heading);
    for (const auto& [name, text] : fields) {
      v1::Field& field = *section.add_fields();
      field.set_name(name);
      field.set_text(text);
    }
    return section;
  }

  // The registry learns from `record` as hubd's ingest does, before any record after it.
  std::string Teach(v1::Record record) {
    EXPECT_THAT(registry_->Learn(record), Not(IsEmpty())) << record.record_id() << " taught nothing";
    return record.record_id();
  }

  std::string Register(const std::string& nhs, const std::string& practice_ods) {
    v1::Record record = Record("gp-riverside", "relationship.registration", nhs);
    // Registrations come from the practice the patient joins.
    for (const Agency& a : agencies_) {
      if (a.ods_code == practice_ods) record.set_source_agency(a.id);
    }
    record.set_record_id(record.source_agency() + ":registration:" + std::to_string(++sequence_));
    Section(record, "Relationship", {{"Practice", practice_ods.c_str()}});
    return Teach(record);
  }

  std::string Allocate(const std::string& nhs, const std::string& agency) {
    v1::Record record = Record(agency, "relationship.allocation", nhs);
    Section(record, "Relationship", {{"Worker", "Duty team"}});
    return Teach(record);
  }

  std::string Consent(const std::string& nhs, const char* status, const char* protocol = nullptr) {
    v1::Record record = Record("asc-county", "consent.directive", nhs);
    if (protocol != nullptr) {
      Section(record, "Consent", {{"Status", status}, {"Protocol", protocol}});
    } else {
      Section(record, "Consent", {{"Status", status}});
    }
    return Teach(record);
  }

  Decision Route(const v1::Record& record, PlanScope scope = PlanScope::kConsidered) {
    registry_->Learn(record);
    return rules_->Route(record, *registry_, scope);
  }

  static std::vector<std::string> Recipients(const Decision& decision) {
    std::vector<std::string> out;
    for (const Disclosure& d : decision.disclosures) out.push_back(d.recipient);
    return out;
  }
  static const Disclosure* To(const Decision& decision, std::string_view agency) {
    for (const Disclosure& d : decision.disclosures) {
      if (d.recipient == agency) return &d;
    }
    return nullptr;
  }
  static const Withholding* WithheldFrom(const Decision& decision, std::string_view agency) {
    for (const Withholding& w : decision.withholdings) {
      if (w.agency == agency) return &w;
    }
    return nullptr;
  }
  // "Heading/Field" for every field that travels, under the headings the recipient reads.
  static std::vector<std::string> Paths(const Disclosure& disclosure) {
    std::vector<std::string> out;
    for (const v1::Section& s : disclosure.redacted.sections()) {
      for (const v1::Field& f : s.fields()) out.push_back(s.heading() + "/" + f.name());
    }
    return out;
  }

  std::vector<Agency> agencies_;
  std::shared_ptr<const router::RuleSet> rules_;
  std::unique_ptr<registry::Registry> registry_;
  int sequence_ = 0;
};

v1::Record& WithAssessment(v1::Record& record) {
  auto add = [&](const char* heading, const char* field) {
    v1::Section& s = *record.add_sections();
    s.set_heading(heading);
    v1::Field& f = *s.add_fields();
    f.set_name(field);
    f.set_text("recorded");
  };
  add("Personal care", "Washing and dressing");
  add("Home environment", "Hazards");
  add("Finances", "Financial assessment");
  return record;
}

// --- Single assessment of older people ------------------------------------------------

TEST_F(WorkedProtocolsTest, APracticeNeverReceivesAnotherPracticesPatient) {
  Register(kEdith, "A81001");  // Riverside
  v1::Record assessment = Record("asc-county", "assessment.single", kEdith);
  WithAssessment(assessment);
  Decision decision = Route(assessment, PlanScope::kEveryAgency);
  EXPECT_THAT(Recipients(decision), Contains("gp-riverside"));
  EXPECT_THAT(Recipients(decision), Not(Contains("gp-hillview")));
  ASSERT_NE(WithheldFrom(decision, "gp-hillview"), nullptr);
  EXPECT_EQ(WithheldFrom(decision, "gp-hillview")->kind, router::kNoRelationship);

  // A hospital that names the other practice cannot make it a recipient either.
  v1::Record discharge = Record("hosp-general", "adt.discharge", kEdith);
  discharge.mutable_subject()->set_registered_gp_ods("A81002");
  Section(discharge, "Discharge summary", {{"Summary", "recorded"}});
  EXPECT_THAT(Recipients(Route(discharge)), Not(Contains("gp-hillview")));

  // Nor can a practice's own referral reach another practice.
  v1::Record referral = Record("gp-riverside", "referral.request", kEdith);
  Section(referral, "Reason for referral", {{"Reason", "recorded"}});
  EXPECT_THAT(Recipients(Route(referral)), UnorderedElementsAre("asc-county", "dn-central"));
}

TEST_F(WorkedProtocolsTest, AfterAPatientMovesPracticeTheOldPracticeReceivesNothingNew) {
  Register(kEdith, "A81001");
  v1::Record before = Record("hosp-general", "adt.discharge", kEdith);
  before.mutable_subject()->set_registered_gp_ods("A81001");
  Section(before, "Discharge summary", {{"Summary", "recorded"}});
  EXPECT_THAT(Recipients(Route(before)), Contains("gp-riverside"));

  Register(kEdith, "A81002");  // she joins Hillview
  // The hospital's patient administration system still names Riverside.
  v1::Record after = Record("hosp-general", "adt.discharge", kEdith);
  after.mutable_subject()->set_registered_gp_ods("A81001");
  Section(after, "Discharge summary", {{"Summary", "recorded"}});
  const Decision decision = Route(after);
  EXPECT_THAT(Recipients(decision), Contains("gp-hillview"));
  EXPECT_THAT(Recipients(decision), Not(Contains("gp-riverside")));
  ASSERT_NE(WithheldFrom(decision, "gp-riverside"), nullptr);
  EXPECT_EQ(WithheldFrom(decision, "gp-riverside")->kind, router::kNoRelationship);

  v1::Record assessment = Record("dn-central", "assessment.single", kEdith);
  WithAssessment(assessment);
  EXPECT_THAT(Recipients(Route(assessment)), Not(Contains("gp-riverside")));
}

TEST_F(WorkedProtocolsTest, HousingSeesTheHomeNeverHealthCareOrMoney) {
  v1::Record assessment = Record("asc-county", "assessment.single", kEdith);
  WithAssessment(assessment);
  const Decision decision = Route(assessment);
  const Disclosure* housing = To(decision, "housing-homesafe");
  ASSERT_NE(housing, nullptr);
  EXPECT_THAT(Paths(*housing), ElementsAre("Home environment/Hazards"));
}

// --- Consent: objection-respected against override -------------------------------------

TEST_F(WorkedProtocolsTest, AnObjectionStopsObjectionRespectedSharingButNotAnOverride) {
  const std::string objection = Consent(kAmy, "objected");

  // Direct care under the single assessment respects it.
  v1::Record assessment = Record("asc-county", "assessment.single", kAmy);
  WithAssessment(assessment);
  Decision decision = Route(assessment);
  EXPECT_THAT(Recipients(decision), IsEmpty());
  ASSERT_NE(WithheldFrom(decision, "dn-central"), nullptr);
  EXPECT_EQ(WithheldFrom(decision, "dn-central")->kind, router::kObjection);
  EXPECT_THAT(WithheldFrom(decision, "dn-central")->reason, HasSubstr(objection));

  // So does early help, which is voluntary, in the child protection protocol.
  v1::Record early_help = Record("school-brook", "referral.request", kAmy);
  Section(early_help, "Reason for referral", {{"Reason", "recorded"}});
  decision = Route(early_help);
  EXPECT_THAT(Recipients(decision), IsEmpty());
  ASSERT_NE(WithheldFrom(decision, "csc-county"), nullptr);
  EXPECT_EQ(WithheldFrom(decision, "csc-county")->kind, router::kObjection);

  // A safeguarding concern overrides it, and the decision records the override with the
  // objection it overrode, for the audit.
  v1::Record concern = Record("school-brook", "safeguarding.concern", kAmy);
  Section(concern, "Concern", {{"Summary", "recorded"}}).add_sensitivity_labels("safeguarding");
  decision = Route(concern);
  const Disclosure* social_care = To(decision, "csc-county");
  ASSERT_NE(social_care, nullptr);
  ASSERT_EQ(social_care->overrides.size(), 1u);
  EXPECT_EQ(social_care->overrides[0].rule_id, "cp-concern-to-social-care");
  EXPECT_EQ(social_care->overrides[0].consent, router::ConsentStatus::kObjected);
  EXPECT_EQ(social_care->overrides[0].consent_record_id, objection);
  EXPECT_THAT(social_care->purposes, ElementsAre("safeguarding"));
}

// --- Children with disabilities -------------------------------------------------------

v1::Record& WithTherapyAssessment(v1::Record& record) {
  auto add = [&](const char* heading, std::initializer_list<const char*> fields) {
    v1::Section& s = *record.add_sections();
    s.set_heading(heading);
    for (const char* name : fields) {
      v1::Field& f = *s.add_fields();
      f.set_name(name);
      f.set_text("recorded");
    }
  };
  add("Communication", {"Summary", "How to communicate with me", "Receptive language"});
  add("Eating and drinking", {"Texture"});
  return record;
}

TEST_F(WorkedProtocolsTest, ChildrensServicesShareOnlyWithParentalConsent) {
  v1::Record first = Record("slt-community", "assessment.multi-agency", kSam);
  WithTherapyAssessment(first);
  Decision decision = Route(first);
  EXPECT_THAT(Recipients(decision), IsEmpty());
  for (const char* agency : {"paed-therapy", "edpsych-county", "csc-county"}) {
    ASSERT_NE(WithheldFrom(decision, agency), nullptr) << agency;
    EXPECT_EQ(WithheldFrom(decision, agency)->kind, router::kConsentMissing) << agency;
  }

  Consent(kSam, "given", "children-with-disabilities");
  v1::Record second = Record("slt-community", "assessment.multi-agency", kSam);
  WithTherapyAssessment(second);
  decision = Route(second);
  EXPECT_THAT(Recipients(decision), ElementsAre("csc-county", "edpsych-county", "paed-therapy"));
  // Each profession reads under its own headings: the educational psychologist under the
  // SEND Code of Practice's area of need; the therapists under the therapist's own.
  EXPECT_THAT(Paths(*To(decision, "edpsych-county")),
              ElementsAre("Communication and interaction/Summary",
                          "Communication and interaction/How to communicate with me",
                          "Communication and interaction/Receptive language"));
  EXPECT_THAT(Paths(*To(decision, "paed-therapy")),
              ElementsAre("Communication/Summary", "Communication/How to communicate with me",
                          "Communication/Receptive language", "Eating and drinking/Texture"));
  EXPECT_THAT(Paths(*To(decision, "csc-county")),
              ElementsAre("Communication/Summary", "Communication/How to communicate with me"));

  Consent(kSam, "withdrawn", "children-with-disabilities");
  v1::Record third = Record("slt-community", "assessment.multi-agency", kSam);
  WithTherapyAssessment(third);
  decision = Route(third);
  EXPECT_THAT(Recipients(decision), IsEmpty());
  EXPECT_EQ(WithheldFrom(decision, "edpsych-county")->kind, router::kObjection);
}

TEST_F(WorkedProtocolsTest, MentalHealthContentStaysWithEducationAndSocialWork) {
  Consent(kSam, "given", "children-with-disabilities");
  v1::Record record = Record("edpsych-county", "assessment.multi-agency", kSam);
  Section(record, "Cognition and learning", {{"Summary", "recorded"}});
  Section(record, "Social, emotional and mental health", {{"Summary", "recorded"}})
      .add_sensitivity_labels("mental-health");
  const Decision decision = Route(record);
  EXPECT_THAT(Paths(*To(decision, "slt-community")), ElementsAre("Cognition and learning/Summary"));
  // The social worker reads cognition and learning as the Assessment Framework's "Education".
  EXPECT_THAT(Paths(*To(decision, "csc-county")),
              ElementsAre("Education/Summary", "Social, emotional and mental health/Summary"));
}

// --- Child protection -----------------------------------------------------------------

TEST_F(WorkedProtocolsTest, APlanReachesTheChildsGpAndAllocatedAgenciesOnly) {
  Register(kAmy, "A81002");              // Hillview
  Allocate(kAmy, "slt-community");        // a speech and language therapist works with her
  v1::Record plan = Record("csc-county", "plan.child-protection", kAmy);
  v1::Section& section = Section(plan, "Plan", {{"Category", "neglect"},
                                                {"Start date", "2026-11-20"},
                                                {"Conference notes", "recorded"}});
  section.add_sensitivity_labels("safeguarding");
  Section(plan, "Key worker", {{"Name", "recorded"}});
  const Decision decision = Route(plan);
  EXPECT_THAT(Recipients(decision), ElementsAre("gp-hillview", "slt-community"));
  EXPECT_THAT(Paths(*To(decision, "gp-hillview")),
              ElementsAre("Plan/Category", "Plan/Start date", "Key worker/Name"));
  EXPECT_THAT(Paths(*To(decision, "slt-community")),
              ElementsAre("Plan/Category", "Plan/Start date", "Key worker/Name"));
  for (const Disclosure& d : decision.disclosures) EXPECT_THAT(d.overrides, Not(IsEmpty()));
}

TEST_F(WorkedProtocolsTest, AnUrgentCareAttendanceReachesTheAllocatedSocialWorker) {
  v1::Record unknown = Record("hosp-general", "attendance.unscheduled", kAmy);
  Section(unknown, "Attendance", {{"Department", "Emergency"}});
  EXPECT_THAT(Recipients(Route(unknown)), IsEmpty());  // no one allocated: no one told

  Allocate(kAmy, "csc-county");
  v1::Record attendance = Record("hosp-general", "attendance.unscheduled", kAmy);
  attendance.mutable_subject()->mutable_demographics()->set_given_name("Amy");
  Section(attendance, "Attendance", {{"Department", "Emergency"}});
  Section(attendance, "Clinical notes", {{"Notes", "recorded"}});
  const Decision decision = Route(attendance);
  ASSERT_THAT(Recipients(decision), ElementsAre("csc-county"));
  EXPECT_THAT(Paths(*To(decision, "csc-county")), ElementsAre("Attendance/Department"));
  EXPECT_EQ(To(decision, "csc-county")->redacted.subject().demographics().given_name(), "Amy");
}

// --- Review dates ---------------------------------------------------------------------

TEST_F(WorkedProtocolsTest, AProtocolPastItsReviewDateSharesNothing) {
  v1::Record assessment = Record("asc-county", "assessment.single", kEdith, "2027-12-01");
  WithAssessment(assessment);
  const Decision decision = Route(assessment);
  EXPECT_THAT(Recipients(decision), IsEmpty());
  ASSERT_NE(WithheldFrom(decision, "dn-central"), nullptr);
  EXPECT_EQ(WithheldFrom(decision, "dn-central")->kind, router::kProtocolExpired);
}

}  // namespace
}  // namespace gallery
