// HL7 v2 mappings: loading with positioned errors, and the translator from a message to a
// Record (subject, record ids, amendments and retractions, sections and rows).
#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/hl7v2/hl7_mapping.h"
#include "adapters/hl7v2/message_mapper.h"
#include "tests/adapters/hl7v2/hl7_test_util.h"

namespace gallery::hl7v2 {
namespace {

using test_util::ParseOne;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

Hl7Mapping Demo() {
  auto mapping = Hl7Mapping::Load(test_util::DemoMappingPath());
  EXPECT_TRUE(mapping.ok()) << mapping.status().ToString();
  return std::move(mapping).value();
}

std::string Msh(const std::string& type, const std::string& control = "MSG1") {
  return "MSH|^~\\&|PAS|RGH^1.2^ISO|HUB|REG|20240611093000+0100||" + type + "|" + control +
         "|P|2.5\r";
}

// A segment with the given fields set by number, the rest empty.
std::string Seg(const std::string& name, const std::map<int, std::string>& fields) {
  std::string out = name;
  const int last = fields.empty() ? 0 : fields.rbegin()->first;
  for (int i = 1; i <= last; ++i) {
    out += "|";
    if (auto it = fields.find(i); it != fields.end()) out += it->second;
  }
  return out + "\r";
}

// A UK admission: NHS number (test range) and hospital number in PID-3, the practice in
// PD1-3 (XON-10 ODS code), ward and clinician in PV1, two diagnoses.
const std::string kAdmission =
    Msh("ADT^A01^ADT_A01") + "EVN|A01|20240611093000+0100\r" +
    Seg("PID", {{1, "1"},
                {3, "H123456^^^RGH^MR~999 000 0018^^^NHS^NH"},
                {5, "Smith^Ann^B^^Mrs"},
                {7, "19450312"},
                {8, "F"},
                {11, "1 High Street^Flat 2^Lowtown^^LT1 2AB^GBR"},
                {13, "01632 960001"}}) +
    Seg("PD1", {{3, "Riverside Surgery^^^^^^^^^A81001"}}) +
    Seg("PV1", {{1, "1"},
                {2, "I"},
                {3, "WARD7^^B3^RGH"},
                {4, "E"},
                {7, "C123^Jones^Rhys^^^Dr"},
                {10, "GEN"},
                {19, "V5551"},
                {44, "20240611090000+0100"}}) +
    "DG1|1||I10.9^Hypertension^I10|||A\r"
    "DG1|2||J18.9^Pneumonia^I10|||W\r";

const v1::Section* FindSection(const v1::Record& r, const std::string& heading) {
  for (const auto& s : r.sections()) {
    if (s.heading() == heading) return &s;
  }
  return nullptr;
}

std::vector<std::string> FieldNames(const v1::Section& s) {
  std::vector<std::string> out;
  for (const auto& f : s.fields()) out.push_back(f.name());
  return out;
}

TEST(Hl7MappingTest, DemoMappingLoads) {
  const Hl7Mapping mapping = Demo();
  EXPECT_EQ(mapping.agency(), "hosp-general");
  EXPECT_GE(mapping.spec().messages.size(), 8u);
}

TEST(Hl7MappingTest, ReportsEveryMistakeWithItsPosition) {
  auto m = Hl7Mapping::Parse(
      "agency: hosp-general\n"
      "subjekt: {}\n"
      "subject: {family_name: PID5, gender: {field: PID-8, map: {M: man}}}\n"
      "messages:\n"
      "  - {type: ADT^A01, record_type: adt.admission, sections: [Nowhere]}\n"
      "  - {type: ADT^A01, record_type: Admission}\n"
      "  - {type: ADT-A08, record_type: adt.update, amends: control}\n"
      "sections:\n"
      "  - heading: Results\n"
      "    rows: {segment: OBX, name: PID-3, value: OBX-5, type: colour}\n",
      "m.yaml");
  ASSERT_FALSE(m.ok());
  const std::string e = m.status().message();
  EXPECT_THAT(e, HasSubstr("m.yaml:2:1: unknown key 'subjekt'"));
  EXPECT_THAT(e, HasSubstr("m.yaml:3:24: 'PID5' is not a field path like PID-5 or PID-5.1"));
  EXPECT_THAT(e, HasSubstr("'map' values must be one of: male, female, other, unknown"));
  EXPECT_THAT(e, HasSubstr("m.yaml:5:59: no section has the heading 'Nowhere'"));
  EXPECT_THAT(e, HasSubstr("m.yaml:6:12: message type 'ADT^A01' is mapped twice"));
  EXPECT_THAT(e, HasSubstr("'record_type' must be domain.event"));
  EXPECT_THAT(e, HasSubstr("m.yaml:7:12: 'type' must be a message type like ADT^A01"));
  EXPECT_THAT(e, HasSubstr("'amends' must be {visit: ROLE}"));
  EXPECT_THAT(e, HasSubstr("unknown type 'colour'"));
  EXPECT_THAT(e, HasSubstr("rows: paths must be in segment 'OBX' (found PID-3)"));
}

TEST(Hl7MappingTest, SubjectWithoutGenderLoads) {
  auto m = Hl7Mapping::Parse(
      "agency: hosp-general\n"
      "subject: {nhs_number: {field: PID-3, identifier_types: [NH]}}\n"
      "messages:\n"
      "  - {type: ADT^A01, record_type: adt.admission}\n",
      "m.yaml");
  EXPECT_TRUE(m.ok()) << m.status().ToString();
}

TEST(MessageMapperTest, MapsAnAdmissionWithSubjectAndSections) {
  auto r = Demo().Map(ParseOne(kAdmission));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->record_id(), "hosp-general:hl7:RGH:visit:V5551:admission");
  EXPECT_EQ(r->source_agency(), "hosp-general");
  EXPECT_EQ(r->record_type(), "adt.admission");
  const v1::Subject& s = r->subject();
  EXPECT_EQ(s.nhs_number(), "9990000018");
  ASSERT_EQ(s.local_ids_size(), 1);
  EXPECT_EQ(s.local_ids(0).agency(), "hosp-general");
  EXPECT_EQ(s.local_ids(0).value(), "H123456");
  EXPECT_EQ(s.demographics().family_name(), "Smith");
  EXPECT_EQ(s.demographics().given_name(), "Ann");
  EXPECT_EQ(s.demographics().birth_date(), "1945-03-12");
  EXPECT_EQ(s.demographics().gender(), "female");
  EXPECT_THAT(s.demographics().address_lines(), ElementsAre("1 High Street", "Flat 2", "Lowtown"));
  EXPECT_EQ(s.demographics().postcode(), "LT1 2AB");
  EXPECT_EQ(s.demographics().phone(), "01632 960001");
  EXPECT_EQ(s.registered_gp_ods(), "A81001");
  // EVN-2, 09:30 at +01:00.
  EXPECT_EQ(r->occurred_at().seconds(), 1718094600);
  EXPECT_FALSE(r->has_recorded_at());

