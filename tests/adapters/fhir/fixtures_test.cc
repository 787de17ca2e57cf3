// Every upstream FHIR sample (tests/testdata/fhir/upstream/) through the fixture mapping,
// as a client would send it: each converts with its key fields checked, or is refused with
// the error expected for it. Samples of clinical resources that reference a Patient absent
// from the file are also sent in a transaction with a Patient, where they convert.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "adapters/fhir/check_files.h"
#include "tests/adapters/fhir/fhir_test_util.h"

namespace gallery::fhir {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

struct Refused {
  int status;
  std::string expression;
  std::string diagnostics;  // a part of the first issue's diagnostics
};

const char* kNoPatient = "the Patient it references is not in this Bundle";

// Every refused sample, and why.
const std::map<std::string, Refused>& ExpectedRefusals() {
  static const auto* refusals = new std::map<std::string, Refused>{
      {"fhirpathjs__r4_observation-example.json", {422, "Observation.subject", kNoPatient}},
      {"fhirpathjs__r4_patient-bundle_searchset.json",
       {422, "Bundle.type", "a searchset Bundle is not a transaction or batch"}},
      {"hl7-r4-examples__Condition-example.json", {422, "Condition.subject", kNoPatient}},
      {"hl7-r4-examples__Consent-consent-example-Out.json", {422, "Consent.patient", kNoPatient}},
      {"hl7-r4-examples__Consent-consent-example-signature.json",
       {422, "Consent.patient", kNoPatient}},
      {"hl7-r4-examples__Consent-consent-example-smartonfhir.json",
       {422, "Consent.patient", kNoPatient}},
      {"hl7-r4-examples__Encounter-example.json", {422, "Encounter.subject", kNoPatient}},
      {"hl7-r4-examples__ServiceRequest-example.json", {422, "ServiceRequest.subject", kNoPatient}},
      {"nhs-bars__ServiceRequest_GET-success_tabs.json",
       {422, "ServiceRequest.subject", kNoPatient}},
      {"nhs-bars__ValidationRequest_message_bundle.json",
       {422, "Bundle.type", "a message Bundle is not a transaction or batch"}},
      {"nhs-pds__OperationOutcome_INVALID_RESOURCE_ID.json",
       {422, "OperationOutcome", "resource type OperationOutcome is not in the mapping"}},
      {"nhs-pds__PatientSearch_searchset.json",
       {422, "Bundle.type", "a searchset Bundle is not a transaction or batch"}},
      {"nhs-pds__related_person_9000000009_bundle.json",
       {422, "Bundle.type", "a searchset Bundle is not a transaction or batch"}},
  };
  return *refusals;
}

const std::set<std::string> kConverts = {"fhirpathjs__r4_patient-example.json",
                                         "nhs-pds__patient_9000000009.json",
                                         "nhs-pds__Sensitive_Patient_9000000025_restricted.json"};

class FixturesTest : public ::testing::Test {
 protected:
  Plan PlanFile(const std::string& name) {
    return PlanDocument(mapping_.spec(), test_util::ReadAll(test_util::UpstreamPath(name)));
  }
  v1::Record Converted(const Plan& plan) {
    EXPECT_FALSE(plan.refusal.refused()) << plan.refusal.Summary();
    EXPECT_EQ(plan.entries.size(), 1u);
    EXPECT_FALSE(plan.entries.at(0).refusal.refused()) << plan.entries.at(0).refusal.Summary();
    return plan.entries.at(0).mapped.record;
  }
  // The sample in a transaction after a Patient (NHS number 9990000018) at `reference`.
  Plan InTransaction(const std::string& name, const std::string& reference) {
    const json resource = json::parse(test_util::ReadAll(test_util::UpstreamPath(name)));
    const json bundle = {
        {"resourceType", "Bundle"},
        {"type", "transaction"},
        {"entry",
         {{{"fullUrl", reference},
           {"resource", test_util::TestPatient("pat-1", "9990000018")},
           {"request", {{"method", "POST"}, {"url", "Patient"}}}},
          {{"resource", resource},
           {"request", {{"method", "POST"}, {"url", resource["resourceType"]}}}}}}};
    return PlanRequest(mapping_.spec(), "POST", "/", &bundle, nullptr);
  }
  v1::Record Second(const Plan& plan) {
    EXPECT_FALSE(plan.refusal.refused()) << plan.refusal.Summary();
    EXPECT_EQ(plan.entries.size(), 2u);
    EXPECT_EQ(plan.entries.at(1).mapped.record.subject().nhs_number(), "9990000018");
    return plan.entries.at(1).mapped.record;
  }

