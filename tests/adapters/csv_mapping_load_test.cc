// Loading mapping YAML: every mistake is reported, each at its exact file:line:col.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/csv/csv_mapping.h"
#include "tests/adapters/csv_test_util.h"

namespace gallery::csv {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string LoadError(std::string_view yaml) {
  auto mapping = CsvMapping::Parse(yaml, "m.yaml");
  EXPECT_FALSE(mapping.ok()) << "mapping unexpectedly loaded";
  if (mapping.ok()) return "";
  EXPECT_EQ(mapping.status().code(), Code::kInvalidArgument);
  return mapping.status().message();
}

constexpr std::string_view kHead =
    "agency: asc-county\n"
    "record_type: assessment.single\n"
    "record_id: {columns: [ID]}\n";

std::string Yaml(std::string_view rest) { return std::string(kHead) + std::string(rest); }

TEST(CsvMappingLoadTest, MinimalMappingLoadsWithDefaults) {
  auto mapping = CsvMapping::Parse(kHead, "m.yaml");
  ASSERT_TRUE(mapping.ok()) << mapping.status().ToString();
  EXPECT_EQ(mapping->agency(), "asc-county");
  EXPECT_EQ(mapping->record_type(), "assessment.single");
  EXPECT_EQ(mapping->csv_options().delimiter, ',');
  EXPECT_EQ(mapping->spec().short_rows, ShortRows::kError);
  EXPECT_FALSE(mapping->spec().record_id.prefix.has_value());
  ASSERT_EQ(mapping->spec().record_id.columns.size(), 1u);
  EXPECT_EQ(mapping->spec().record_id.columns[0].line, 3);
  EXPECT_EQ(mapping->spec().record_id.columns[0].column, 23);
}

TEST(CsvMappingLoadTest, UnknownKeyIsRejectedWithLineAndColumn) {
  EXPECT_EQ(LoadError(Yaml("sujbect: {}\n")),
            "m.yaml:4:1: unknown key 'sujbect' (expected: agency, record_type, csv, record_id, "
            "subject, occurred_at, recorded_at, labels, sections, corrections)");
  EXPECT_THAT(LoadError(Yaml("subject:\n  nhs: NHS No\n")),
              StartsWith("m.yaml:5:3: unknown key 'nhs' (expected: nhs_number, local_id,"));
}

TEST(CsvMappingLoadTest, MissingRequiredKeysAreNamed) {
  EXPECT_EQ(LoadError("record_type: a.b\nrecord_id: ID\n"),
            "m.yaml:1:1: missing required key 'agency'");
  EXPECT_EQ(LoadError("agency: a\nrecord_type: a.b\n"),
            "m.yaml:1:1: missing required key 'record_id'");
  EXPECT_EQ(LoadError("agency: a\nrecord_id: ID\n"),
            "m.yaml:1:1: missing required key 'record_type'");
}

TEST(CsvMappingLoadTest, AgencyAndRecordTypeMustFollowTheVocabulary) {
  EXPECT_EQ(LoadError("agency: ASC County\nrecord_type: assessment.single\nrecord_id: ID\n"),
            "m.yaml:1:9: 'agency' must be lower case letters, digits and hyphens");
  EXPECT_EQ(LoadError("agency: asc\nrecord_type: Assessment\nrecord_id: ID\n"),
            "m.yaml:2:14: 'record_type' must be domain.event in lower case, e.g. "
            "assessment.single");
}

TEST(CsvMappingLoadTest, UnknownFieldTypeIsRejectedAtTheType) {
  EXPECT_EQ(LoadError(Yaml(R"(sections:
  - heading: Mobility
    fields:
      - {name: Score, column: S, type: number}
)")),
            "m.yaml:7:40: unknown type 'number' (expected: text, integer, decimal, boolean, date)");
}

TEST(CsvMappingLoadTest, BadDateFormatIsRejectedAtTheFormat) {
  EXPECT_EQ(LoadError(Yaml("subject:\n  birth_date: {column: DOB, format: \"%d/%m/%y\"}\n")),
            "m.yaml:5:37: bad format: unknown directive '%y' (expected %Y %m %d %b %B %H %M %S "
            "%z %%)");
  EXPECT_EQ(LoadError(Yaml("occurred_at: {column: When, format: \"%H:%M\"}\n")),
            "m.yaml:4:37: bad format: format needs a year (%Y), a month (%m, %b or %B) and a "
            "day (%d)");
}

TEST(CsvMappingLoadTest, FormatOnlyAppliesToDateFields) {
  EXPECT_EQ(LoadError(Yaml(R"(sections:
  - heading: H
    fields:
      - {name: N, column: C, format: "%Y"}
)")),
            "m.yaml:7:38: 'format' applies only to type date");
}

TEST(CsvMappingLoadTest, CsvSettingsAreChecked) {
  EXPECT_EQ(LoadError(Yaml("csv: {delimiter: \";;\"}\n")),
            "m.yaml:4:18: 'delimiter' must be one of \",\" \"\\t\" \";\" \"|\"");
  EXPECT_EQ(LoadError(Yaml("csv: {short_rows: pad}\n")),
            "m.yaml:4:19: 'short_rows' must be one of: error, blank");
  EXPECT_EQ(LoadError(Yaml("csv: {columns: [A, A]}\n")),
            "m.yaml:4:16: 'columns' must be distinct, non-empty names ('A')");
}

TEST(CsvMappingLoadTest, DelimiterMayBeGivenByCharacterOrName) {
  for (const char* d : {"\"\\t\"", "'\\t'", "tab"}) {
    auto m = CsvMapping::Parse(Yaml(std::string("csv: {delimiter: ") + d + "}\n"), "m.yaml");
    ASSERT_TRUE(m.ok()) << d << ": " << m.status().ToString();
    EXPECT_EQ(m->csv_options().delimiter, '\t') << d;
  }
  auto pipe = CsvMapping::Parse(Yaml("csv: {delimiter: \"|\"}\n"), "m.yaml");
  ASSERT_TRUE(pipe.ok());
  EXPECT_EQ(pipe->csv_options().delimiter, '|');
}

TEST(CsvMappingLoadTest, DuplicatesAreRejected) {
  EXPECT_EQ(LoadError(Yaml(R"(sections:
  - heading: Mobility
    fields: [{name: Walking, column: W}]
  - heading: Mobility
    fields: [{name: Stairs, column: S}]
)")),
            "m.yaml:7:14: duplicate section heading 'Mobility'");
  EXPECT_EQ(LoadError(Yaml(R"(sections:
  - heading: Mobility
    fields:
      - {name: Walking, column: W}
      - {name: Walking, column: W2}
)")),
            "m.yaml:8:16: duplicate field name 'Walking' in section 'Mobility'");
  EXPECT_EQ(LoadError(Yaml("labels: [a]\nlabels: [b]\n")), "m.yaml:5:1: duplicate key 'labels' (first on line 4)");
}

TEST(CsvMappingLoadTest, GenderMapValuesMustBeGenders) {
  EXPECT_EQ(LoadError(Yaml("subject:\n  gender: {column: Sex, map: {M: man, F: female}}\n")),
            "m.yaml:5:34: subject.gender: 'map' values must be one of: male, female, other, "
            "unknown");
}

TEST(CsvMappingLoadTest, SubjectValueShapesAreChecked) {
  EXPECT_EQ(LoadError(Yaml("subject:\n  registered_gp_ods: {column: GP, value: A81001}\n")),
            "m.yaml:5:22: subject.registered_gp_ods: give either 'column' or 'value', not both");
  EXPECT_EQ(LoadError(Yaml("subject:\n  nhs_number: {value: \"9990000018\"}\n")),
            "m.yaml:5:16: unknown key 'value' (expected: column, required)\n"
            "m.yaml:5:15: subject.nhs_number: missing required key 'column'");
  EXPECT_EQ(LoadError(Yaml("subject:\n  nhs_number: {column: NHS, required: sometimes}\n")),
            "m.yaml:5:39: 'required' must be true or false");
  EXPECT_EQ(LoadError(Yaml("subject:\n  given_name: [A, B]\n")),
            "m.yaml:5:15: subject.given_name: expected a column name or a map with 'column'");
}

TEST(CsvMappingLoadTest, SectionShapesAreChecked) {
  EXPECT_EQ(LoadError(Yaml("sections:\n  - heading: H\n    fields: []\n")),
            "m.yaml:6:13: section 'H': 'fields' must be a non-empty list");
  EXPECT_EQ(LoadError(Yaml("sections:\n  - heading: H\n    fields:\n      - {name: N}\n")),
            "m.yaml:7:9: section 'H' field 'N': missing required key 'column'");
  EXPECT_EQ(LoadError(Yaml("sections:\n  - heading: H\n    fields:\n      - {column: C}\n")),
            "m.yaml:7:9: missing required key 'name'");
  EXPECT_EQ(LoadError(Yaml("sections:\n  - {fields: [{name: N, column: C}]}\n")),
            "m.yaml:5:5: missing required key 'heading'");
  EXPECT_EQ(LoadError(Yaml("labels: [\"mental health\"]\n")),
            "m.yaml:4:9: labels must be non-empty and without spaces");
}

TEST(CsvMappingLoadTest, EveryProblemIsReportedNotJustTheFirst) {
  const std::string error = LoadError(R"(agency: Bad Agency
record_type: assessment.single
record_id: {columns: [ID], prefx: "x"}
subject:
  birth_date: {column: DOB, format: "%q"}
sections:
  - heading: H
    fields: [{name: N, column: C, type: colour}]
)");
  EXPECT_EQ(error,
            "m.yaml:1:9: 'agency' must be lower case letters, digits and hyphens\n"
            "m.yaml:3:28: unknown key 'prefx' (expected: columns, prefix, separator)\n"
            "m.yaml:5:37: bad format: unknown directive '%q' (expected %Y %m %d %b %B %H %M %S "
            "%z %%)\n"
            "m.yaml:8:41: unknown type 'colour' (expected: text, integer, decimal, boolean, date)");
}

TEST(CsvMappingLoadTest, YamlSyntaxErrorHasAPosition) {
  EXPECT_THAT(LoadError("agency: a\nrecord_id: [ID\n"), StartsWith("m.yaml:3:1: "));
}

TEST(CsvMappingLoadTest, DocumentMustBeAMap) {
  EXPECT_THAT(LoadError("- agency: a\n"), StartsWith("m.yaml:1:1: a mapping must be a YAML map"));
}

// The README's full example is a mapping that loads, so the documentation cannot rot.
TEST(CsvMappingLoadTest, ReadmeExampleLoads) {
  const std::string readme = test_util::ReadAll(test_util::SourcePath("adapters/csv/README.md"));
  const size_t begin = readme.find("```yaml\n");
  ASSERT_NE(begin, std::string::npos);
  const size_t end = readme.find("```", begin + 8);
  ASSERT_NE(end, std::string::npos);
  auto mapping = CsvMapping::Parse(readme.substr(begin + 8, end - begin - 8), "README.md");
  ASSERT_TRUE(mapping.ok()) << mapping.status().ToString();
  EXPECT_EQ(mapping->spec().sections.size(), 1u);
  EXPECT_EQ(mapping->spec().sections[0].fields.size(), 5u);
}

TEST(CsvMappingLoadTest, LoadNamesAMissingFile) {
  auto mapping = CsvMapping::Load(test_util::TestDataPath("no-such-mapping.yaml"));
  EXPECT_EQ(mapping.status().code(), Code::kNotFound);
  EXPECT_THAT(mapping.status().message(), HasSubstr("no-such-mapping.yaml"));
}

TEST(CsvMappingLoadTest, CorrectionsSayHowChangedAndDeletedRowsTravel) {
  auto mapping = CsvMapping::Parse(
      Yaml("corrections:\n  changed_rows: amend\n  deleted: {column: Status, values: [Deleted]}\n"),
      "m.yaml");
  ASSERT_TRUE(mapping.ok()) << mapping.status().ToString();
  const CorrectionsSpec& c = mapping->spec().corrections;
  EXPECT_TRUE(c.amend_changed_rows);
  ASSERT_TRUE(c.deleted_column.has_value());
  EXPECT_EQ(c.deleted_column->name, "Status");
  EXPECT_EQ(c.deleted_values, std::vector<std::string>{"Deleted"});
}

TEST(CsvMappingLoadTest, CorrectionsMistakesAreReportedWithTheirPositions) {
  const std::string error = LoadError(
      Yaml("corrections:\n  changed_rows: amnd\n  deleted: {column: Status, valus: [x]}\n"));
  EXPECT_THAT(error, HasSubstr("m.yaml:5:17: unknown changed_rows 'amnd' (expected: amend, resend)"));
  EXPECT_THAT(error, HasSubstr("unknown key 'valus' (expected: column, values)"));
  EXPECT_THAT(error, HasSubstr("corrections.deleted: 'values' must name at least one cell value"));
}

}  // namespace
}  // namespace gallery::csv
