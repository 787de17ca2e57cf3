// adapter-csv-out's pieces: the outbound mapping, RFC 4180 writing, and the file that is
// synced before acks and rolled by hour or size, recovered after a crash.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/csv/csv_reader.h"
#include "adapters/csv/csv_writer.h"
#include "adapters/csv/out_file.h"
#include "adapters/csv/out_mapping.h"
#include "tests/adapters/csv_test_util.h"

namespace gallery::csv {
namespace {

namespace fs = std::filesystem;
using test_util::ReadAll;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr int64_t kHour = 3600;
constexpr int64_t k2024_10_01T09 = 1727773200;  // 2024-10-01 09:00:00 UTC

constexpr const char* kMapping = R"(file_prefix: dn
rows_per_file: 3
columns:
  - {column: NHS number, path: "@subject/nhs_number"}
  - {column: Surname, path: "@subject/family_name"}
  - {column: Washing, path: "Personal care/Washing and dressing"}
  - {column: Score, path: "Personal care/Score"}
)";

v1::Record Assessment(const std::string& id, const std::string& washing) {
  v1::Record r;
  r.set_record_id(id);
  r.mutable_subject()->set_nhs_number("9990000018");
  r.mutable_subject()->mutable_demographics()->set_family_name("O'Brien, Jr");
  auto* section = r.add_sections();
  section->set_heading("Personal care");
  auto* f = section->add_fields();
  f->set_name("Washing and dressing");
  f->set_text(washing);
  auto* score = section->add_fields();
  score->set_name("Score");
  score->set_integer(7);
  return r;
}

TEST(CsvWriterTest, QuotesOnlyWhatNeedsItAndRoundTrips) {
  std::string out;
  AppendCsvRow(out, {"plain", "a,b", "say \"hi\"", "two\nlines", " pad", ""});
  EXPECT_EQ(out, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\" pad\",\r\n");
  auto rows = ParseCsvRows(out, "t.csv");
  ASSERT_TRUE(rows.ok());
  EXPECT_THAT((*rows)[0].fields,
              ElementsAre("plain", "a,b", "say \"hi\"", "two\nlines", " pad", ""));
}

TEST(OutMappingTest, RowsCarryTheFixedColumnsThenTheMappedOnes) {
  auto mapping = OutMapping::Parse(kMapping, "out.yaml");
  ASSERT_TRUE(mapping.ok()) << mapping.status().ToString();
  EXPECT_THAT(mapping->Header(), ElementsAre("record_id", "action", "refers_to", "NHS number",
                                             "Surname", "Washing", "Score"));
  EXPECT_THAT(mapping->Row(Assessment("asc:1", "Needs help")),
              ElementsAre("asc:1", "new", "", "9990000018", "O'Brien, Jr", "Needs help", "7"));
  v1::Record amend = Assessment("asc:1:v2", "Independent");
  amend.set_amends("asc:1");
  EXPECT_THAT(mapping->Row(amend), ElementsAre("asc:1:v2", "amend", "asc:1", "9990000018",
                                               "O'Brien, Jr", "Independent", "7"));
  v1::Record retract;
  retract.set_record_id("asc:1:v3");
  retract.set_retracts("asc:1");
  EXPECT_THAT(mapping->Row(retract), ElementsAre("asc:1:v3", "retract", "asc:1", "", "", "", ""));
  EXPECT_EQ(mapping->rows_per_file(), 3u);
  EXPECT_EQ(mapping->file_prefix(), "dn");
}

TEST(OutMappingTest, MistakesAreAllReportedWithTheirPositions) {
  auto mapping = OutMapping::Parse(
      "columns:\n"
      "  - {column: A, path: \"@subject/nhs\"}\n"
      "  - {column: A, path: NoSlash}\n"
      "  - {colum: B, path: X/Y}\n",
      "out.yaml");
  ASSERT_EQ(mapping.status().code(), Code::kInvalidArgument);
  EXPECT_THAT(mapping.status().message(), HasSubstr("out.yaml:2:23: unknown path '@subject/nhs'"));
  EXPECT_THAT(mapping.status().message(), HasSubstr("out.yaml:3:14: duplicate column name 'A'"));
  EXPECT_THAT(mapping.status().message(),
              HasSubstr("out.yaml:3:23: path 'NoSlash' must be Heading/Field"));
  EXPECT_THAT(mapping.status().message(), HasSubstr("out.yaml:4:6: unknown key 'colum'"));
}

TEST(OutFileTest, WholeRecordsLengthStopsBeforeATornRow) {
  EXPECT_EQ(WholeRecordsLength("a,b\r\nc,d\r\ne,"), 10u);
  EXPECT_EQ(WholeRecordsLength("a,b\r\n\"c\nstill c\r\n"), 5u);
  EXPECT_EQ(WholeRecordsLength("a,\"x\"\"\ny\"\r\n"), 11u);
}

class OutFileFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("out_file_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  OutFileOptions Options(size_t rows_per_file = 0) const {
    return {dir_.string(), "dn", {"record_id", "action", "refers_to", "Washing"}, rows_per_file};
  }
  std::vector<std::string> Files() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_))
      names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

  fs::path dir_;
};

