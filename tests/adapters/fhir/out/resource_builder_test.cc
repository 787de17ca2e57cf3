// The outbound translator: each resource type, coded values, quantities and dates, the
// agency's headings kept where no element takes a field, and corrections.
#include "adapters/fhir/out/resource_builder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/fhir/out/logical_id.h"
#include "adapters/fhir/out/out_mapping.h"

namespace gallery::fhir_out {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kMapping = R"(record_types:
  observation.result:
    resource: Observation
    set:
      category:
        - coding: [{system: "http://terminology.hl7.org/CodeSystem/observation-category",
                    code: laboratory}]
    fields:
      - {field: Result/Test, element: code}
      - {field: Result/Value, element: "value[x]", unit: kg}
      - {field: Result/Interpretation, element: "interpretation[]"}
  encounter.inpatient:
    resource: Encounter
    set: {class: {system: "http://terminology.hl7.org/CodeSystem/v3-ActCode", code: IMP}}
    fields:
      - {field: Encounter/Ended, element: period.end}
  condition.diagnosis:
    resource: Condition
    retraction: entered-in-error
    fields:
      - {field: Diagnosis/Condition, element: code}
      - {field: Diagnosis/Clinical status, element: clinicalStatus}
  referral.request:
    resource: ServiceRequest
    occurred_at: occurrence[x]
    fields:
      - {field: Referral/Service, element: code}
      - {field: Referral/Priority, element: priority, as: code}
      - {field: Referral/Reason, element: "reasonCode[]"}
      - {field: Referral/Note, element: "note[].text"}
  "*":
    resource: QuestionnaireResponse
)";

std::shared_ptr<const OutMapping> Mapping() {
  auto mapping = ParseOutMapping(kMapping, "out.yaml");
  EXPECT_TRUE(mapping.ok()) << mapping.status().ToString();
  if (!mapping.ok()) std::abort();
  return *mapping;
}

v1::Record Base(const std::string& id, const std::string& type) {
  v1::Record record;
  record.set_record_id(id);
  record.set_source_agency("gp-riverside");
  record.set_record_type(type);
  record.mutable_subject()->set_nhs_number("9990000018");
  record.mutable_occurred_at()->set_seconds(1718094600);  // 2024-06-11T08:30:00Z
  return record;
}

v1::Field* AddField(v1::Record& record, const std::string& heading, const std::string& name) {
  v1::Section* section = nullptr;
  for (auto& s : *record.mutable_sections()) {
    if (s.heading() == heading) section = &s;
  }
  if (section == nullptr) {
    section = record.add_sections();
    section->set_heading(heading);
  }
  v1::Field* field = section->add_fields();
  field->set_name(name);
  return field;
}

void SetCoded(v1::Field* field, const std::string& system, const std::string& code,
              const std::string& display) {
  field->mutable_coded()->set_system(system);
  field->mutable_coded()->set_code(code);
  field->mutable_coded()->set_display(display);
}

FhirRequest Build(const v1::Record& record) {
  auto request = BuildRequest(*Mapping(), record);
  EXPECT_TRUE(request.ok()) << request.status().ToString();
  return request.ok() ? *request : FhirRequest{};
}

const json kSubject = {
    {"type", "Patient"},
    {"identifier", {{"system", "https://fhir.nhs.uk/Id/nhs-number"}, {"value", "9990000018"}}}};

