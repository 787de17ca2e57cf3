// adapter-hl7v2-out's message side: the outbound mapping, the message built for a Record
// (segments, escaping, OBX value types, corrections), read back through the project's own
// parser and inbound mapper, and the reading of the ACK that comes back.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/hl7v2/hl7_mapping.h"
#include "adapters/hl7v2/out/ack_reader.h"
#include "adapters/hl7v2/out/message_builder.h"
#include "adapters/hl7v2/out/out_mapping.h"
#include "adapters/hl7v2/value_reader.h"
#include "tests/adapters/hl7v2/hl7_test_util.h"

namespace gallery::hl7v2 {
namespace {

using test_util::ParseOne;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr const char* kMapping = R"(# Assessments and admissions for the hospital's PAS.
sending_application: GALLERY
sending_facility: REGION
receiving_application: PAS
receiving_facility: RGH
messages:
  - record_type: assessment.single
    type: ORU^R01^ORU_R01
    retract: {result_status: W}
  - record_type: adt.admission
    type: ADT^A01^ADT_A01
    amend: {type: ADT^A08^ADT_A01}
    retract: {type: ADT^A11^ADT_A09}
)";

constexpr const char* kTimestamp = "20240611093000+0000";

OutMapping Mapping() {
  auto mapping = ParseOutMapping(kMapping, "out.yaml");
  EXPECT_TRUE(mapping.ok()) << mapping.status().ToString();
  return mapping.ok() ? std::move(mapping).value() : OutMapping();
}

v1::Record Assessment(const std::string& id) {
  v1::Record r;
  r.set_record_id(id);
  r.set_source_agency("asc-county");
  r.set_record_type("assessment.single");
  r.mutable_occurred_at()->set_seconds(1718098200);  // 2024-06-11T09:30:00Z
  auto* s = r.mutable_subject();
  s->set_nhs_number("9990000018");
  s->set_registered_gp_ods("A81001");
  auto* local = s->add_local_ids();
  local->set_agency("asc-county");
  local->set_value("P&42");
  auto* d = s->mutable_demographics();
  d->set_given_name("Edith");
  d->set_family_name("O'Marsh^Smith");
  d->set_birth_date("1938-04-02");
  d->set_gender("female");
  d->add_address_lines("4 Mill Lane");
  d->add_address_lines("Upper Flat");
  d->add_address_lines("Lowtown");
  d->set_postcode("ZZ99 3AA");
  auto* care = r.add_sections();
  care->set_heading("Personal care");
  auto* washing = care->add_fields();
  washing->set_name("Washing and dressing");
  washing->set_text("Needs help | stockings ^ shoes ~ \\ & more");
  auto* notes = care->add_fields();
  notes->set_name("Notes");
  notes->set_text("Line one\nLine two");
  auto* scores = r.add_sections();
  scores->set_heading("Scores");
  auto add = [&](const std::string& name) {
    auto* f = scores->add_fields();
    f->set_name(name);
    return f;
  };
  add("Falls")->set_integer(3);
  add("Weight")->set_decimal(61.5);
  add("Lives alone")->set_boolean(true);
  add("Review")->set_date("2024-07-01");
  add("Seen")->mutable_date_time()->set_seconds(1718098200);
  auto* coded = add("Frailty")->mutable_coded();
  coded->set_system("http://snomed.info/sct");
  coded->set_code("248279007");
  coded->set_display("Frailty");
  add("Redacted");  // no value: not written
  return r;
}

// The built message parsed back by the inbound parser.
Message Built(const v1::Record& record) {
  auto message = BuildOutbound(Mapping(), record, kTimestamp);
  EXPECT_TRUE(message.ok()) << message.status().ToString();
  return message.ok() ? ParseOne(message->text) : Message();
}

std::string Read(const Message& m, const std::string& path, size_t segment_index = 0,
                 size_t repetition = 0) {
  auto p = ParseFieldPath(path);
  EXPECT_TRUE(p.ok()) << path;
  const auto segments = m.FindAll(p->segment);
  EXPECT_LT(segment_index, segments.size()) << path;
  if (segment_index >= segments.size()) return "";
  auto value = ReadValue(m, *segments[segment_index], *p, repetition);
  EXPECT_TRUE(value.ok()) << value.status().ToString();
  return value.ok() ? *value : "";
}

TEST(OutMappingTest, LoadsWithDefaults) {
  const OutMapping m = Mapping();
  ASSERT_EQ(m.messages.size(), 2u);
  EXPECT_EQ(m.version, "2.5.1");
  EXPECT_EQ(m.coded_type, "CWE");
  EXPECT_EQ(m.nhs_assigning_authority, "NHS");
  const OutMessageSpec* oru = m.Find("assessment.single");
  ASSERT_NE(oru, nullptr);
  EXPECT_EQ(oru->create.result_status, "F");
  EXPECT_EQ(oru->amend.type, "ORU^R01^ORU_R01");
  EXPECT_EQ(oru->amend.result_status, "C");
  EXPECT_EQ(oru->retract.type, "ORU^R01^ORU_R01");
  EXPECT_EQ(oru->retract.result_status, "W");
  EXPECT_EQ(m.Find("adt.admission")->retract.type, "ADT^A11^ADT_A09");
  EXPECT_EQ(m.Find("referral.new"), nullptr);
}

TEST(OutMappingTest, DemoMappingLoads) {
  auto m =
      LoadOutMapping(test_util::SourcePath("deploy/demo/mappings/hl7v2-out/gp-riverside.yaml"));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_NE(m->Find("adt.discharge"), nullptr);
  EXPECT_EQ(m->Find("adt.discharge")->retract.type, "ADT^A13^ADT_A01");
}

TEST(OutMappingTest, ReportsEveryMistakeAtItsPlace) {
  auto m = ParseOutMapping(R"(sending_facility: "RGH|X"
coded_type: CX
colour: blue
messages:
  - {record_type: assessment.single, type: ORU-R01}
  - {record_type: assessment.single, type: ORU^R01, result_status: Q}
  - {record_type: adt.admission, type: ADT^A01, amend: {type: ADT^A08, when: later}}
  - {record_type: adt.discharge}
)",
                           "bad.yaml");
  ASSERT_FALSE(m.ok());
  const std::string e = m.status().message();
  EXPECT_THAT(e, HasSubstr("bad.yaml:1:19: 'sending_facility' must not contain HL7 delimiters"));
  EXPECT_THAT(e, HasSubstr("bad.yaml:2:13: 'coded_type' must be CE or CWE"));
  EXPECT_THAT(e, HasSubstr("bad.yaml:3:1: unknown key 'colour'"));
  EXPECT_THAT(e, HasSubstr("bad.yaml:5:44: 'type' must be an HL7 message type"));
  EXPECT_THAT(e, HasSubstr("bad.yaml:6:19: record type 'assessment.single' is mapped twice"));
  EXPECT_THAT(e, HasSubstr("bad.yaml:6:68: 'result_status' must be one of"));
  EXPECT_THAT(e, HasSubstr("bad.yaml:7:72: unknown key 'when'"));
  EXPECT_THAT(e, HasSubstr("bad.yaml:8:5: missing required key 'type'"));
}