  FhirMapping mapping_ =
      test_util::LoadMapping(test_util::SourcePath("tests/testdata/fhir/fixtures.yaml"));
};

TEST_F(FixturesTest, EveryJsonSampleConvertsOrIsRefusedAsExpected) {
  size_t json_files = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(test_util::SourcePath("tests/testdata/fhir/upstream"))) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".json") continue;
    ++json_files;
    const Plan plan = PlanFile(name);
    if (kConverts.count(name)) {
      Converted(plan);
      continue;
    }
    auto it = ExpectedRefusals().find(name);
    ASSERT_NE(it, ExpectedRefusals().end()) << name << " is in neither list";
    ASSERT_TRUE(plan.refusal.refused()) << name;
    EXPECT_EQ(plan.refusal.http_status, it->second.status) << name;
    EXPECT_EQ(plan.refusal.issues.at(0).expression, it->second.expression) << name;
    EXPECT_THAT(plan.refusal.issues.at(0).diagnostics, HasSubstr(it->second.diagnostics)) << name;
  }
  EXPECT_EQ(json_files, kConverts.size() + ExpectedRefusals().size());
}

TEST_F(FixturesTest, XmlSamplesAreRefusedAsUnsupportedMediaType) {
  size_t xml_files = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(test_util::SourcePath("tests/testdata/fhir/upstream"))) {
    if (entry.path().extension() != ".xml") continue;
    ++xml_files;
    const Plan plan = PlanFile(entry.path().filename().string());
    EXPECT_EQ(plan.refusal.http_status, 415) << entry.path();
  }
  EXPECT_EQ(xml_files, 11u);
}

TEST_F(FixturesTest, PdsPatientBringsNhsNumberDemographicsAndPractice) {
  const v1::Record r = Converted(PlanFile("nhs-pds__patient_9000000009.json"));
  EXPECT_EQ(r.record_id(), "sample-fhir:Patient/9000000009");
  EXPECT_EQ(r.record_type(), "patient.demographics");
  EXPECT_EQ(r.subject().nhs_number(), "9000000009");
  EXPECT_EQ(r.subject().registered_gp_ods(), "Y12345");
  const v1::Demographics& d = r.subject().demographics();
  EXPECT_EQ(d.family_name(), "Smith");
  EXPECT_EQ(d.given_name(), "Jane");
  EXPECT_EQ(d.birth_date(), "2010-10-22");
  EXPECT_EQ(d.gender(), "female");
  EXPECT_EQ(d.postcode(), "LS1 6AE");
  EXPECT_EQ(d.address_lines(0), "1 Trevelyan Square");
  EXPECT_EQ(d.phone(), "01632960587");
  EXPECT_EQ(r.sensitivity_labels_size(), 0);  // meta.security U: unrestricted
}

TEST_F(FixturesTest, RestrictedPdsPatientIsLabelledRestricted) {
  const v1::Record r = Converted(PlanFile("nhs-pds__Sensitive_Patient_9000000025_restricted.json"));
  EXPECT_EQ(r.subject().nhs_number(), "9000000025");
  EXPECT_THAT(r.sensitivity_labels(), ElementsAre("restricted"));
  EXPECT_EQ(r.subject().demographics().postcode(), "");
  EXPECT_EQ(r.subject().registered_gp_ods(), "");
}

TEST_F(FixturesTest, ExamplePatientWithoutNhsNumberKeepsItsLocalId) {
  const v1::Record r = Converted(PlanFile("fhirpathjs__r4_patient-example.json"));
  EXPECT_EQ(r.subject().nhs_number(), "");
  ASSERT_EQ(r.subject().local_ids_size(), 1);
  EXPECT_EQ(r.subject().local_ids(0).agency(), "sample-fhir");
  EXPECT_EQ(r.subject().local_ids(0).value(), "12345");
  const v1::Demographics& d = r.subject().demographics();
  EXPECT_EQ(d.family_name(), "Chalmers");
  EXPECT_EQ(d.given_name(), "Peter James");
  EXPECT_EQ(d.birth_date(), "1974-12-25");
  EXPECT_EQ(d.phone(), "(03) 5555 6473");
}

TEST_F(FixturesTest, BarsPatientsNhsNumberFailsItsCheckDigit) {
  const json bundle = json::parse(test_util::ReadAll(
      test_util::UpstreamPath("nhs-bars__ValidationRequest_message_bundle.json")));
  json patient = bundle["entry"][5]["resource"];
  ASSERT_EQ(patient["resourceType"], "Patient");
  patient["id"] = "bars-patient";  // in the message it is named by its fullUrl only
  const Plan plan = PlanRequest(mapping_.spec(), "POST", "/Patient", &patient, nullptr);
  EXPECT_EQ(plan.refusal.http_status, 422);
  EXPECT_EQ(plan.refusal.issues.at(0).expression, "Patient.identifier[0].value");
  EXPECT_THAT(plan.refusal.issues.at(0).diagnostics, HasSubstr("check digit"));
  EXPECT_THAT(plan.refusal.Summary(), ::testing::Not(HasSubstr("3478526985")));
}