TEST(ResourceBuilderTest, ObservationTakesCodedValuesQuantitiesAndKeepsOtherHeadings) {
  v1::Record record = Base("gp-riverside:obs:1", "observation.result");
  SetCoded(AddField(record, "Result", "Test"), "http://loinc.org", "29463-7", "Body weight");
  AddField(record, "Result", "value")->set_decimal(72.5);  // field names match ignoring case
  SetCoded(AddField(record, "Result", "Interpretation"),
           "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "N", "Normal");
  AddField(record, "Context", "Taken at home")->set_boolean(true);
  AddField(record, "Context", "Scale")->set_text("Bathroom scale");
  AddField(record, "Context", "Empty");  // no value: left out

  const FhirRequest request = Build(record);
  EXPECT_EQ(request.method, "PUT");
  EXPECT_EQ(request.type, "Observation");
  EXPECT_EQ(request.id, LogicalId("gp-riverside:obs:1"));
  EXPECT_EQ(request.Target(), "Observation/" + request.id);
  const json& r = request.body;
  EXPECT_EQ(r["resourceType"], "Observation");
  EXPECT_EQ(r["id"], request.id);
  EXPECT_EQ(r["status"], "final");
  EXPECT_EQ(r["category"][0]["coding"][0]["code"], "laboratory");
  EXPECT_EQ(r["subject"], kSubject);
  EXPECT_EQ(r["identifier"], json::parse(R"([{"system": "urn:gallery:record-id",
                                               "value": "gp-riverside:obs:1"}])"));
  EXPECT_EQ(r["effectiveDateTime"], "2024-06-11T08:30:00Z");
  EXPECT_EQ(r["code"], json::parse(R"({"coding": [{"system": "http://loinc.org",
      "code": "29463-7", "display": "Body weight"}], "text": "Body weight"})"));
  EXPECT_EQ(r["valueQuantity"], json::parse(R"({"value": 72.5, "unit": "kg",
      "system": "http://unitsofmeasure.org", "code": "kg"})"));
  ASSERT_EQ(r["interpretation"].size(), 1u);
  EXPECT_EQ(r["interpretation"][0]["coding"][0]["code"], "N");
  EXPECT_EQ(r["component"], json::parse(R"([
      {"code": {"text": "Context: Taken at home"}, "valueBoolean": true},
      {"code": {"text": "Context: Scale"}, "valueString": "Bathroom scale"}])"));
}

TEST(ResourceBuilderTest, EncounterKeepsUnmappedFieldsInItsNarrative) {
  v1::Record record = Base("hosp:enc:7", "encounter.inpatient");
  google::protobuf::Timestamp ended;
  ended.set_seconds(1718184600);
  *AddField(record, "Encounter", "Ended")->mutable_date_time() = ended;
  AddField(record, "Discharge", "Plan")->set_text("Home <with> care & support");
  AddField(record, "Discharge", "Visits a week")->set_integer(3);

  const json r = Build(record).body;
  EXPECT_EQ(r["resourceType"], "Encounter");
  EXPECT_EQ(r["status"], "finished");
  EXPECT_EQ(r["class"]["code"], "IMP");
  EXPECT_EQ(r["period"]["start"], "2024-06-11T08:30:00Z");
  EXPECT_EQ(r["period"]["end"], "2024-06-12T09:30:00Z");
  EXPECT_EQ(r["text"]["status"], "generated");
  EXPECT_EQ(r["text"]["div"],
            "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p><b>Discharge</b></p>"
            "<p>Plan: Home &lt;with&gt; care &amp; support</p><p>Visits a week: 3</p></div>");
}

TEST(ResourceBuilderTest, ConditionKeepsUnmappedFieldsAsNotesUnderTheirHeading) {
  v1::Record record = Base("gp:cond:3", "condition.diagnosis");
  SetCoded(AddField(record, "Diagnosis", "Condition"), "http://snomed.info/sct", "44054006",
           "Diabetes mellitus type 2");
  SetCoded(AddField(record, "Diagnosis", "Clinical status"),
           "http://terminology.hl7.org/CodeSystem/condition-clinical", "active", "");
  AddField(record, "Diagnosis", "Onset")->set_date("2019-02-01");
  AddField(record, "Diagnosis", "HbA1c")->set_decimal(53.5);

  const json r = Build(record).body;
  EXPECT_EQ(r["resourceType"], "Condition");
  EXPECT_FALSE(r.contains("status"));  // Condition has none
  EXPECT_EQ(r["code"]["coding"][0]["code"], "44054006");
  // A code without display is a concept without text.
  EXPECT_EQ(r["clinicalStatus"], json::parse(R"({"coding": [{"system":
      "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]})"));
  EXPECT_EQ(r["onsetDateTime"], "2024-06-11T08:30:00Z");
  EXPECT_EQ(r["note"], json::parse(R"([{"text": "Diagnosis\nOnset: 2019-02-01\nHbA1c: 53.5"}])"));
}

