// Every upstream HL7 v2 sample (tests/testdata/hl7v2/upstream) goes through the parser and the
// samples' mapping (tests/testdata/hl7v2/fixtures.yaml): each file either converts, with its
// key fields checked, or is refused with the error it deserves. adapters/hl7v2/README.md
// lists the same outcomes.
#include <algorithm>
#include <filesystem>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/hl7v2/hl7_mapping.h"
#include "adapters/hl7v2/message_mapper.h"
#include "adapters/hl7v2/parser.h"
#include "adapters/hl7v2/value_reader.h"
#include "hub/ingest/record_validator.h"
#include "tests/adapters/hl7v2/hl7_test_util.h"

namespace gallery::hl7v2 {
namespace {

using ::testing::HasSubstr;

struct Fixture {
  const char* file;
  const char* input_error;  // the whole file is refused with this; nothing else applies
  size_t messages = 0;
  const char* type = "";     // of the first message that parses
  const char* control = "";  // its MSH-10
  size_t mapped = 0;         // messages that become records the hub accepts
  const char* local_id = "";     // of the first record
  const char* family_name = "";  // of the first record
  const char* refusal = "";      // part of the first refusal
};

constexpr const char* kNoSubject = "subject: needs an nhs_number or at least one local id";

const Fixture kFixtures[] = {
    {"cdciis__adult_z22_nonvax_deferral_crlf.hl7", "", 1, "VXU^V04", "NIST-IZ-001.00", 1, "123456",
     "Winchester"},
    {"cdciis__testencoding_cr_only_fffd.hl7", "", 2, "", "", 0, "", "",
     "message 1, segment 5 (WHOOPS): not a segment name"},
    {"cdciis__testerror_multi_message_invalid.hl7", "", 52, "VXU^V04", "1089901", 50, "1",
     "Redacted", "message 3, segment 2 (PID), field 7: not an HL7 date"},
    {"cdciis__testgood_multi_message.hl7", "", 33, "VXU^V04", "890801", 33, "1", "Redacted"},
    {"efferent__Sample-ADT_crlf_blankline.hl7", "", 1, "ADT^O01", "MSGID12349876", 1, "454721",
     "DOE"},
    {"efferent__Sample-ORM_crlf_escapes.hl7", "", 1, "ORM^O01", "3149", 1, "42311", "Jane"},
    {"efferent__Sample-Orm_lf_noeol.hl7", "", 1, "ORM^O01", "3149", 1, "42311", "Jane"},
    {"efferent__all_delimiter_escape_sequences.hl7", "", 1, "ORM^O01", "23", 1, "MRN_123",
     "Smith|^~\\&"},
    {"efferent__blank_line_lf_then_crlf.hl7", "", 1, "ADT^A04", "123", 0, "", "", kNoSubject},
    {"efferent__iso8859-1_msh18_hex_escape.hl7", "", 1, "ADT^A01", "HL7Gtw018FFE7D23AC00", 1,
     "5928948", "ANONYMIZED ANONYMIZED"},
    {"efferent__msh2_three_encoding_chars.hl7", "", 1, "ORM^O01", "23", 0, "", "", kNoSubject},
    {"efferent__multibyte_hex_escape_X0D0A.hl7", "", 1, "ADT^A08", "MSGID12349876", 1, "454721",
     "DOE"},
    {"efferent__segment_name_only_PID.hl7", "", 1, "ADT^A04", "123", 0, "", "", kNoSubject},
    {"efferent__tab_characters_in_fields.hl7", "", 1, "ADT^A04", "123", 0, "", "", kNoSubject},
    {"efferent__trailing_backslash_obx.hl7", "", 1, "ADT^A01", "123456", 1, "1234", "JOHN"},
    {"efferent__z_segment_ZZ1_invalid_escape.hl7", "", 1, "ADT^A08", "11111", 0, "", "",
     "message 1, segment 1 (MSH), field 7: not an HL7 date/time"},
    {"fhirconverter__ADT-A01-01.hl7", "", 1, "ADT^A01", "MSG00001", 1, "PATID1234", "EVERYMAN"},
    {"fhirconverter__ADT-A08-01.hl7", "", 1, "ADT^A08", "MSG00001", 1, "PATID1234", "EVERYMAN"},
    {"fhirconverter__ADT-A31-01.hl7", "", 1, "ADT^A31", "MSG00001", 1, "PATID1234", "EVERYMAN"},
    {"fhirconverter__ADT-A40-01.hl7", "", 1, "ADT^A40", "8919-40", 1, "12345", "Test"},
    {"fhirconverter__ADT04-23.hl7", "", 1, "ADT^A04", "Q123456789T123456789X123456", 1,
     "123456789", "BROS"},
    {"fhirconverter__LAB-ORU-1.hl7", "", 1, "ORU^R01", "182", 1, "10006579", "DUCK"},
    {"fhirconverter__ORU-R01-01.hl7", "", 1, "ORU^R01",
     "2.16.840.1.114222.4.3.3.5.1.2-20120314235954.325", 1, "14", "Finn"},
    {"fhirconverter__REF-I12-01.hl7", "", 1, "REF^I12", "MSG00112", 1, "PATID1234", "EVERYMAN"},
    {"hl7apy__oml_o33_repeating_groups.hl7", "", 1, "OML^O33", "978226056138290600", 1,
     "1010110909194822", "PIPPO"},
    {"hl7apy__rsp_k21_v27_truncation_char_no_final_cr.hl7", "", 1, "RSP^K22", "1234", 0, "", "",
     "message 1, segment 1 (MSH), field 9: message type RSP^K22 is not in the mapping"},
    {"hl7apy__zdt_z01_custom_z_message.hl7", "", 1, "ZDT^Z01", "0123456789", 1, "123-456-789",
     "SURNAME"},
    {"lfh__sample_unix.hl7", "", 1, "", "", 0, "", "",
     "message 1, segment 1 (MSH), field 2: encoding characters must differ"},
    {"lfh__sample_win.hl7", "", 1, "", "", 0, "", "",
     "message 1, segment 1 (MSH), field 2: encoding characters must differ"},
    {"pyhl7__cp1252_byte_0x96.hl7", "", 1, "", "", 0, "", "",
     "message 1, segment 1 (MSH), field 4: bytes that are not valid UTF-8"},
    {"pyhl7__nonstandard_delimiters_dollar_percent.hl7", "", 1, "", "", 0, "", "",
     "message 1, segment 1 (MSH), field 9: message type is empty"},
    {"pyhl7__rep_sample_hl7_repeats_subcomponents.hl7", "", 1, "ORU^R01", "CNTRL-3456", 1,
     "Component1", ""},
    {"pyhl7__sample_bad_batch_segments_before_msh.hl7",
     "segment 2 (EVN) of the input: segment before the first MSH"},
    {"pyhl7__sample_bad_file2_duplicate_fhs.hl7",
     "segment 5 (FHS) of the input: a file has at most one FHS"},
    {"pyhl7__sample_batch1_bhs_two_messages.hl7", "", 2, "ADT^A04", "12334456778890", 2,
     "0000112234", "XXXXXXXXXX"},
    {"pyhl7__sample_file1_fhs_two_batches.hl7", "", 3, "ADT^A04", "12334456778890", 3,
     "0000112234", "XXXXXXXXXX"},
    {"pyhl7__sample_hl7_oru_r01.hl7", "", 1, "ORU^R01", "CNTRL-3456", 0, "", "",
     "message 1, segment 2 (PID), field 7: not an HL7 date"},
    {"pyhl7__sample_msh_adt_a01_nulls_repeats.hl7", "", 1, "ADT^A01", "Q150084616T145947960", 1,
     "2148790", "RUFUSS"},
    {"pyhl7__two_messages_crlf.hl7", "", 2, "", "", 0, "", "",
     "message 1, segment 1 (MSH), field 9: message type is empty"},
};

Hl7Mapping SamplesMapping() {
  auto mapping = Hl7Mapping::Load(test_util::SourcePath("tests/testdata/hl7v2/fixtures.yaml"));
  EXPECT_TRUE(mapping.ok()) << mapping.status().ToString();
  return std::move(mapping).value();
}

class FixturesTest : public ::testing::TestWithParam<Fixture> {};

TEST_P(FixturesTest, ConvertsOrIsRefusedAsExpected) {
  const Fixture& f = GetParam();
  const Hl7Mapping mapping = SamplesMapping();
  auto all = ParseAll(test_util::ReadAll(test_util::UpstreamPath(f.file)));
  if (*f.input_error != '\0') {
    ASSERT_FALSE(all.ok());
    EXPECT_EQ(all.status().message(), f.input_error);
    return;
  }
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->size(), f.messages);
  const Message* first_parsed = nullptr;
  const v1::Record* first_record = nullptr;
  std::vector<v1::Record> records;
  records.reserve(all->size());
  std::string first_refusal;
  for (const auto& message : *all) {
    if (message.ok() && first_parsed == nullptr) first_parsed = &*message;
    Status status = message.status();
    if (message.ok()) {
      auto record = mapping.Map(*message);
      status = record.ok() ? ingest::ValidateRecord(*record) : record.status();
      if (status.ok()) records.push_back(std::move(record).value());
    }
    if (!status.ok() && first_refusal.empty()) first_refusal = status.message();
    // A refusal names a place and never quotes what was there.
    if (!status.ok()) {
      EXPECT_THAT(status.message(), ::testing::Not(HasSubstr("EVERYMAN")));
    }
  }
  if (!records.empty()) first_record = &records.front();
  EXPECT_EQ(records.size(), f.mapped);
  if (*f.type != '\0') {
    ASSERT_NE(first_parsed, nullptr);
    EXPECT_EQ(MessageType(*first_parsed), f.type);
    EXPECT_EQ(ControlId(*first_parsed), f.control);
  }
  if (f.mapped > 0) {
    ASSERT_NE(first_record, nullptr);
    ASSERT_GE(first_record->subject().local_ids_size(), 1);
    EXPECT_EQ(first_record->subject().local_ids(0).value(), f.local_id);
    EXPECT_EQ(first_record->subject().demographics().family_name(), f.family_name);
    EXPECT_EQ(first_record->source_agency(), "sample-senders");
    EXPECT_TRUE(first_record->record_id().starts_with("sample-senders:"));
  }
  if (*f.refusal != '\0') {
    EXPECT_THAT(first_refusal, HasSubstr(f.refusal));
  } else {
    EXPECT_EQ(first_refusal, "");
  }
}

INSTANTIATE_TEST_SUITE_P(Upstream, FixturesTest, ::testing::ValuesIn(kFixtures),
                         [](const ::testing::TestParamInfo<Fixture>& param) {
                           std::string name = param.param.file;
                           name = name.substr(0, name.rfind('.'));
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

TEST(FixturesListTest, EveryUpstreamFileIsListed) {
  std::set<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(
           test_util::SourcePath("tests/testdata/hl7v2/upstream"))) {
    if (entry.path().extension() == ".hl7") files.insert(entry.path().filename().string());
  }
  std::set<std::string> listed;
  for (const Fixture& f : kFixtures) listed.insert(f.file);
  EXPECT_EQ(files, listed);
  EXPECT_EQ(files.size(), 39u);
}

// The hospital demo mapping wants an NHS or hospital number and takes ADT, ORU and REF only.
TEST(FixturesListTest, DemoHospitalMappingConvertsTheHospitalSamples) {
  auto demo = Hl7Mapping::Load(test_util::DemoMappingPath());
  ASSERT_TRUE(demo.ok()) << demo.status().ToString();
  std::set<std::string> converted;
  for (const Fixture& f : kFixtures) {
    auto all = ParseAll(test_util::ReadAll(test_util::UpstreamPath(f.file)));
    if (!all.ok()) continue;
    bool every = true;
    for (const auto& message : *all) {
      auto record = message.ok() ? demo->Map(*message) : Result<v1::Record>(message.status());
      every = every && record.ok() && ingest::ValidateRecord(*record).ok();
    }
    if (every) converted.insert(f.file);
  }
  EXPECT_THAT(converted, ::testing::UnorderedElementsAre(
                             "efferent__iso8859-1_msh18_hex_escape.hl7",
                             "fhirconverter__ADT-A01-01.hl7", "fhirconverter__ADT-A08-01.hl7",
                             "fhirconverter__ADT-A31-01.hl7", "fhirconverter__ADT-A40-01.hl7",
                             "fhirconverter__ADT04-23.hl7", "fhirconverter__LAB-ORU-1.hl7",
                             "fhirconverter__ORU-R01-01.hl7",
                             "pyhl7__sample_msh_adt_a01_nulls_repeats.hl7"));
}

// The quirks the samples were chosen for, checked at the value they affect.
Message First(const std::string& file) {
  auto all = ParseAll(test_util::ReadAll(test_util::UpstreamPath(file)));
  EXPECT_TRUE(all.ok() && !all->empty() && all->front().ok());
  return std::move(all->front()).value();
}

std::string Read(const Message& m, const std::string& path, size_t rep = 0) {
  const FieldPath p = *ParseFieldPath(path);
  const Segment* segment = m.Find(p.segment);
  if (segment == nullptr) return "<no segment>";
  auto v = ReadValue(m, *segment, p, rep);
  return v.ok() ? *v : v.status().ToString();
}

TEST(FixtureQuirksTest, EscapesLineBreaksAndCharacterSetsDecode) {
  const Message latin = First("efferent__iso8859-1_msh18_hex_escape.hl7");
  EXPECT_EQ(latin.charset, Charset::kLatin1);
  bool found = false;
  for (size_t field = 1; field < latin.Find("PID")->fields.size(); ++field) {
    for (size_t rep = 0; rep < 4; ++rep) {
      const FieldPath p{"PID", static_cast<int>(field), 0, 0};
      auto v = ReadValue(latin, *latin.Find("PID"), p, rep);
      if (v.ok() && v->find("(gi\xC3\xA0 CEYLON)") != std::string::npos) found = true;
    }
  }
  EXPECT_TRUE(found) << "\\X00E0\\ in an 8859/1 message is a-grave";

  EXPECT_EQ(Read(First("efferent__multibyte_hex_escape_X0D0A.hl7"), "GT1-5.2"),
            "APT #204 - P: 555-555-1234\r\n254 MYSTREET AVE S");
  const Message orm = First("efferent__Sample-ORM_crlf_escapes.hl7");
  EXPECT_EQ(Read(orm, "NTE-3"),
            "some text\nsome text after new line\nissue Efferent-Health#82");
  EXPECT_EQ(Read(First("efferent__z_segment_ZZ1_invalid_escape.hl7"), "ZZ1-9"), "BSV 4\\5 re.");
  EXPECT_EQ(Read(First("efferent__trailing_backslash_obx.hl7"), "OBX-5"),
            "OTHER: Right medial orbital wall fracture noted\\");
  EXPECT_EQ(Read(First("fhirconverter__ADT-A01-01.hl7"), "PV1-3.7"), "Homerton UH");
}

TEST(FixtureQuirksTest, DelimitersAndStructureComeFromTheMessage) {
  const Message rsp = First("hl7apy__rsp_k21_v27_truncation_char_no_final_cr.hl7");
  EXPECT_EQ(rsp.delimiters.truncation, '#');
  EXPECT_NE(rsp.Find("QPD"), nullptr);
  const Message dollar = First("pyhl7__nonstandard_delimiters_dollar_percent.hl7");
  EXPECT_EQ(dollar.delimiters.field, '$');
  EXPECT_EQ(Read(dollar, "PID-5.1"), "EVERYWOMAN");
  EXPECT_EQ(Read(dollar, "PID-5.2"), "EVE");
  const Message three = First("efferent__msh2_three_encoding_chars.hl7");
  EXPECT_EQ(three.delimiters.EncodingCharacters(), "^~&");
  const Message reps = First("pyhl7__rep_sample_hl7_repeats_subcomponents.hl7");
  EXPECT_EQ(Read(reps, "PID-3.2.2"), "Sub-Component2");
  EXPECT_EQ(Read(reps, "PID-4", 1), "Repeat2");
  const Message bom = First("fhirconverter__ADT04-23.hl7");
  EXPECT_EQ(bom.segments.front().name, "MSH");
  EXPECT_EQ(Read(First("efferent__tab_characters_in_fields.hl7"), "MSH-3"), "Sending\tApplication");
  const Message blank = First("efferent__Sample-ADT_crlf_blankline.hl7");
  EXPECT_EQ(blank.segments.back().name, "PV1");
  auto fffd = ParseAll(test_util::ReadAll(test_util::UpstreamPath("cdciis__testencoding_cr_only_fffd.hl7")));
  ASSERT_TRUE(fffd.ok());
  EXPECT_THAT((*fffd)[1].status().message(), HasSubstr("message 2, segment 2 (ID)"));
}

}  // namespace
}  // namespace gallery::hl7v2
