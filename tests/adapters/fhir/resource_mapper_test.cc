// The FHIR translator on resources written inline: subjects, record types, sections,
// record ids, updates and deletes, Bundles, and refusals that name places, never values.
#include "adapters/fhir/resource_mapper.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/fhir/json_body.h"
#include "adapters/fhir/request_mapper.h"
#include "tests/adapters/fhir/fhir_test_util.h"

namespace gallery::fhir {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

class ResourceMapperTest : public ::testing::Test {
 protected:
  Plan Post(const std::string& path, const json& body) {
    return PlanRequest(mapping_.spec(), "POST", path, &body, known_);
  }
  v1::Record Only(const Plan& plan) {
    EXPECT_FALSE(plan.refusal.refused()) << plan.refusal.Summary();
    EXPECT_EQ(plan.entries.size(), 1u);
    return plan.entries.at(0).mapped.record;
  }

  FhirMapping mapping_ = test_util::LoadMapping(test_util::DemoMappingPath());
  KnownResources known_;
};

json Observation(const json& subject) {
  return {{"resourceType", "Observation"},
          {"id", "obs-1"},
          {"status", "final"},
          {"code",
           {{"coding",
             {{{"system", "http://loinc.org"}, {"code", "29463-7"}, {"display", "Body Weight"}}}}}},
          {"subject", subject},
          {"effectiveDateTime", "2024-06-11T09:30:00+01:00"},
          {"valueQuantity", {{"value", 72.5}, {"unit", "kg"}, {"code", "kg"}}}};
}

TEST_F(ResourceMapperTest, PatientBecomesADemographicsRecordWithItsNhsNumber) {
  const v1::Record r = Only(Post("/Patient", test_util::TestPatient("p1", "999 000 0018")));
  EXPECT_EQ(r.record_id(), "hosp-general:fhir:Patient/p1");
  EXPECT_EQ(r.source_agency(), "hosp-general");
  EXPECT_EQ(r.record_type(), "patient.demographics");
  EXPECT_EQ(r.subject().nhs_number(), "9990000018");
  const v1::Demographics& d = r.subject().demographics();
  EXPECT_EQ(d.family_name(), "Smith");
  EXPECT_EQ(d.given_name(), "Ann May");
  EXPECT_EQ(d.birth_date(), "1945-03-12");
  EXPECT_EQ(d.gender(), "female");
  EXPECT_THAT(d.address_lines(), ElementsAre("1 High Street", "Lowtown"));
  EXPECT_EQ(d.postcode(), "LT1 2AB");
  EXPECT_EQ(d.phone(), "01632 960001");
  EXPECT_EQ(r.subject().registered_gp_ods(), "A81001");
}

TEST_F(ResourceMapperTest, WrongCheckDigitIsRefused422AtTheIdentifierWithoutTheValue) {
  const Plan plan = Post("/Patient", test_util::TestPatient("p1", "9990000019"));
  ASSERT_TRUE(plan.refusal.refused());
  EXPECT_EQ(plan.refusal.http_status, 422);
  ASSERT_EQ(plan.refusal.issues.size(), 1u);
  EXPECT_EQ(plan.refusal.issues[0].code, "value");
  EXPECT_EQ(plan.refusal.issues[0].expression, "Patient.identifier[0].value");
  EXPECT_THAT(plan.refusal.issues[0].diagnostics, HasSubstr("check digit"));
  EXPECT_THAT(OperationOutcome(plan.refusal.issues).dump(), Not(HasSubstr("9990000019")));
}

TEST_F(ResourceMapperTest, BadShapesAreInvalidFhir400) {
  json patient = test_util::TestPatient("p1", "9990000018");
  patient["birthDate"] = "12/03/1945";
  patient["gender"] = "F";
  const Plan plan = Post("/Patient", patient);
  EXPECT_EQ(plan.refusal.http_status, 400);
  EXPECT_THAT(plan.refusal.Summary(), HasSubstr("Patient.birthDate: not a FHIR date"));
  EXPECT_THAT(plan.refusal.Summary(), HasSubstr("Patient.gender: must be one of"));
  EXPECT_THAT(plan.refusal.Summary(), Not(HasSubstr("12/03/1945")));

  EXPECT_EQ(Post("/Patient", json::array()).refusal.http_status, 400);
  EXPECT_EQ(Post("/Observation", test_util::TestPatient("p1", "9990000018")).refusal.Summary(),
            "Observation.resourceType: is Patient but the request names Observation");
  json bad_id = test_util::TestPatient("p 1", "9990000018");
  EXPECT_EQ(Post("/Patient", bad_id).refusal.issues.at(0).expression, "Patient.id");
}

TEST_F(ResourceMapperTest, ObservationTakesTheNhsNumberOfItsSubjectReference) {
  const json obs = Observation(
      {{"identifier", {{"system", "https://fhir.nhs.uk/Id/nhs-number"}, {"value", "9990000026"}}}});
  const v1::Record r = Only(Post("/Observation", obs));
  EXPECT_EQ(r.record_type(), "observation.result");
  EXPECT_EQ(r.subject().nhs_number(), "9990000026");
  EXPECT_FALSE(r.subject().has_demographics());
  EXPECT_EQ(r.occurred_at().seconds(), 1718094600);  // 08:30 UTC
  ASSERT_EQ(r.sections_size(), 1);
  const v1::Section& s = r.sections(0);
  EXPECT_EQ(s.heading(), "Result");
  ASSERT_EQ(s.fields_size(), 3);
  EXPECT_EQ(s.fields(0).name(), "Test");
  EXPECT_EQ(s.fields(0).coded().code(), "29463-7");
  EXPECT_EQ(s.fields(0).coded().system(), "http://loinc.org");
  EXPECT_EQ(s.fields(0).coded().display(), "Body Weight");
  EXPECT_EQ(s.fields(1).name(), "Value");
  EXPECT_EQ(s.fields(1).text(), "72.5 kg");
  EXPECT_EQ(s.fields(2).text(), "final");
}

TEST_F(ResourceMapperTest, SubjectThatCannotBeIdentifiedIs422) {
  const Plan plan = Post("/Observation", Observation({{"reference", "Patient/elsewhere"}}));
  EXPECT_EQ(plan.refusal.http_status, 422);
  EXPECT_EQ(plan.refusal.issues.at(0).code, "required");
  EXPECT_EQ(plan.refusal.issues.at(0).expression, "Observation.subject");
  json no_subject = Observation({});
  no_subject.erase("subject");
  EXPECT_EQ(Post("/Observation", no_subject).refusal.issues.at(0).expression,
            "Observation.subject");
}

TEST_F(ResourceMapperTest, EncounterClassChoosesTheRecordType) {
  json enc = {
      {"resourceType", "Encounter"},
      {"id", "e1"},
      {"status", "in-progress"},
      {"class", {{"system", "http://terminology.hl7.org/CodeSystem/v3-ActCode"}, {"code", "IMP"}}},
      {"subject",
       {{"identifier",
         {{"system", "https://fhir.nhs.uk/Id/nhs-number"}, {"value", "9990000018"}}}}},
      {"period", {{"start", "2024-06-11"}}}};
  EXPECT_EQ(Only(Post("/Encounter", enc)).record_type(), "encounter.inpatient");
  enc["class"]["code"] = "VR";
  EXPECT_EQ(Only(Post("/Encounter", enc)).record_type(), "encounter.other");
}

TEST_F(ResourceMapperTest, ResourceTypeOutsideTheMappingIs422NotSupported) {
  const json oo = {{"resourceType", "OperationOutcome"}, {"issue", json::array()}};
  const Plan plan = Post("/OperationOutcome", oo);
  EXPECT_EQ(plan.refusal.http_status, 422);
  EXPECT_EQ(plan.refusal.issues.at(0).code, "not-supported");
  EXPECT_EQ(plan.refusal.issues.at(0).diagnostics,
            "resource type OperationOutcome is not in the mapping of agency hosp-general");
}

TEST_F(ResourceMapperTest, UpdateAmendsTheCreatedRecord) {
  json patient = test_util::TestPatient("p1", "9990000018");
  Plan plan = PlanRequest(mapping_.spec(), "PUT", "/Patient/p1", &patient, known_);
  const v1::Record r = Only(plan);
  EXPECT_EQ(r.amends(), "hosp-general:fhir:Patient/p1");
  EXPECT_THAT(r.record_id(), ::testing::StartsWith("hosp-general:fhir:Patient/p1/_update/"));
  // The same update again is the same record; a different one is not.
  Plan again = PlanRequest(mapping_.spec(), "PUT", "/Patient/p1", &patient, known_);
  EXPECT_EQ(Only(again).record_id(), r.record_id());
  patient["meta"] = {{"versionId", "7"}};
  Plan versioned = PlanRequest(mapping_.spec(), "PUT", "/Patient/p1", &patient, known_);
  EXPECT_EQ(Only(versioned).record_id(), "hosp-general:fhir:Patient/p1/_history/7");

  Plan mismatch = PlanRequest(mapping_.spec(), "PUT", "/Patient/p2", &patient, known_);
  EXPECT_EQ(mismatch.refusal.http_status, 400);
  EXPECT_EQ(mismatch.refusal.issues.at(0).expression, "Patient.id");
}

TEST_F(ResourceMapperTest, DeleteRetractsAKnownResourceAndRefusesAnUnknownOne) {
  Plan unknown = PlanRequest(mapping_.spec(), "DELETE", "/Observation/obs-1", nullptr, known_);
  EXPECT_EQ(unknown.refusal.http_status, 422);
  EXPECT_EQ(unknown.refusal.issues.at(0).code, "not-found");
  known_ = [](const std::string& key) -> std::optional<KnownResource> {
    if (key != "Observation/obs-1") return std::nullopt;
    KnownResource k;
    k.subject.set_nhs_number("9990000018");
    k.record_type = "observation.result";
    return k;
  };
  const v1::Record& r =
      Only(PlanRequest(mapping_.spec(), "DELETE", "/Observation/obs-1", nullptr, known_));
  EXPECT_EQ(r.record_id(), "hosp-general:fhir:Observation/obs-1/_delete");
  EXPECT_EQ(r.retracts(), "hosp-general:fhir:Observation/obs-1");
  EXPECT_EQ(r.record_type(), "observation.result");
  EXPECT_EQ(r.subject().nhs_number(), "9990000018");
}

TEST_F(ResourceMapperTest, UrlsAndMethodsOutsideTheApiAreRefused) {
  const json body = test_util::TestPatient("p1", "9990000018");
  EXPECT_EQ(PlanRequest(mapping_.spec(), "GET", "/Patient/p1", nullptr, known_).refusal.http_status,
            405);
  EXPECT_EQ(Post("/Patient/p1", body).refusal.http_status, 405);
  EXPECT_EQ(Post("/not/a/type", body).refusal.http_status, 404);
  EXPECT_EQ(PlanRequest(mapping_.spec(), "PUT", "/Patient", &body, known_).refusal.http_status,
            405);
}

json Transaction() {
  json patient = test_util::TestPatient("ignored", "9990000018");
  patient.erase("id");
  json obs = Observation({{"reference", "urn:uuid:11111111-2222-4333-8444-555555555555"}});
  obs.erase("id");
  return {{"resourceType", "Bundle"},
          {"type", "transaction"},
          {"entry",
           {{{"fullUrl", "urn:uuid:11111111-2222-4333-8444-555555555555"},
             {"resource", patient},
             {"request", {{"method", "POST"}, {"url", "Patient"}}}},
            {{"fullUrl", "urn:uuid:aaaaaaaa-2222-4333-8444-555555555555"},
             {"resource", obs},
             {"request", {{"method", "POST"}, {"url", "Observation"}}}}}}};
}

TEST_F(ResourceMapperTest, TransactionResolvesReferencesToItsOwnPatient) {
  const Plan plan = Post("/", Transaction());
  ASSERT_FALSE(plan.refusal.refused()) << plan.refusal.Summary();
  EXPECT_EQ(plan.kind, RequestKind::kTransaction);
  ASSERT_EQ(plan.entries.size(), 2u);
  EXPECT_EQ(plan.entries[0].mapped.record.record_id(),
            "hosp-general:fhir:Patient/11111111-2222-4333-8444-555555555555");
  const v1::Record& obs = plan.entries[1].mapped.record;
  EXPECT_EQ(obs.record_id(), "hosp-general:fhir:Observation/aaaaaaaa-2222-4333-8444-555555555555");
  EXPECT_EQ(obs.subject().nhs_number(), "9990000018");
  EXPECT_EQ(obs.subject().demographics().family_name(), "Smith");
}

TEST_F(ResourceMapperTest, OneUnmappableEntryFailsTheWholeTransaction) {
  json bundle = Transaction();
  bundle["entry"][0]["resource"]["identifier"][0]["value"] = "9990000019";
  const Plan plan = Post("/", bundle);
  EXPECT_EQ(plan.refusal.http_status, 422);
  EXPECT_EQ(plan.refusal.issues.at(0).expression, "Bundle.entry[0].resource.identifier[0].value");
}

TEST_F(ResourceMapperTest, BatchEntriesStandAlone) {
  json bundle = Transaction();
  bundle["type"] = "batch";
  bundle["entry"][0]["resource"]["identifier"][0]["value"] = "9990000019";
  bundle["entry"][1]["resource"]["subject"] = {
      {"identifier", {{"system", "https://fhir.nhs.uk/Id/nhs-number"}, {"value", "9990000026"}}}};
  const Plan plan = Post("/", bundle);
  ASSERT_FALSE(plan.refusal.refused()) << plan.refusal.Summary();
  EXPECT_EQ(plan.kind, RequestKind::kBatch);
  EXPECT_EQ(plan.entries.at(0).refusal.http_status, 422);
  EXPECT_FALSE(plan.entries.at(1).refusal.refused());
}

TEST_F(ResourceMapperTest, OnlyTransactionAndBatchBundlesAreTaken) {
  json bundle = Transaction();
  bundle["type"] = "searchset";
  const Plan plan = Post("/", bundle);
  EXPECT_EQ(plan.refusal.http_status, 422);
  EXPECT_EQ(plan.refusal.Summary(),
            "Bundle.type: a searchset Bundle is not a transaction or batch; only those are taken");
  EXPECT_EQ(Post("/", test_util::TestPatient("p1", "9990000018")).refusal.http_status, 400);
  bundle["type"] = "transaction";
  bundle["entry"][1]["request"] = {{"method", "GET"}, {"url", "Patient/p1"}};
  EXPECT_EQ(Post("/", bundle).refusal.issues.at(0).expression, "Bundle.entry[1].request.method");
}

}  // namespace
}  // namespace gallery::fhir

namespace gallery::fhir {
namespace {

TEST(JsonBodyTest, DeepNestingAndBadJsonAre400BeforeMapping) {
  nlohmann::json out;
  const Refusal deep = ParseJsonBody(std::string(100, '[') + std::string(100, ']'), out);
  EXPECT_EQ(deep.http_status, 400);
  EXPECT_THAT(deep.Summary(), ::testing::HasSubstr("deeper than 64 levels"));
  // Brackets inside strings are text, not nesting.
  EXPECT_FALSE(ParseJsonBody("{\"a\": \"" + std::string(100, '[') + "\"}", out).refused());
  EXPECT_EQ(ParseJsonBody("{\"a\": \"\xFF\"}", out).http_status, 400);  // not UTF-8
  EXPECT_TRUE(LooksLikeXml("\xEF\xBB\xBF  <Patient xmlns=\"http://hl7.org/fhir\"/>"));
  EXPECT_FALSE(LooksLikeXml(" {\"resourceType\": \"Patient\"}"));
}

}  // namespace
}  // namespace gallery::fhir