TEST(ControlIdTest, StableShortAndDistinct) {
  const std::string id = ControlIdFor("asc-county:a:1");
  EXPECT_EQ(id, ControlIdFor("asc-county:a:1"));
  EXPECT_EQ(id.size(), 17u);
  EXPECT_THAT(id, StartsWith("G"));
  EXPECT_NE(id, ControlIdFor("asc-county:a:2"));
}

TEST(MessageBuilderTest, WritesHeaderSubjectAndOrder) {
  const v1::Record record = Assessment("asc-county:a:1");
  auto built = BuildOutbound(Mapping(), record, kTimestamp);
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  EXPECT_EQ(built->control_id, ControlIdFor("asc-county:a:1"));
  EXPECT_EQ(built->type, "ORU^R01^ORU_R01");
  EXPECT_THAT(built->text,
              StartsWith("MSH|^~\\&|GALLERY|REGION|PAS|RGH|20240611093000+0000||ORU^R01^ORU_R01|" +
                         built->control_id + "|P|2.5.1||||||UNICODE UTF-8\r"));
  const Message m = ParseOne(built->text);
  std::vector<std::string> names;
  for (const auto& s : m.segments) names.push_back(s.name);
  EXPECT_THAT(names, ::testing::ElementsAre("MSH", "PID", "PD1", "OBR", "OBX", "OBX", "OBX", "OBX",
                                            "OBX", "OBX", "OBX", "OBX"));
  EXPECT_EQ(Read(m, "PID-3.1"), "9990000018");
  EXPECT_EQ(Read(m, "PID-3.4"), "NHS");
  EXPECT_EQ(Read(m, "PID-3.5"), "NH");
  EXPECT_EQ(Read(m, "PID-3.1", 0, 1), "P&42");
  EXPECT_EQ(Read(m, "PID-3.4", 0, 1), "asc-county");
  EXPECT_EQ(Read(m, "PID-5.1"), "O'Marsh^Smith");
  EXPECT_EQ(Read(m, "PID-5.2"), "Edith");
  EXPECT_EQ(Read(m, "PID-7"), "19380402");
  EXPECT_EQ(Read(m, "PID-8"), "F");
  EXPECT_EQ(Read(m, "PID-11.1"), "4 Mill Lane");
  EXPECT_EQ(Read(m, "PID-11.2"), "Upper Flat");
  EXPECT_EQ(Read(m, "PID-11.3"), "Lowtown");
  EXPECT_EQ(Read(m, "PID-11.5"), "ZZ99 3AA");
  EXPECT_EQ(Read(m, "PD1-3.10"), "A81001");
  EXPECT_EQ(Read(m, "OBR-2"), "asc-county:a:1");
  EXPECT_EQ(Read(m, "OBR-3"), "asc-county:a:1");
  EXPECT_EQ(Read(m, "OBR-4.1"), "assessment.single");
  EXPECT_EQ(Read(m, "OBR-7"), "20240611093000+0000");
  EXPECT_EQ(Read(m, "OBR-25"), "F");
}

