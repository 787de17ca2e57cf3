// RowMapper: how one row becomes a Record, and every row-level refusal, which names the
// row and column but never the cell's value.
#include "adapters/csv/row_mapper.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/csv/csv_mapping.h"
#include "tests/adapters/mapping_test_util.h"

namespace gallery::csv {
namespace {

using test_util::MapAll;
using test_util::MapError;
using test_util::MapOne;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::string_view kHead =
    "agency: asc-county\n"
    "record_type: assessment.single\n"
    "record_id: {columns: [ID], prefix: \"asc-county:assessment:\"}\n";

std::string Yaml(std::string_view rest) { return std::string(kHead) + std::string(rest); }

TEST(RowMapperTest, BadDateNamesRowColumnAndFormatButNotTheValue) {
  const std::string error =
      MapError(Yaml("subject:\n  birth_date: {column: DOB, format: \"%d/%m/%Y\"}\n"),
               "ID,DOB\n17,31/02/1950\n");
  EXPECT_EQ(error, "t.csv:2: column 'DOB' (subject.birth_date): not a date in format %d/%m/%Y");
  EXPECT_THAT(error, Not(HasSubstr("1950")));
}

TEST(RowMapperTest, EveryBadCellOfARowIsReportedTogether) {
  const std::string yaml = Yaml(R"(sections:
  - heading: Needs
    fields:
      - {name: Score, column: S, type: integer}
      - {name: Weight, column: W, type: decimal}
      - {name: Falls, column: F, type: boolean}
      - {name: Review, column: R, type: date, format: "%d/%m/%Y"}
      - {name: Notes, column: N, required: true}
)");
  const std::string error = MapError(yaml, "ID,S,W,F,R,N\n1,3x,heavy,perhaps,2024-01-01,  \n");
  EXPECT_EQ(error,
            "t.csv:2: column 'S' (section 'Needs' field 'Score'): not an integer; "
            "column 'W' (section 'Needs' field 'Weight'): not a decimal number; "
            "column 'F' (section 'Needs' field 'Falls'): not yes/no (yes, no, y, n, true, "
            "false, 1, 0); "
            "column 'R' (section 'Needs' field 'Review'): not a date in format %d/%m/%Y; "
            "column 'N' (section 'Needs' field 'Notes'): required but empty");
  for (const char* value : {"3x", "heavy", "perhaps", "2024"}) {
    EXPECT_THAT(error, Not(HasSubstr(value)));
  }
}

TEST(RowMapperTest, TypedFieldsAreConvertedAndEmptyOnesOmitted) {
  const std::string yaml = Yaml(R"(sections:
  - heading: Personal care
    labels: [care]
    fields:
      - {name: Washing and dressing, column: Washing}
      - {name: Needs score, column: Score, type: integer}
      - {name: Falls in last year, column: Falls, type: boolean, labels: [falls]}
      - {name: Review due, column: Review, type: date, format: "%d/%m/%Y"}
      - {name: Hours, column: Hours, type: decimal}
  - heading: Carers
    fields:
      - {name: Carer, column: Carer}
)");
  const v1::Record r = MapOne(
      yaml, "ID,Washing,Score,Falls,Review,Hours,Carer\n9, Needs help ,+3,Y,05/06/2024, 1.5 ,  \n");
  ASSERT_EQ(r.sections_size(), 1);  // Carers has nothing in it, so it is not sent
  const v1::Section& s = r.sections(0);
  EXPECT_THAT(s.sensitivity_labels(), ElementsAre("care"));
  ASSERT_EQ(s.fields_size(), 5);
  EXPECT_EQ(s.fields(0).text(), " Needs help ");  // the practitioner's words, exactly
  EXPECT_EQ(s.fields(1).integer(), 3);
  EXPECT_TRUE(s.fields(2).boolean());
  EXPECT_THAT(s.fields(2).sensitivity_labels(), ElementsAre("falls"));
  EXPECT_EQ(s.fields(3).date(), "2024-06-05");
  EXPECT_DOUBLE_EQ(s.fields(4).decimal(), 1.5);
}

TEST(RowMapperTest, EmptyRecordIdColumnRefusesTheRow) {
  const std::string yaml = "agency: a\nrecord_type: x.y\nrecord_id: {columns: [Site, ID]}\n";
  auto records = MapAll(yaml, "Site,ID\nnorth,\nnorth,7\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].status().message(),
            "t.csv:2: column 'ID' (record_id): empty, so the row has no record id");
  ASSERT_TRUE(records[1].ok());
  EXPECT_EQ(records[1]->record_id(), "a:north:7");
}

TEST(RowMapperTest, RecordIdAloneIsAvailableForReporting) {
  auto mapping = CsvMapping::Parse(Yaml("subject: {birth_date: DOB}\n"), "m.yaml");
  ASSERT_TRUE(mapping.ok());
  auto table = CsvTable::Parse("ID,DOB\n5,yesterday\n", "t.csv");
  ASSERT_TRUE(table.ok());
  auto mapper = mapping->Bind(*table);
  ASSERT_TRUE(mapper.ok());
  EXPECT_FALSE(mapper->MapRow(table->rows()[0]).ok());
  auto id = mapper->RecordId(table->rows()[0]);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, "asc-county:assessment:5");
}

TEST(RowMapperTest, GenderIsMappedOrMustAlreadyBeAGender) {
  const std::string mapped = Yaml("subject: {gender: {column: Sex, map: {M: male, F: female}}}\n");
  EXPECT_EQ(MapOne(mapped, "ID,Sex\n1,f\n").subject().demographics().gender(), "female");
  EXPECT_EQ(MapError(mapped, "ID,Sex\n1,X\n"),
            "t.csv:2: column 'Sex' (subject.gender): value not in the mapping's gender map");
  const std::string plain = Yaml("subject: {gender: Sex}\n");
  EXPECT_EQ(MapOne(plain, "ID,Sex\n1,Female\n").subject().demographics().gender(), "female");
  EXPECT_EQ(MapError(plain, "ID,Sex\n1,W\n"),
            "t.csv:2: column 'Sex' (subject.gender): not one of male, female, other, unknown");
}

TEST(RowMapperTest, SubjectFieldsAreTrimmedAndOdsCodesUpperCased) {
  const std::string yaml = Yaml(R"(subject:
  local_id: Client ID
  given_name: Forename
  family_name: Surname
  address_lines: [Address 1, Address 2, Address 3]
  postcode: Postcode
  phone: Phone
  registered_gp_ods: GP Practice Code
)");
  const v1::Record r =
      MapOne(yaml,
             "ID,Client ID,Forename,Surname,Address 1,Address 2,Address 3,Postcode,Phone,"
             "GP Practice Code\n"
             "4, C-77 , Ada ,Lovelace,1 Mill Lane,,Riverside,RV1 2AB,01632 960001, a81001 \n");
  EXPECT_EQ(r.subject().local_ids(0).value(), "C-77");
  EXPECT_EQ(r.subject().local_ids(0).agency(), "asc-county");
  EXPECT_EQ(r.subject().demographics().given_name(), "Ada");
  EXPECT_THAT(r.subject().demographics().address_lines(), ElementsAre("1 Mill Lane", "Riverside"));
  EXPECT_EQ(r.subject().demographics().postcode(), "RV1 2AB");
  EXPECT_EQ(r.subject().demographics().phone(), "01632 960001");
  EXPECT_EQ(r.subject().registered_gp_ods(), "A81001");
}

TEST(RowMapperTest, FixedRegisteredPracticeAppliesToEveryRow) {
  const v1::Record r = MapOne(Yaml("subject: {registered_gp_ods: {value: A81002}}\n"), "ID\n1\n");
  EXPECT_EQ(r.subject().registered_gp_ods(), "A81002");
}

TEST(RowMapperTest, RequiredSubjectValueRefusesAnEmptyCell) {
  EXPECT_EQ(
      MapError(Yaml("subject: {nhs_number: {column: NHS, required: true}}\n"), "ID,NHS\n1, \n"),
      "t.csv:2: column 'NHS' (subject.nhs_number): required but empty");
}

TEST(RowMapperTest, TimestampsUseTheirFormats) {
  const std::string yaml = Yaml(R"(occurred_at: {column: When, format: "%d/%m/%Y %H:%M"}
recorded_at: {column: Entered, format: "%Y-%m-%dT%H:%M:%S%z"}
)");
  const v1::Record r =
      MapOne(yaml, "ID,When,Entered\n1,17/02/2019 05:07,2019-02-17T06:07:38+01:00\n");
  EXPECT_EQ(r.occurred_at().seconds(), 1550380020);
  EXPECT_EQ(r.recorded_at().seconds(), 1550380058);
  EXPECT_EQ(MapError(yaml, "ID,When,Entered\n1,17/02/2019,\n"),
            "t.csv:2: column 'When' (occurred_at): not a date/time in format %d/%m/%Y %H:%M");
}

TEST(RowMapperTest, ShortRowIsRefusedUnlessTheMappingAllowsBlanks) {
  const std::string strict = Yaml("sections: [{heading: H, fields: [{name: N, column: Note}]}]\n");
  auto records = MapAll(strict, "ID,Other,Note\n1,a,b\n2\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_TRUE(records[0].ok());
  EXPECT_EQ(records[1].status().message(), "t.csv:3:2: row has 1 fields, header has 3");

  const std::string lenient = Yaml(
      "csv: {short_rows: blank}\nsections: [{heading: H, fields: [{name: N, column: Note}]}]\n");
  auto padded = MapAll(lenient, "ID,Other,Note\n2\n");
  ASSERT_EQ(padded.size(), 1u);
  ASSERT_TRUE(padded[0].ok()) << padded[0].status().ToString();
  EXPECT_EQ(padded[0]->sections_size(), 0);
  auto long_row = MapAll(lenient, "ID,Other,Note\n3,a,b,c\n");
  EXPECT_EQ(long_row[0].status().message(), "t.csv:2:7: row has 4 fields, header has 3");
}

TEST(RowMapperTest, OverriddenAgencyIsUsedThroughout) {
  auto mapping = CsvMapping::Parse(
      "agency: a\nrecord_type: x.y\nrecord_id: ID\nsubject: {local_id: ID}\n", "m.yaml");
  ASSERT_TRUE(mapping.ok());
  EXPECT_EQ(mapping->OverrideAgency("Not Valid").code(), Code::kInvalidArgument);
  ASSERT_TRUE(mapping->OverrideAgency("asc-west").ok());
  auto table = CsvTable::Parse("ID\n8\n", "t.csv");
  ASSERT_TRUE(table.ok());
  auto mapper = mapping->Bind(*table);
  ASSERT_TRUE(mapper.ok());
  auto r = mapper->MapRow(table->rows()[0]);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->source_agency(), "asc-west");
  EXPECT_EQ(r->record_id(), "asc-west:8");
  EXPECT_EQ(r->subject().local_ids(0).agency(), "asc-west");
}

TEST(CsvMappingBindTest, MissingColumnNamesTheMappingLineAndTheFile) {
  auto mapping = CsvMapping::Parse(
      Yaml("subject:\n  birth_date: {column: DOB}\n  given_name: name\n"), "m.yaml");
  ASSERT_TRUE(mapping.ok());
  auto table = CsvTable::Parse("ID,Name\n1,x\n", "t.csv");
  ASSERT_TRUE(table.ok());
  auto mapper = mapping->Bind(*table);
  EXPECT_EQ(mapper.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(mapper.status().message(),
            "m.yaml:5:24: column 'DOB' (subject.birth_date) is not in the header of t.csv\n"
            "m.yaml:6:15: column 'name' (subject.given_name) is not in the header of t.csv "
            "(it has 'Name'; names are case-sensitive)");
}

}  // namespace
}  // namespace gallery::csv