TEST(ResourceBuilderTest, ServiceRequestWritesCodesListsAndItsOwnOccurredElement) {
  v1::Record record = Base("gp:ref:9", "referral.request");
  SetCoded(AddField(record, "Referral", "Service"), "http://snomed.info/sct", "306206005",
           "Referral to service");
  SetCoded(AddField(record, "Referral", "Priority"), "http://hl7.org/fhir/request-priority",
           "urgent", "Urgent");
  SetCoded(AddField(record, "Referral", "Reason"), "http://snomed.info/sct", "129839007",
           "At risk for falls");
  AddField(record, "Referral", "Note")->set_text("Two falls this month");

  const json r = Build(record).body;
  EXPECT_EQ(r["resourceType"], "ServiceRequest");
  EXPECT_EQ(r["status"], "active");
  EXPECT_EQ(r["intent"], "order");
  EXPECT_EQ(r["priority"], "urgent");
  EXPECT_EQ(r["reasonCode"][0]["coding"][0]["code"], "129839007");
  EXPECT_EQ(r["note"], json::parse(R"([{"text": "Two falls this month"}])"));
  EXPECT_EQ(r["occurrenceDateTime"], "2024-06-11T08:30:00Z");
  EXPECT_FALSE(r.contains("authoredOn"));
}

TEST(ResourceBuilderTest, OtherRecordTypesBecomeQuestionnaireResponsesUnderTheirHeadings) {
  v1::Record record = Base("asc:assessment:48213", "assessment.single");
  record.mutable_subject()->clear_nhs_number();
  auto* local = record.mutable_subject()->add_local_ids();
  local->set_agency("asc-county");
  local->set_value("P-77");
  AddField(record, "Mobility", "Walking")->set_text("Frame indoors");
  AddField(record, "Mobility", "Falls")->set_integer(2);
  SetCoded(AddField(record, "Home environment", "Stairs"), "local", "STEEP", "Steep stairs");
  AddField(record, "Home environment", "Visited")->set_date("2024-06-01");

  const FhirRequest request = Build(record);
  const json& r = request.body;
  EXPECT_EQ(request.type, "QuestionnaireResponse");
  EXPECT_EQ(r["status"], "completed");
  EXPECT_EQ(r["authored"], "2024-06-11T08:30:00Z");
  EXPECT_EQ(r["identifier"]["value"], "asc:assessment:48213");  // 0..1 here, not a list
  EXPECT_EQ(r["subject"]["identifier"],
            json::parse(R"({"system": "local:asc-county", "value": "P-77"})"));
  EXPECT_EQ(r["item"], json::parse(R"([
    {"linkId": "1", "text": "Mobility", "item": [
      {"linkId": "1.1", "text": "Walking", "answer": [{"valueString": "Frame indoors"}]},
      {"linkId": "1.2", "text": "Falls", "answer": [{"valueInteger": 2}]}]},
    {"linkId": "2", "text": "Home environment", "item": [
      {"linkId": "2.1", "text": "Stairs", "answer": [{"valueCoding":
          {"system": "local", "code": "STEEP", "display": "Steep stairs"}}]},
      {"linkId": "2.2", "text": "Visited", "answer": [{"valueDate": "2024-06-01"}]}]}])"));
}