  const v1::Section* admission = FindSection(*r, "Admission");
  ASSERT_NE(admission, nullptr);
  EXPECT_THAT(FieldNames(*admission), ElementsAre("Patient class", "Ward", "Bed",
                                                  "Attending clinician", "Hospital service",
                                                  "Admission type", "Visit number", "Admitted"));
  EXPECT_EQ(admission->fields(1).text(), "WARD7");
  EXPECT_EQ(admission->fields(3).text(), "Dr Rhys Jones");
  EXPECT_EQ(admission->fields(7).date_time().seconds(), 1718092800);
  const v1::Section* diagnoses = FindSection(*r, "Diagnoses");
  ASSERT_NE(diagnoses, nullptr);
  EXPECT_THAT(FieldNames(*diagnoses), ElementsAre("Hypertension", "Pneumonia"));
  EXPECT_EQ(diagnoses->fields(0).coded().code(), "I10.9");
  EXPECT_EQ(diagnoses->fields(0).coded().system(), "I10");
  EXPECT_EQ(FindSection(*r, "Results"), nullptr);  // no OBX: the heading is left out
}

TEST(MessageMapperTest, ResendGivesTheSameRecordAndIdsAreSafeAscii) {
  const Hl7Mapping mapping = Demo();
  auto a = mapping.Map(ParseOne(kAdmission));
  auto b = mapping.Map(ParseOne(kAdmission));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->SerializeAsString(), b->SerializeAsString());
  std::string msg = kAdmission;
  msg.replace(msg.find("PAS|RGH"), 7, "PAS|St Mary's");
  msg.replace(msg.find("ADT^A01^ADT_A01"), 15, "ADT^A04");
  auto c = mapping.Map(ParseOne(msg));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->record_id(), "hosp-general:hl7:St%20Mary%27s:MSG1");
  EXPECT_EQ(c->record_type(), "adt.registration");
}

TEST(MessageMapperTest, UpdatesAmendAndCancelsRetractTheVisitsRecord) {
  const Hl7Mapping mapping = Demo();
  std::string update = kAdmission;
  update.replace(update.find("ADT^A01^ADT_A01"), 15, "ADT^A08^ADT_A08");
  update.replace(update.find("|MSG1|"), 6, "|MSG2|");
  auto a08 = mapping.Map(ParseOne(update));
  ASSERT_TRUE(a08.ok()) << a08.status().ToString();
  EXPECT_EQ(a08->record_id(), "hosp-general:hl7:RGH:MSG2");
  EXPECT_EQ(a08->amends(), "hosp-general:hl7:RGH:visit:V5551:admission");
  EXPECT_TRUE(a08->retracts().empty());

  std::string cancel = update;
  cancel.replace(cancel.find("ADT^A08^ADT_A08"), 15, "ADT^A11");
  auto a11 = mapping.Map(ParseOne(cancel));
  ASSERT_TRUE(a11.ok()) << a11.status().ToString();
  EXPECT_EQ(a11->retracts(), "hosp-general:hl7:RGH:visit:V5551:admission");
  EXPECT_TRUE(a11->amends().empty());
  ASSERT_EQ(a11->sections_size(), 1);  // the message names its sections
  EXPECT_EQ(a11->sections(0).heading(), "Admission");

  std::string no_visit = update;
  no_visit.replace(no_visit.find("|V5551|"), 7, "||");
  auto refused = mapping.Map(ParseOne(no_visit));
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.status().message(),
              HasSubstr("message 1, segment 5 (PV1), field 19: visit number is empty, and the "
                        "mapping names the record it amends by visit"));
}