TEST(MessageBuilderTest, EscapesDelimitersAndTypesEachValue) {
  const Message m = Built(Assessment("asc-county:a:1"));
  // Field name, heading kept in OBX-3's text, section number in OBX-4.
  EXPECT_EQ(Read(m, "OBX-3.1"), "Washing and dressing");
  EXPECT_EQ(Read(m, "OBX-3.2"), "Personal care: Washing and dressing");
  EXPECT_EQ(Read(m, "OBX-4"), "1");
  EXPECT_EQ(Read(m, "OBX-2"), "ST");
  EXPECT_EQ(Read(m, "OBX-5"), "Needs help | stockings ^ shoes ~ \\ & more");
  EXPECT_EQ(Read(m, "OBX-11"), "F");
  EXPECT_EQ(Read(m, "OBX-14"), "20240611093000+0000");
  EXPECT_EQ(Read(m, "OBX-2", 1), "TX");
  EXPECT_EQ(Read(m, "OBX-5", 1), "Line one\nLine two");
  const std::vector<std::pair<std::string, std::string>> typed = {{"NM", "3"},
                                                                  {"NM", "61.5"},
                                                                  {"CWE", "Y Yes HL70136"},
                                                                  {"DT", "20240701"},
                                                                  {"TS", "20240611093000+0000"},
                                                                  {"CWE", "248279007 Frailty SCT"}};
  for (size_t i = 0; i < typed.size(); ++i) {
    EXPECT_EQ(Read(m, "OBX-2", i + 2), typed[i].first) << i;
    EXPECT_EQ(Read(m, "OBX-5", i + 2), typed[i].second) << i;
    EXPECT_EQ(Read(m, "OBX-4", i + 2), "2") << i;
    EXPECT_EQ(Read(m, "OBX-1", i + 2), std::to_string(i + 3)) << i;
  }
  EXPECT_EQ(m.FindAll("OBX").size(), 8u);  // the field without a value is left out
}