TEST(ResourceBuilderTest, AnAmendmentReplacesTheOriginalsResource) {
  v1::Record original = Base("gp-riverside:obs:1", "observation.result");
  v1::Record amendment = Base("gp-riverside:obs:1:v2", "observation.result");
  amendment.set_amends("gp-riverside:obs:1");
  AddField(amendment, "Result", "Value")->set_decimal(74);

  const FhirRequest put = Build(amendment);
  EXPECT_EQ(put.method, "PUT");
  EXPECT_EQ(put.id, Build(original).id);
  EXPECT_EQ(put.body["id"], put.id);
  EXPECT_EQ(put.body["identifier"][0]["value"], "gp-riverside:obs:1:v2");
  EXPECT_EQ(put.body["valueQuantity"]["value"], 74.0);
  // The server keeps the versions: the body asks for none.
  EXPECT_FALSE(put.body.contains("meta"));
}

TEST(ResourceBuilderTest, ARetractionDeletesTheOriginalsResource) {
  v1::Record retraction = Base("gp-riverside:obs:1:del", "observation.result");
  retraction.set_retracts("gp-riverside:obs:1");
  const FhirRequest request = Build(retraction);
  EXPECT_EQ(request.method, "DELETE");
  EXPECT_EQ(request.Target(), "Observation/" + LogicalId("gp-riverside:obs:1"));
  EXPECT_TRUE(request.body.is_null());
}

TEST(ResourceBuilderTest, ARetractionCanMarkTheResourceEnteredInError) {
  v1::Record retraction = Base("gp:cond:3:del", "condition.diagnosis");
  retraction.set_retracts("gp:cond:3");
  const FhirRequest request = Build(retraction);
  EXPECT_EQ(request.method, "PUT");
  EXPECT_EQ(request.id, LogicalId("gp:cond:3"));
  EXPECT_EQ(request.body["verificationStatus"]["coding"][0]["code"], "entered-in-error");
  EXPECT_EQ(request.body["subject"], kSubject);

  auto mapping = ParseOutMapping(
      "record_types: {x.y: {resource: Encounter, retraction: entered-in-error}}", "m.yaml");
  ASSERT_TRUE(mapping.ok()) << mapping.status().ToString();
  v1::Record encounter = Base("h:enc:1:del", "x.y");
  encounter.set_retracts("h:enc:1");
  auto marked = BuildRequest(**mapping, encounter);
  ASSERT_TRUE(marked.ok());
  EXPECT_EQ(marked->body["status"], "entered-in-error");
}

TEST(ResourceBuilderTest, ResendsMakeTheSameRequest) {
  v1::Record record = Base("gp-riverside:obs:1", "observation.result");
  AddField(record, "Result", "Value")->set_decimal(72.5);
  EXPECT_EQ(Build(record).body.dump(), Build(record).body.dump());
  EXPECT_NE(LogicalId("a:1"), LogicalId("a:2"));
  EXPECT_EQ(LogicalId("a:1").size(), 32u);
}

TEST(ResourceBuilderTest, ErrorsNameTheRecordNeverItsContents) {
  auto mapping = ParseOutMapping("record_types: {observation.result: {resource: Observation}}",
                                 "only-obs.yaml");
  ASSERT_TRUE(mapping.ok());
  v1::Record other = Base("gp:x:1", "assessment.single");
  auto refused = BuildRequest(**mapping, other);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), HasSubstr("record gp:x:1"));
  EXPECT_THAT(refused.status().message(),
              HasSubstr("assessment.single has no rule in only-obs.yaml"));

  v1::Record nobody = Base("gp:obs:2", "observation.result");
  nobody.clear_subject();
  auto no_subject = BuildRequest(**mapping, nobody);
  ASSERT_FALSE(no_subject.ok());
  EXPECT_THAT(no_subject.status().message(), HasSubstr("record gp:obs:2"));
  EXPECT_THAT(no_subject.status().message(), Not(HasSubstr("9990000018")));
}

}  // namespace
}  // namespace gallery::fhir_out