TEST_F(OutFileFixture, WritesAPartThenRollsItWhenTheHourEnds) {
  auto file = OutFile::Open(Options(), k2024_10_01T09);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  ASSERT_TRUE(*(*file)->Append({"asc:1", "new", "", "x"}, k2024_10_01T09 + 10));
  ASSERT_TRUE((*file)->Sync().ok());
  EXPECT_THAT(Files(), ElementsAre(".dn-20241001-09-001.csv.part"));
  EXPECT_FALSE((*file)->RollDue(k2024_10_01T09 + kHour - 1));
  EXPECT_TRUE((*file)->RollDue(k2024_10_01T09 + kHour));
  ASSERT_TRUE((*file)->Roll().ok());
  EXPECT_THAT(Files(), ElementsAre("dn-20241001-09-001.csv"));
  EXPECT_EQ(ReadAll((dir_ / "dn-20241001-09-001.csv").string()),
            "record_id,action,refers_to,Washing\r\nasc:1,new,,x\r\n");
}

TEST_F(OutFileFixture, RollsWhenFullAndSkipsARecordIdAlreadyInTheFile) {
  auto file = OutFile::Open(Options(2), k2024_10_01T09);
  ASSERT_TRUE(file.ok());
  EXPECT_TRUE(*(*file)->Append({"a", "new", "", ""}, k2024_10_01T09));
  EXPECT_FALSE(*(*file)->Append({"a", "new", "", ""}, k2024_10_01T09));
  EXPECT_TRUE(*(*file)->Append({"b", "new", "", ""}, k2024_10_01T09));
  EXPECT_TRUE((*file)->RollDue(k2024_10_01T09));
  ASSERT_TRUE((*file)->Roll().ok());
  EXPECT_TRUE(*(*file)->Append({"c", "new", "", ""}, k2024_10_01T09));
  ASSERT_TRUE((*file)->Roll().ok());
  EXPECT_THAT(Files(), ElementsAre("dn-20241001-09-001.csv", "dn-20241001-09-002.csv"));
}

TEST_F(OutFileFixture, ReopeningCutsATornRowAndRemembersTheIdsWritten) {
  {
    auto file = OutFile::Open(Options(), k2024_10_01T09);
    ASSERT_TRUE(file.ok());
    ASSERT_TRUE(*(*file)->Append({"a", "new", "", "multi\nline"}, k2024_10_01T09));
    ASSERT_TRUE((*file)->Sync().ok());
  }
  const fs::path part = dir_ / ".dn-20241001-09-001.csv.part";
  std::ofstream(part, std::ios::app) << "b,new,,\"torn";  // a crash mid-row
  auto file = OutFile::Open(Options(), k2024_10_01T09 + 60);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_FALSE(*(*file)->Append({"a", "new", "", "again"}, k2024_10_01T09 + 60));
  EXPECT_TRUE(*(*file)->Append({"b", "new", "", "whole"}, k2024_10_01T09 + 60));
  ASSERT_TRUE((*file)->Roll().ok());
  EXPECT_EQ(ReadAll((dir_ / "dn-20241001-09-001.csv").string()),
            "record_id,action,refers_to,Washing\r\na,new,,\"multi\nline\"\r\nb,new,,whole\r\n");
}

TEST_F(OutFileFixture, APartOfAnEarlierHourIsRolledOnOpen) {
  {
    auto file = OutFile::Open(Options(), k2024_10_01T09);
    ASSERT_TRUE(file.ok());
    ASSERT_TRUE(*(*file)->Append({"a", "new", "", ""}, k2024_10_01T09));
    ASSERT_TRUE((*file)->Sync().ok());
  }
  auto file = OutFile::Open(Options(), k2024_10_01T09 + 3 * kHour);
  ASSERT_TRUE(file.ok());
  EXPECT_THAT(Files(), ElementsAre("dn-20241001-09-001.csv"));
  EXPECT_EQ((*file)->part_path(), "");
}

}  // namespace
}  // namespace gallery::csv