TEST(MessageBuilderTest, AmendmentsAndRetractionsUseTheMappedEvents) {
  v1::Record amend = Assessment("asc-county:a:1:v2");
  amend.set_amends("asc-county:a:1");
  const Message corrected = Built(amend);
  EXPECT_EQ(Read(corrected, "MSH-9"), "ORU R01 ORU_R01");
  EXPECT_EQ(Read(corrected, "MSH-10"), ControlIdFor("asc-county:a:1:v2"));
  EXPECT_EQ(Read(corrected, "OBR-2"), "asc-county:a:1:v2");
  EXPECT_EQ(Read(corrected, "OBR-3"), "asc-county:a:1");
  EXPECT_EQ(Read(corrected, "OBR-25"), "C");
  for (size_t i = 0; i < corrected.FindAll("OBX").size(); ++i) {
    EXPECT_EQ(Read(corrected, "OBX-11", i), "C");
  }

  v1::Record retract = Assessment("asc-county:a:1:v3");
  retract.set_retracts("asc-county:a:1");
  const Message withdrawn = Built(retract);
  EXPECT_EQ(Read(withdrawn, "OBR-3"), "asc-county:a:1");
  EXPECT_EQ(Read(withdrawn, "OBR-25"), "X");
  EXPECT_EQ(Read(withdrawn, "OBX-11"), "W");

  v1::Record admission = Assessment("hosp:visit:V1");
  admission.set_record_type("adt.admission");
  const Message a01 = Built(admission);
  EXPECT_EQ(Read(a01, "MSH-9"), "ADT A01 ADT_A01");
  EXPECT_EQ(Read(a01, "EVN-1"), "A01");
  EXPECT_EQ(Read(a01, "EVN-2"), kTimestamp);
  EXPECT_EQ(Read(a01, "PV1-19"), "hosp:visit:V1");
  EXPECT_EQ(a01.Find("OBR"), nullptr);
  admission.set_record_id("hosp:visit:V1:update");
  admission.set_amends("hosp:visit:V1");
  const Message a08 = Built(admission);
  EXPECT_EQ(Read(a08, "MSH-9"), "ADT A08 ADT_A01");
  EXPECT_EQ(Read(a08, "EVN-1"), "A08");
  EXPECT_EQ(Read(a08, "PV1-19"), "hosp:visit:V1");
  EXPECT_EQ(Read(a08, "OBX-11"), "C");
  admission.clear_amends();
  admission.set_retracts("hosp:visit:V1");
  admission.clear_sections();
  const Message a11 = Built(admission);
  EXPECT_EQ(Read(a11, "MSH-9"), "ADT A11 ADT_A09");
  EXPECT_EQ(Read(a11, "PV1-19"), "hosp:visit:V1");
  EXPECT_EQ(a11.Find("OBX"), nullptr);
}

TEST(MessageBuilderTest, UnmappedRecordTypeIsRefusedByName) {
  v1::Record r = Assessment("asc-county:a:1");
  r.set_record_type("referral.new");
  auto built = BuildOutbound(Mapping(), r, kTimestamp);
  ASSERT_FALSE(built.ok());
  EXPECT_EQ(built.status().message(),
            "record type referral.new is not in the outbound mapping out.yaml");
}

