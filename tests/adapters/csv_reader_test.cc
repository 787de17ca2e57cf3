#include "adapters/csv/csv_reader.h"

#include <random>

#include <gmock/gmock.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include "tests/adapters/csv_test_util.h"

namespace gallery::csv {
namespace {

using test_util::ReadAll;
using test_util::UpstreamPath;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

CsvTable MustParse(std::string_view text, const CsvOptions& options = {}) {
  auto table = CsvTable::Parse(text, "t.csv", options);
  EXPECT_TRUE(table.ok()) << table.status().ToString();
  return std::move(table).value();
}

std::string ParseError(std::string_view text, const CsvOptions& options = {}) {
  auto table = CsvTable::Parse(text, "t.csv", options);
  EXPECT_FALSE(table.ok());
  if (table.ok()) return "";
  EXPECT_EQ(table.status().code(), Code::kInvalidArgument);
  return table.status().message();
}

// --- csv-spectrum: each file against the JSON its authors expect ---------------------

class CsvSpectrumTest : public ::testing::TestWithParam<std::string> {};

TEST_P(CsvSpectrumTest, EveryCellMatchesTheExpectedJson) {
  const std::string base = UpstreamPath("csvspectrum__" + GetParam());
  auto table = CsvTable::Load(base + ".csv");
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  google::protobuf::ListValue expected;
  const auto parsed =
      google::protobuf::util::JsonStringToMessage(ReadAll(base + ".expected.json"), &expected);
  ASSERT_TRUE(parsed.ok()) << parsed.ToString();

  ASSERT_EQ(table->rows().size(), static_cast<size_t>(expected.values_size()));
  for (int i = 0; i < expected.values_size(); ++i) {
    const CsvRow& row = table->rows()[static_cast<size_t>(i)];
    EXPECT_TRUE(table->CheckWidth(row, ShortRows::kError).ok());
    const auto& object = expected.values(i).struct_value();
    ASSERT_EQ(static_cast<size_t>(object.fields_size()), table->header().size());
    for (const auto& [key, value] : object.fields()) {
      const auto column = table->ColumnIndex(key);
      ASSERT_TRUE(column.has_value()) << "no column " << key;
      EXPECT_EQ(CsvTable::Cell(row, *column), value.string_value())
          << GetParam() << " row " << i << " column " << key;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, CsvSpectrumTest,
                         ::testing::Values("comma_in_quotes", "escaped_quotes", "newlines_crlf",
                                           "quotes_and_newlines", "utf8"));

// --- every upstream file is well formed and rectangular --------------------------------

class UpstreamFixtureTest : public ::testing::TestWithParam<std::string> {};

TEST_P(UpstreamFixtureTest, ParsesWithEveryRowAsWideAsItsHeader) {
  CsvOptions options;
  if (GetParam().ends_with(".tsv")) options.delimiter = '\t';
  auto table = CsvTable::Load(UpstreamPath(GetParam()), options);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_FALSE(table->rows().empty());
  for (const CsvRow& row : table->rows()) {
    EXPECT_TRUE(table->CheckWidth(row, ShortRows::kError).ok()) << "line " << row.line;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, UpstreamFixtureTest,
    ::testing::Values("ssda903__DoLo_noeol.csv", "ssda903__episodes_first30.csv",
                      "ssda903__header_first30.csv", "ssda903__missing.csv",
                      "ssda903__sw_episodes_bom_crlf.csv", "ssda903__uasc.csv",
                      "synthea__careplans.csv", "synthea__conditions_first40.csv",
                      "synthea__encounters_first40.csv", "synthea__patients.csv",
                      "cdciis__cvrs_testgood.tsv", "cdciis__cvrs_testMissingHeaders.tsv"));

TEST(CsvReaderTest, BomAndCrlfAreDroppedFromTheSsda903Extract) {
  auto table = CsvTable::Load(UpstreamPath("ssda903__sw_episodes_bom_crlf.csv"));
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_THAT(table->header(),
              ElementsAre("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"));
  ASSERT_EQ(table->rows().size(), 1u);
  EXPECT_THAT(table->rows()[0].fields,
              ElementsAre("CHILD10", "05/12/1993", "SW999", "01/01/2020", "03/01/2020", "SWLAZY"));
}

TEST(CsvReaderTest, LastRowWithoutLineEndingIsKept) {
  auto table = CsvTable::Load(UpstreamPath("ssda903__DoLo_noeol.csv"));
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  ASSERT_EQ(table->rows().size(), 1u);
  EXPECT_EQ(table->rows()[0].line, 2);
  EXPECT_THAT(table->rows()[0].fields,
              ElementsAre("CHILD10", "05/12/1993", "01/01/2025", "02/01/2025"));
}

TEST(CsvReaderTest, MissingValuesStayEmptyCells) {
  auto table = CsvTable::Load(UpstreamPath("ssda903__header_first30.csv"));
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  const auto mother = table->ColumnIndex("MOTHER");
  ASSERT_TRUE(mother.has_value());
  EXPECT_EQ(CsvTable::Cell(table->rows()[0], *mother), "");
  EXPECT_EQ(table->rows().size(), 30u);
}

TEST(CsvReaderTest, SyntheaPatientsHave27RowsOf25Columns) {
  auto table = CsvTable::Load(UpstreamPath("synthea__patients.csv"));
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ(table->rows().size(), 27u);
  EXPECT_EQ(table->header().size(), 25u);
  EXPECT_EQ(table->ColumnIndex("Id"), 0u);
  EXPECT_EQ(table->ColumnIndex("HEALTHCARE_COVERAGE"), 24u);
  EXPECT_EQ(table->rows().back().line, 28);
}

TEST(CsvReaderTest, TabSeparatedCdcExtractReadsAllColumns) {
  CsvOptions tsv;
  tsv.delimiter = '\t';
  auto table = CsvTable::Load(UpstreamPath("cdciis__cvrs_testgood.tsv"), tsv);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ(table->header().size(), 45u);
  EXPECT_EQ(table->rows().size(), 33u);
  EXPECT_EQ(table->header().front(), "vax_event_id");
  EXPECT_EQ(table->header().back(), "serology");  // CR of CRLF is not part of the name
}

// The CDC suite's negative case: its header lacks columns the format requires. To the
// reader it is a well-formed table; a mapping that names those columns refuses it at Bind
// (see csv_mapping_test.cc).
TEST(CsvReaderTest, CdcExtractWithMissingHeadersIsAWellFormedNarrowerTable) {
  CsvOptions tsv;
  tsv.delimiter = '\t';
  auto table = CsvTable::Load(UpstreamPath("cdciis__cvrs_testMissingHeaders.tsv"), tsv);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ(table->header().size(), 40u);
  EXPECT_EQ(table->rows().size(), 1u);
  EXPECT_FALSE(table->ColumnIndex("recip_race_2").has_value());
  EXPECT_EQ(table->SimilarColumn("recip_id"), "RECIP_ID");
}

TEST(CsvReaderTest, HeaderlessFileTakesColumnNamesFromOptions) {
  CsvOptions options;
  options.column_names = {"NHS number"};
  auto table =
      CsvTable::Load(UpstreamPath("ukfci__testdata-9-valid-nhs-numbers_bom_crlf.csv"), options);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ(table->header_line(), 0);
  ASSERT_EQ(table->rows().size(), 9u);
  EXPECT_EQ(table->rows()[0].fields[0], "9990000018");  // BOM gone, CRLF gone
  EXPECT_EQ(table->rows()[0].line, 1);
  EXPECT_EQ(table->rows()[8].fields[0], "9990000093");
  EXPECT_EQ(table->rows()[8].line, 9);
}

// --- line endings, quoting and positions ----------------------------------------------

TEST(CsvReaderTest, LfCrlfAndCrLineEndingsMayBeMixed) {
  const CsvTable t = MustParse("a,b\n1,2\r\n3,4\r5,6");
  ASSERT_EQ(t.rows().size(), 3u);
  EXPECT_THAT(t.rows()[0].fields, ElementsAre("1", "2"));
  EXPECT_THAT(t.rows()[1].fields, ElementsAre("3", "4"));
  EXPECT_THAT(t.rows()[2].fields, ElementsAre("5", "6"));
  EXPECT_EQ(t.rows()[2].line, 4);
}

TEST(CsvReaderTest, BlankLinesAreSkippedButStillCounted) {
  const CsvTable t = MustParse("\r\na,b\n\n1,2\r\n\r\n3,4\n\n");
  ASSERT_EQ(t.rows().size(), 2u);
  EXPECT_EQ(t.header_line(), 2);
  EXPECT_EQ(t.rows()[0].line, 4);
  EXPECT_EQ(t.rows()[1].line, 6);
}

TEST(CsvReaderTest, QuotedFieldKeepsDelimitersQuotesAndLineEndings) {
  const CsvTable t = MustParse("a,b,c\n\"x,y\",\"say \"\"hi\"\"\",\"1\r\n2\"\n\"\",,\"\"\"\"\n");
  ASSERT_EQ(t.rows().size(), 2u);
  EXPECT_THAT(t.rows()[0].fields, ElementsAre("x,y", "say \"hi\"", "1\r\n2"));
  EXPECT_THAT(t.rows()[1].fields, ElementsAre("", "", "\""));
  EXPECT_EQ(t.rows()[1].line, 4);  // the quoted line ending moved it down one line
}

TEST(CsvReaderTest, RowRemembersWhereItAndEachFieldStart) {
  const CsvTable t = MustParse("a,b\n\"one\ntwo\",x\n");
  const CsvRow& row = t.rows()[0];
  EXPECT_EQ(row.line, 2);
  EXPECT_EQ(row.starts[0].line, 2);
  EXPECT_EQ(row.starts[0].column, 1);
  EXPECT_EQ(row.starts[1].line, 3);
  EXPECT_EQ(row.starts[1].column, 6);
}

TEST(CsvReaderTest, TrailingDelimiterMakesAnEmptyLastField) {
  const CsvTable t = MustParse("a,b\n1,\n");
  EXPECT_THAT(t.rows()[0].fields, ElementsAre("1", ""));
}

TEST(CsvReaderTest, TabDelimiterLeavesCommasAlone) {
  CsvOptions tsv;
  tsv.delimiter = '\t';
  const CsvTable t = MustParse("a\tb\n1,5\t\"x\ty\"\n", tsv);
  EXPECT_THAT(t.rows()[0].fields, ElementsAre("1,5", "x\ty"));
}

TEST(CsvReaderTest, HeaderNamesAreTrimmedAndFoundExactly) {
  const CsvTable t = MustParse(" Name \t, DOB\nx,y\n");
  EXPECT_EQ(t.ColumnIndex("Name"), 0u);
  EXPECT_EQ(t.ColumnIndex("DOB"), 1u);
  EXPECT_FALSE(t.ColumnIndex("name").has_value());
  EXPECT_EQ(t.SimilarColumn("name"), "Name");
  EXPECT_EQ(t.rows()[0].fields[0], "x");
}

TEST(CsvReaderTest, BomIsDroppedOnlyAtTheStart) {
  const CsvTable t = MustParse(
      "\xEF\xBB\xBF"
      "a\n\xEF\xBB\xBFx\n");
  EXPECT_EQ(t.ColumnIndex("a"), 0u);
  EXPECT_EQ(t.rows()[0].fields[0], "\xEF\xBB\xBFx");
}

TEST(CsvReaderTest, UnterminatedQuoteNamesWhereTheQuoteOpened) {
  EXPECT_EQ(ParseError("a,b\n1,\"abc\n2,3\n"), "t.csv:2:3: unterminated quoted field");
}

TEST(CsvReaderTest, StrayQuoteInUnquotedFieldNamesItsPositionNotTheValue) {
  const std::string error = ParseError("a,b\n1,SECRET\"x\n");
  EXPECT_EQ(error, "t.csv:2:9: stray quote in unquoted field");
  EXPECT_THAT(error, Not(HasSubstr("SECRET")));
}

TEST(CsvReaderTest, TextAfterClosingQuoteIsRefused) {
  EXPECT_EQ(ParseError("a,b\n1,\"ab\"c\n"), "t.csv:2:7: text after closing quote");
}

TEST(CsvReaderTest, PositionsCountCrOnlyLines) {
  EXPECT_EQ(ParseError("a,b\r1,2\r3,\"x"), "t.csv:3:3: unterminated quoted field");
}

TEST(CsvReaderTest, LongRowPointsAtTheFirstExtraField) {
  const CsvTable t = MustParse("a,b\n1,2,3\n");
  const Status s = t.CheckWidth(t.rows()[0], ShortRows::kBlank);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.message(), "t.csv:2:5: row has 3 fields, header has 2");
}

TEST(CsvReaderTest, ShortRowIsAnErrorOrBlankCellsAsThePolicySays) {
  const CsvTable t = MustParse("a,b,c\n1,2\n");
  const CsvRow& row = t.rows()[0];
  EXPECT_EQ(t.CheckWidth(row, ShortRows::kError).message(),
            "t.csv:2:4: row has 2 fields, header has 3");
  EXPECT_TRUE(t.CheckWidth(row, ShortRows::kBlank).ok());
  EXPECT_EQ(CsvTable::Cell(row, 2), "");
}

TEST(CsvReaderTest, DuplicateHeaderNameIsAnError) {
  EXPECT_EQ(ParseError("a, b ,b\n"), "t.csv:1:7: duplicate header name 'b' (also field 2)");
}

TEST(CsvReaderTest, DuplicateGivenColumnNameIsAnError) {
  CsvOptions options;
  options.column_names = {"x", "x"};
  EXPECT_EQ(ParseError("1,2\n", options),
            "t.csv: column_names: duplicate header name 'x' (also field 1)");
}

TEST(CsvReaderTest, FileWithoutAHeaderRowIsAnError) {
  EXPECT_EQ(ParseError(""), "t.csv: empty file, no header row");
  EXPECT_EQ(ParseError("\xEF\xBB\xBF\r\n\n"), "t.csv: empty file, no header row");
}

TEST(CsvReaderTest, HeaderOnlyFileHasNoRows) { EXPECT_TRUE(MustParse("a,b\r\n").rows().empty()); }

TEST(CsvReaderTest, QuoteOrLineEndingCannotBeTheDelimiter) {
  CsvOptions options;
  options.delimiter = '"';
  EXPECT_THAT(ParseError("a\n", options), HasSubstr("delimiter"));
}

TEST(CsvReaderTest, LimitsRefuseOversizedInput) {
  CsvOptions options;
  options.max_bytes = 8;
  EXPECT_EQ(ParseError("a,b\n1,2\n3", options), "t.csv: larger than 8 bytes");

  options = {};
  options.max_fields_per_row = 3;
  EXPECT_EQ(ParseError("a,b,c,d\n", options), "t.csv:1:7: more than 3 fields in a row");

  options = {};
  options.max_cells = 5;
  EXPECT_EQ(ParseError("a,b\n1,2\n3,4\n", options), "t.csv: more than 5 cells");
}

// --- properties over generated input ----------------------------------------------------

// Quotes a field the way RFC 4180 writers do, when it needs it.
std::string Quote(const std::string& field) {
  if (field.find_first_of(",\"\r\n") == std::string::npos && !field.empty()) return field;
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

TEST(CsvReaderTest, WrittenTablesReadBackExactly) {
  std::mt19937 rng(4180);
  const std::string alphabet = "ab ,\"\r\n\t";
  for (int round = 0; round < 500; ++round) {
    const size_t width = 1 + rng() % 4;
    std::vector<std::vector<std::string>> rows(1 + rng() % 5);
    std::string text;
    for (auto& row : rows) {
      for (size_t c = 0; c < width; ++c) {
        std::string field;
        for (size_t n = rng() % 6; n > 0; --n) field += alphabet[rng() % alphabet.size()];
        row.push_back(field);
        text += (c ? "," : "") + Quote(field);
      }
      text += std::vector<std::string>{"\n", "\r\n", "\r"}[rng() % 3];
    }
    auto parsed = ParseCsvRows(text, "t.csv");
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    ASSERT_EQ(parsed->size(), rows.size()) << text;
    for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ((*parsed)[i].fields, rows[i]) << text;
  }
}

TEST(CsvReaderTest, ArbitraryBytesGiveRowsOrAPositionedError) {
  std::mt19937 rng(7);
  const std::string alphabet = "a,\"\r\n \xEF\xBB\xBF";
  for (int round = 0; round < 5000; ++round) {
    std::string text;
    for (size_t n = rng() % 24; n > 0; --n) text += alphabet[rng() % alphabet.size()];
    auto parsed = ParseCsvRows(text, "t.csv");
    if (!parsed.ok()) {
      EXPECT_THAT(parsed.status().message(), ::testing::StartsWith("t.csv:")) << text;
      continue;
    }
    for (const CsvRow& row : *parsed) {
      EXPECT_FALSE(row.fields.empty());
      EXPECT_EQ(row.fields.size(), row.starts.size());
      EXPECT_GE(row.line, 1);
    }
  }
}

TEST(CsvReaderTest, LoadReportsAMissingFile) {
  auto table = CsvTable::Load(UpstreamPath("no-such-file.csv"));
  EXPECT_EQ(table.status().code(), Code::kNotFound);
  EXPECT_THAT(table.status().message(), HasSubstr("no-such-file.csv"));
}

TEST(CsvReaderTest, LoadRefusesAFileOverTheCapBeforeReadingIt) {
  CsvOptions options;
  options.max_bytes = 100;
  auto table = CsvTable::Load(UpstreamPath("synthea__patients.csv"), options);
  EXPECT_EQ(table.status().code(), Code::kInvalidArgument);
  EXPECT_THAT(table.status().message(), HasSubstr("larger than the limit of 100 bytes"));
}

}  // namespace
}  // namespace gallery::csv