TEST(MessageMapperTest, MergeMapsToTheRecordTheMappingNames) {
  auto r = Demo().Map(ParseOne(Msh("ADT^A40^ADT_A39", "M40") +
                               "EVN|A40|20240611\rPID|1||H1^^^RGH^MR\rMRG|H0^^^RGH^MR\r"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->record_type(), "patient.merge");
  ASSERT_EQ(r->sections_size(), 1);
  EXPECT_EQ(r->sections(0).heading(), "Merged record");
  EXPECT_EQ(r->sections(0).fields(0).text(), "H0");
}

TEST(MessageMapperTest, ResultRowsAreNamedFromObx3WithUnitsAndDistinctNames) {
  auto r = Demo().Map(ParseOne(
      Msh("ORU^R01^ORU_R01", "L1") +
      "PID|1||H1^^^RGH^MR||Smith^Ann\r"
      "OBR|1|||U&E^Urea and electrolytes^L|||20240611080000\r"
      "OBX|1|NM|2951-2^Sodium^LN||138|mmol/L^^UCUM|||||F\r"
      "OBX|2|NM|2823-3^Potassium^LN||5.9|mmol/L|||||F\r"
      "OBX|3|NM|2823-3^Potassium^LN||5.1|mmol/L|||||F\r"
      "OBX|4|TX|^^||Sample haemolysed\\.br\\repeat advised||||||F\r"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->record_type(), "result.laboratory");
  const v1::Section* results = FindSection(*r, "Results");
  ASSERT_NE(results, nullptr);
  EXPECT_THAT(FieldNames(*results), ElementsAre("Sodium", "Potassium", "Potassium (2)", "OBX 4"));
  EXPECT_EQ(results->fields(0).text(), "138 mmol/L");
  EXPECT_EQ(results->fields(3).text(), "Sample haemolysed\nrepeat advised");
  const v1::Section* request = FindSection(*r, "Request");
  ASSERT_NE(request, nullptr);
  EXPECT_EQ(request->fields(0).coded().display(), "Urea and electrolytes");
}

TEST(MessageMapperTest, RefusalsNameThePlaceAndNeverTheValue) {
  const Hl7Mapping mapping = Demo();
  std::string bad = kAdmission;
  bad.replace(bad.find("999 000 0018"), 12, "9990000019");
  bad.replace(bad.find("19450312"), 8, "19451312");
  bad.replace(bad.find("|F|||1 High"), 3, "|Q|");
  auto r = mapping.Map(ParseOne(bad));
  ASSERT_FALSE(r.ok());
  const std::string e = r.status().message();
  EXPECT_THAT(e, HasSubstr("message 1, segment 3 (PID), field 3: NHS number: check digit does not match"));
  EXPECT_THAT(e, HasSubstr("message 1, segment 3 (PID), field 7: not an HL7 date"));
  EXPECT_THAT(e, HasSubstr("message 1, segment 3 (PID), field 8: sex code not in the mapping's gender map"));
  for (const char* value : {"9990000019", "19451312", "Smith"}) {
    EXPECT_THAT(e, Not(HasSubstr(std::string("'") + value)));
    EXPECT_THAT(e, Not(HasSubstr(value))) << value;
  }
  auto unmapped = mapping.Map(ParseOne(Msh("SIU^S12") + "PID|1||H1^^^RGH^MR\r"));
  EXPECT_EQ(unmapped.status().message(),
            "message 1, segment 1 (MSH), field 9: message type SIU^S12 is not in the mapping of "
            "agency hosp-general");
  auto no_control = mapping.Map(ParseOne(Msh("ADT^A04", "") + "PID|1||H1^^^RGH^MR\r"));
  EXPECT_THAT(no_control.status().message(),
              HasSubstr("message 1, segment 1 (MSH), field 10: message control id is empty"));
}

TEST(MessageMapperTest, EventTypeFallsBackToEvn1) {
  const Message m = ParseOne(Msh("ADT") + "EVN|A03|20240611\rPID|1||H1^^^RGH^MR\r");
  EXPECT_EQ(MessageType(m), "ADT^A03");
  EXPECT_EQ(ControlId(m), "MSG1");
}

}  // namespace
}  // namespace gallery::hl7v2