// The inbound adapter's own mapper takes what the outbound one writes: subject and values
// come back as they went out.
TEST(MessageBuilderTest, RoundTripsThroughTheInboundMapper) {
  auto inbound = Hl7Mapping::Parse(R"(agency: hosp-general
subject:
  nhs_number: {field: PID-3, identifier_types: [NH], required: true}
  family_name: PID-5.1
  given_name: PID-5.2
  birth_date: PID-7
  gender: PID-8
  address_lines: [PID-11.1, PID-11.2, PID-11.3]
  postcode: PID-11.5
  registered_gp_ods: PD1-3.10
occurred_at: [OBR-7, MSH-7]
messages:
  - {type: ORU^R01, record_type: assessment.received}
sections:
  - heading: Assessment
    rows: {segment: OBX, name: [OBX-3.2, OBX-3.1], value: OBX-5}
)",
                                   "in.yaml");
  ASSERT_TRUE(inbound.ok()) << inbound.status().ToString();
  const v1::Record sent = Assessment("asc-county:a:1");
  auto record = inbound->Map(Built(sent));
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  EXPECT_EQ(record->record_id(), "hosp-general:REGION:" + ControlIdFor("asc-county:a:1"));
  EXPECT_EQ(record->subject().nhs_number(), "9990000018");
  const auto& d = record->subject().demographics();
  EXPECT_EQ(d.family_name(), "O'Marsh^Smith");
  EXPECT_EQ(d.given_name(), "Edith");
  EXPECT_EQ(d.birth_date(), "1938-04-02");
  EXPECT_EQ(d.gender(), "female");
  EXPECT_THAT(d.address_lines(), ::testing::ElementsAre("4 Mill Lane", "Upper Flat", "Lowtown"));
  EXPECT_EQ(d.postcode(), "ZZ99 3AA");
  EXPECT_EQ(record->subject().registered_gp_ods(), "A81001");
  EXPECT_EQ(record->occurred_at().seconds(), sent.occurred_at().seconds());
  ASSERT_EQ(record->sections_size(), 1);
  const auto& fields = record->sections(0).fields();
  ASSERT_EQ(fields.size(), 8);
  EXPECT_EQ(fields[0].name(), "Personal care: Washing and dressing");
  EXPECT_EQ(fields[0].text(), "Needs help | stockings ^ shoes ~ \\ & more");
  EXPECT_EQ(fields[1].text(), "Line one\nLine two");
  EXPECT_EQ(fields[2].name(), "Scores: Falls");
  EXPECT_EQ(fields[2].text(), "3");
}

TEST(AckReaderTest, AcceptsOnlyAaOrCaForItsControlId) {
  const std::string msh = "MSH|^~\\&|PAS|RGH|GALLERY|REGION|20240611||ACK^R01^ACK|A1|P|2.5.1\r";
  EXPECT_TRUE(ReadAck(msh + "MSA|AA|G1\r", "G1").accepted);
  EXPECT_TRUE(ReadAck(msh + "MSA|CA|G1\r", "G1").accepted);

  const AckReading ae = ReadAck(msh + "MSA|AE|G1|PID-3 is wrong\rERR|||207\r", "G1");
  EXPECT_FALSE(ae.accepted);
  EXPECT_EQ(ae.problem, "answered AE");
  EXPECT_EQ(ae.detail, "PID-3 is wrong");
  EXPECT_EQ(ReadAck(msh + "MSA|AR|G1\r", "G1").problem, "answered AR");
  EXPECT_EQ(ReadAck(msh + "MSA|AA|G0\r", "G1").problem, "answered AA for control id G0, not G1");
  EXPECT_THAT(ReadAck(msh, "G1").problem, HasSubstr("no MSA segment"));
  EXPECT_THAT(ReadAck("hello", "G1").problem, StartsWith("the answer is not an HL7 ACK"));
}

}  // namespace
}  // namespace gallery::hl7v2