TEST_F(FixturesTest, ObservationConvertsWithItsPatient) {
  const v1::Record r =
      Second(InTransaction("fhirpathjs__r4_observation-example.json", "Patient/example"));
  EXPECT_EQ(r.record_id(), "sample-fhir:Observation/example");
  EXPECT_EQ(r.record_type(), "observation.result");
  EXPECT_EQ(r.occurred_at().seconds(), 1459123200);  // 2016-03-28 UTC
  ASSERT_EQ(r.sections_size(), 1);
  const v1::Section& s = r.sections(0);
  EXPECT_EQ(s.fields(0).name(), "Test");
  EXPECT_EQ(s.fields(0).coded().code(), "29463-7");
  EXPECT_EQ(s.fields(1).name(), "Value");
  EXPECT_EQ(s.fields(1).text(), "185 lbs");
}

TEST_F(FixturesTest, EncounterConvertsAsInpatientWithItsPatient) {
  const v1::Record r =
      Second(InTransaction("hl7-r4-examples__Encounter-example.json", "Patient/example"));
  EXPECT_EQ(r.record_type(), "encounter.inpatient");
  ASSERT_EQ(r.sections_size(), 1);
  EXPECT_EQ(r.sections(0).fields(0).text(), "in-progress");
  EXPECT_EQ(r.sections(0).fields(1).coded().code(), "IMP");
}

TEST_F(FixturesTest, ConditionConvertsWithCodeAndClinicalStatus) {
  const v1::Record r =
      Second(InTransaction("hl7-r4-examples__Condition-example.json", "Patient/example"));
  EXPECT_EQ(r.record_type(), "condition.diagnosis");
  const v1::Section& s = r.sections(0);
  EXPECT_EQ(s.fields(0).coded().code(), "39065001");
  EXPECT_EQ(s.fields(0).coded().display(), "Burn of ear");
  EXPECT_EQ(s.fields(1).name(), "Clinical status");
  EXPECT_EQ(s.fields(1).coded().code(), "active");
  EXPECT_EQ(r.occurred_at().seconds(), 1337817600);  // 2012-05-24
}

TEST_F(FixturesTest, ServiceRequestsConvertWithCodeAndCategory) {
  const v1::Record& ct =
      Second(InTransaction("hl7-r4-examples__ServiceRequest-example.json", "Patient/example"));
  EXPECT_EQ(ct.record_type(), "referral.request");
  EXPECT_EQ(ct.sections(0).fields(0).coded().code(), "303653007");
  const v1::Record bars = Second(InTransaction("nhs-bars__ServiceRequest_GET-success_tabs.json",
                                               "urn:uuid:9589fb37-87a2-48d8-968f-b371429208a8"));
  EXPECT_EQ(bars.record_id(), "sample-fhir:ServiceRequest/71d2b38e-b81c-4894-a522-6a65265b1d58");
  EXPECT_EQ(bars.sections(0).fields(0).name(), "Category");
  EXPECT_EQ(bars.sections(0).fields(0).coded().code(), "referral");
}

TEST_F(FixturesTest, ConsentsConvertToConsentRecords) {
  const v1::Record out =
      Second(InTransaction("hl7-r4-examples__Consent-consent-example-Out.json", "Patient/f001"));
  EXPECT_EQ(out.record_type(), "consent.sharing");
  const v1::Section& s = out.sections(0);
  EXPECT_EQ(s.heading(), "Consent");
  EXPECT_EQ(s.fields(0).text(), "active");
  EXPECT_EQ(s.fields(1).coded().code(), "patient-privacy");
  EXPECT_EQ(s.fields(2).coded().code(), "59284-0");
  EXPECT_EQ(s.fields(3).name(), "Actor role");
  EXPECT_EQ(s.fields(3).coded().code(), "CST");
  const v1::Record signature = Second(
      InTransaction("hl7-r4-examples__Consent-consent-example-signature.json", "Patient/72"));
  bool period = false;
  for (const auto& f : signature.sections(0).fields()) {
    if (f.name() == "Period") period = f.text() == "2015-10-10 to 2016-10-10";
  }
  EXPECT_TRUE(period);
  const v1::Record smart = Second(
      InTransaction("hl7-r4-examples__Consent-consent-example-smartonfhir.json", "Patient/xcda"));
  EXPECT_EQ(smart.occurred_at().seconds(), 1466665353);  // 17:02:33+10:00
}

}  // namespace
}  // namespace gallery::fhir
