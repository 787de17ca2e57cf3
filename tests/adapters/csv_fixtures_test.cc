// Every upstream CSV and TSV extract (tests/testdata/csv/upstream) through the mapping an
// agency exporting it would write (tests/testdata/csv/*.yaml), as adapter-csv runs it:
// the header is bound to the mapping, then each row is mapped and must pass the hub's
// record checks. Each file either converts, with its key fields checked, or is refused
// with the error it deserves. adapters/README.md lists the same outcomes.
#include <filesystem>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/csv/csv_mapping.h"
#include "hub/ingest/record_validator.h"
#include "tests/adapters/csv_test_util.h"

namespace gallery::csv {
namespace {

using test_util::TestDataPath;
using test_util::UpstreamPath;
using ::testing::HasSubstr;

struct Fixture {
  const char* file;
  const char* mapping;
  const char* bind_error = "";  // the whole file is refused with this; nothing else applies
  size_t rows = 0;
  size_t mapped = 0;             // rows that become records the hub accepts
  const char* record_id = "";    // of the first record
  const char* local_id = "";     // of the first record
  const char* refusal = "";      // part of the first refused row's error
};

const Fixture kFixtures[] = {
    {"cdciis__cvrs_testMissingHeaders.tsv", "cvrs_vaccinations.yaml",
     "column 'vax_event_id' (record_id) is not in the header"},
    {"cdciis__cvrs_testgood.tsv", "cvrs_vaccinations.yaml", "", 33, 33,
     "cdc-iis:vax:good1_sample1", "1"},
    {"csvspectrum__comma_in_quotes.csv", "csvspectrum.yaml",
     "column 'a' (record_id) is not in the header"},
    {"csvspectrum__escaped_quotes.csv", "csvspectrum.yaml", "", 2, 2, "csv-spectrum:row:1", "1"},
    // The second row's id is "Once upon \r\na time": the hub takes no spaces in a record id.
    {"csvspectrum__newlines_crlf.csv", "csvspectrum.yaml", "", 3, 2, "csv-spectrum:row:1", "1",
     "record_id: must be printable ASCII without spaces"},
    {"csvspectrum__quotes_and_newlines.csv", "csvspectrum.yaml", "", 2, 2, "csv-spectrum:row:1",
     "1"},
    {"csvspectrum__utf8.csv", "csvspectrum.yaml", "", 2, 2, "csv-spectrum:row:1", "1"},
    {"ssda903__DoLo_noeol.csv", "ssda903_dolo.yaml", "", 1, 1,
     "la-children:dolo:CHILD10:01/01/2025", "CHILD10"},
    {"ssda903__episodes_first30.csv", "ssda903_episodes.yaml", "", 30, 30,
     "la-children:episode:566910:15/02/2016", "566910"},
    {"ssda903__header_first30.csv", "ssda903_header.yaml", "", 30, 30, "la-children:child:566910",
     "566910"},
    {"ssda903__missing.csv", "ssda903_missing.yaml", "", 43, 43,
     "la-children:missing:510000:13/11/2017", "510000"},
    {"ssda903__sw_episodes_bom_crlf.csv", "ssda903_sw_episodes.yaml", "", 1, 1,
     "la-children:social-worker:CHILD10:01/01/2020", "CHILD10"},
    {"ssda903__uasc.csv", "ssda903_uasc.yaml", "", 132, 132, "la-children:uasc:102639", "102639"},
    {"synthea__careplans.csv", "synthea_careplans.yaml", "", 49, 49,
     "synthea-town:careplan:ef0dd717-46eb-4473-5499-3fd3d291e9a6",
     "9d188916-8390-282b-3ec2-73fce6e08649"},
    {"synthea__conditions_first40.csv", "synthea_conditions.yaml", "", 40, 40,
     "synthea-town:condition:3edac2e3-d223-6fae-d515-daf96ef6bc76:57f2562b-445c-f11c-ba40-"
     "edc55af3c84f:195662009",
     "3edac2e3-d223-6fae-d515-daf96ef6bc76"},
    {"synthea__encounters_first40.csv", "synthea_encounters.yaml", "", 40, 40,
     "synthea-town:encounter:57f2562b-445c-f11c-ba40-edc55af3c84f",
     "3edac2e3-d223-6fae-d515-daf96ef6bc76"},
    {"synthea__patients.csv", "synthea_patients.yaml", "", 27, 27,
     "synthea-town:patient:3edac2e3-d223-6fae-d515-daf96ef6bc76",
     "3edac2e3-d223-6fae-d515-daf96ef6bc76"},
    {"ukfci__testdata-9-valid-nhs-numbers_bom_crlf.csv", "ukfci_nhs_numbers.yaml", "", 9, 9,
     "nhs-test:subject:9990000018", ""},
};

class CsvFixturesTest : public ::testing::TestWithParam<Fixture> {};

TEST_P(CsvFixturesTest, ConvertsOrIsRefusedAsExpected) {
  const Fixture& f = GetParam();
  auto mapping = CsvMapping::Load(TestDataPath(f.mapping));
  ASSERT_TRUE(mapping.ok()) << mapping.status().ToString();
  auto table = mapping->OpenCsv(UpstreamPath(f.file));
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  auto mapper = mapping->Bind(*table);
  if (*f.bind_error != '\0') {
    ASSERT_FALSE(mapper.ok());
    EXPECT_EQ(mapper.status().code(), Code::kInvalidArgument);
    EXPECT_THAT(std::string(mapper.status().message()), HasSubstr(f.bind_error));
    return;
  }
  ASSERT_TRUE(mapper.ok()) << mapper.status().ToString();
  EXPECT_EQ(table->rows().size(), f.rows);
  size_t mapped = 0;
  std::string first_refusal;
  std::set<std::string> ids;
  const v1::Record* first = nullptr;
  std::vector<v1::Record> records;
  records.reserve(table->rows().size());
  for (const CsvRow& row : table->rows()) {
    auto record = mapper->MapRow(row);
    Status status = record.ok() ? ingest::ValidateRecord(*record) : record.status();
    if (status.ok() && !ids.insert(record->record_id()).second) {
      status = InvalidArgument("record id " + record->record_id() + " twice in the file");
    }
    if (!status.ok()) {
      if (first_refusal.empty()) first_refusal = std::string(status.message());
      continue;
    }
    ++mapped;
    records.push_back(std::move(record).value());
    if (first == nullptr) first = &records.back();
  }
  EXPECT_EQ(mapped, f.mapped);
  if (first != nullptr) {
    EXPECT_EQ(first->record_id(), f.record_id);
    EXPECT_EQ(first->source_agency(), mapping->agency());
    if (*f.local_id != '\0') {
      ASSERT_EQ(first->subject().local_ids_size(), 1);
      EXPECT_EQ(first->subject().local_ids(0).value(), f.local_id);
    }
  }
  if (*f.refusal != '\0') {
    EXPECT_THAT(first_refusal, HasSubstr(f.refusal));
  } else {
    EXPECT_EQ(first_refusal, "");
  }
}

INSTANTIATE_TEST_SUITE_P(Upstream, CsvFixturesTest, ::testing::ValuesIn(kFixtures),
                         [](const ::testing::TestParamInfo<Fixture>& param) {
                           std::string name = param.param.file;
                           name = name.substr(0, name.rfind('.'));
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

TEST(CsvFixturesListTest, EveryUpstreamExtractIsListed) {
  std::set<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(
           test_util::SourcePath("tests/testdata/csv/upstream"))) {
    const auto ext = entry.path().extension();
    if (ext == ".csv" || ext == ".tsv") files.insert(entry.path().filename().string());
  }
  std::set<std::string> listed;
  for (const Fixture& f : kFixtures) listed.insert(f.file);
  EXPECT_EQ(files, listed);
  EXPECT_EQ(files.size(), 18u);
}

// The values each extract was chosen for, read back from the records.
std::vector<v1::Record> MapFile(const std::string& mapping_name, const std::string& file) {
  std::vector<v1::Record> records;
  auto mapping = CsvMapping::Load(TestDataPath(mapping_name));
  EXPECT_TRUE(mapping.ok()) << mapping.status().ToString();
  if (!mapping.ok()) return records;
  auto table = mapping->OpenCsv(UpstreamPath(file));
  EXPECT_TRUE(table.ok()) << table.status().ToString();
  if (!table.ok()) return records;
  auto mapper = mapping->Bind(*table);
  EXPECT_TRUE(mapper.ok()) << mapper.status().ToString();
  if (!mapper.ok()) return records;
  for (const CsvRow& row : table->rows()) {
    auto record = mapper->MapRow(row);
    EXPECT_TRUE(record.ok()) << record.status().ToString();
    if (record.ok()) records.push_back(std::move(record).value());
  }
  return records;
}

const v1::Field* FindField(const v1::Record& record, const std::string& name) {
  for (const auto& section : record.sections()) {
    for (const auto& field : section.fields()) {
      if (field.name() == name) return &field;
    }
  }
  return nullptr;
}

TEST(CsvFixtureValuesTest, QuotedCellsReachTheRecordUnchanged) {
  const auto quotes = MapFile("csvspectrum.yaml", "csvspectrum__escaped_quotes.csv");
  ASSERT_EQ(quotes.size(), 2u);
  EXPECT_EQ(FindField(quotes[0], "b")->text(), "ha \"ha\" ha");
  const auto crlf = MapFile("csvspectrum.yaml", "csvspectrum__newlines_crlf.csv");
  ASSERT_EQ(crlf.size(), 3u);
  EXPECT_EQ(crlf[1].subject().local_ids(0).value(), "Once upon \r\na time");
  EXPECT_EQ(FindField(crlf[1], "b")->text(), "5");
  const auto utf8 = MapFile("csvspectrum.yaml", "csvspectrum__utf8.csv");
  ASSERT_EQ(utf8.size(), 2u);
  EXPECT_EQ(utf8[1].record_id(), "csv-spectrum:row:4");
}

TEST(CsvFixtureValuesTest, Ssda903DatesAndCodesAreRead) {
  const auto children = MapFile("ssda903_header.yaml", "ssda903__header_first30.csv");
  ASSERT_FALSE(children.empty());
  EXPECT_EQ(children[0].subject().demographics().birth_date(), "2008-03-27");
  EXPECT_EQ(children[0].subject().demographics().gender(), "female");
  EXPECT_EQ(FindField(children[0], "Ethnicity")->text(), "WROM");
  const auto episodes = MapFile("ssda903_episodes.yaml", "ssda903__episodes_first30.csv");
  ASSERT_GE(episodes.size(), 2u);
  EXPECT_EQ(episodes[0].occurred_at().seconds(), 1455494400);  // 2016-02-15
  EXPECT_EQ(FindField(episodes[0], "Ceased")->date(), "2017-08-14");
  EXPECT_EQ(FindField(episodes[1], "Home postcode")->text(), "EG19 7TT");
  const auto worker = MapFile("ssda903_sw_episodes.yaml", "ssda903__sw_episodes_bom_crlf.csv");
  ASSERT_EQ(worker.size(), 1u);  // the BOM is not part of the first column's name
  EXPECT_EQ(FindField(worker[0], "Social worker")->text(), "SW999");
}

TEST(CsvFixtureValuesTest, SyntheaEncountersKeepTheirTimeAndCost) {
  const auto encounters = MapFile("synthea_encounters.yaml", "synthea__encounters_first40.csv");
  ASSERT_FALSE(encounters.empty());
  EXPECT_EQ(encounters[0].occurred_at().seconds(), 1674836267);  // 2023-01-27T16:17:47Z
  EXPECT_EQ(FindField(encounters[0], "Class")->text(), "ambulatory");
  EXPECT_THAT(encounters[0].sensitivity_labels(), ::testing::ElementsAre("synthetic"));
}

}  // namespace
}  // namespace gallery::csv
