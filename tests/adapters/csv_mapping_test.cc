// CsvMapping over real upstream extracts: whole files convert, and a header that lacks
// mapped columns is refused at Bind.
#include "adapters/csv/csv_mapping.h"

#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include "tests/adapters/csv_test_util.h"
#include "tests/adapters/mapping_test_util.h"

namespace gallery::csv {
namespace {

using test_util::MapAll;
using test_util::ReadAll;
using test_util::TestDataPath;
using test_util::UpstreamPath;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// --- upstream extracts -----------------------------------------------------------------

TEST(CsvMappingTest, SyntheaPatientsConvertRowByRow) {
  auto mapping = CsvMapping::Load(TestDataPath("synthea_patients.yaml"));
  ASSERT_TRUE(mapping.ok()) << mapping.status().ToString();
  auto table = mapping->OpenCsv(UpstreamPath("synthea__patients.csv"));
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  auto mapper = mapping->Bind(*table);
  ASSERT_TRUE(mapper.ok()) << mapper.status().ToString();

  std::vector<v1::Record> records;
  for (const CsvRow& row : table->rows()) {
    auto record = mapper->MapRow(row);
    ASSERT_TRUE(record.ok()) << record.status().ToString();
    records.push_back(std::move(record).value());
  }
  ASSERT_EQ(records.size(), 27u);

  const v1::Record& first = records[0];
  EXPECT_EQ(first.record_id(), "synthea-town:patient:3edac2e3-d223-6fae-d515-daf96ef6bc76");
  EXPECT_EQ(first.source_agency(), "synthea-town");
  EXPECT_EQ(first.record_type(), "relationship.registration");
  EXPECT_THAT(first.sensitivity_labels(), ElementsAre("synthetic"));
  ASSERT_EQ(first.subject().local_ids_size(), 1);
  EXPECT_EQ(first.subject().local_ids(0).agency(), "synthea-town");
  EXPECT_EQ(first.subject().local_ids(0).value(), "3edac2e3-d223-6fae-d515-daf96ef6bc76");
  EXPECT_EQ(first.subject().nhs_number(), "");
  const v1::Demographics& d = first.subject().demographics();
  EXPECT_EQ(d.given_name(), "Maynard46");
  EXPECT_EQ(d.family_name(), "Mosciski958");
  EXPECT_EQ(d.birth_date(), "2014-10-06");
  EXPECT_EQ(d.gender(), "male");
  EXPECT_THAT(d.address_lines(),
              ElementsAre("784 Stamm Lock Unit 46", "Somerville", "Middlesex County"));
  EXPECT_EQ(d.postcode(), "02155");  // a leading zero survives: cells are text
  EXPECT_FALSE(first.has_occurred_at());
  EXPECT_FALSE(first.has_recorded_at());  // unmapped, so re-imports are identical

  // Empty MARITAL and DEATHDATE cells are omitted, not sent as empty fields.
  ASSERT_EQ(first.sections_size(), 2);
  EXPECT_EQ(first.sections(0).heading(), "Personal details");
  ASSERT_EQ(first.sections(0).fields_size(), 1);
  EXPECT_EQ(first.sections(0).fields(0).name(), "Birthplace");
  EXPECT_EQ(first.sections(0).fields(0).text(), "Boston  Massachusetts  US");
  const v1::Section& money = first.sections(1);
  EXPECT_THAT(money.sensitivity_labels(), ElementsAre("financial"));
  ASSERT_EQ(money.fields_size(), 2);
  EXPECT_DOUBLE_EQ(money.fields(0).decimal(), 227761.06);
  EXPECT_DOUBLE_EQ(money.fields(1).decimal(), 2546.04);

  EXPECT_EQ(records[1].subject().demographics().postcode(), "");  // empty ZIP
  const v1::Section& deceased = records[3].sections(0);
  ASSERT_EQ(deceased.fields_size(), 2);
  EXPECT_EQ(deceased.fields(0).name(), "Date of death");
  EXPECT_EQ(deceased.fields(0).date(), "1976-07-25");

  int male = 0, female = 0, died = 0;
  for (const auto& r : records) {
    male += r.subject().demographics().gender() == "male";
    female += r.subject().demographics().gender() == "female";
    for (const auto& f : r.sections(0).fields()) died += f.name() == "Date of death";
  }
  EXPECT_EQ(male, 14);
  EXPECT_EQ(female, 13);
  EXPECT_EQ(died, 2);
}

TEST(CsvMappingTest, MappingTheSameRowTwiceGivesTheSameRecord) {
  auto mapping = CsvMapping::Load(TestDataPath("synthea_patients.yaml"));
  ASSERT_TRUE(mapping.ok());
  auto table = mapping->OpenCsv(UpstreamPath("synthea__patients.csv"));
  ASSERT_TRUE(table.ok());
  auto mapper = mapping->Bind(*table);
  ASSERT_TRUE(mapper.ok());
  for (const CsvRow& row : table->rows()) {
    auto a = mapper->MapRow(row);
    auto b = mapper->MapRow(row);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(*a, *b));
  }
}

TEST(CsvMappingTest, HeaderlessUkfciFileMapsEveryValidNhsNumber) {
  auto mapping = CsvMapping::Load(TestDataPath("ukfci_nhs_numbers.yaml"));
  ASSERT_TRUE(mapping.ok()) << mapping.status().ToString();
  auto table = mapping->OpenCsv(UpstreamPath("ukfci__testdata-9-valid-nhs-numbers_bom_crlf.csv"));
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  auto mapper = mapping->Bind(*table);
  ASSERT_TRUE(mapper.ok()) << mapper.status().ToString();
  const std::vector<std::string> expected = {"9990000018", "9990000026", "9990000034",
                                             "9990000042", "9990000050", "9990000069",
                                             "9990000077", "9990000085", "9990000093"};
  ASSERT_EQ(table->rows().size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    auto record = mapper->MapRow(table->rows()[i]);
    ASSERT_TRUE(record.ok()) << record.status().ToString();
    EXPECT_EQ(record->subject().nhs_number(), expected[i]);
    EXPECT_EQ(record->record_id(), "nhs-test:subject:" + expected[i]);
    EXPECT_FALSE(record->subject().has_demographics());
  }
}

TEST(CsvMappingTest, NhsNumbersAreNormalisedAndCheckedNamingRowAndColumnOnly) {
  const std::string yaml = R"(agency: asc-county
record_type: assessment.single
record_id: Ref
subject: {nhs_number: NHS No, family_name: Surname}
)";
  auto records = MapAll(yaml, ReadAll(TestDataPath("nhs_numbers_mixed.csv")));
  ASSERT_EQ(records.size(), 5u);
  ASSERT_TRUE(records[0].ok()) << records[0].status().ToString();
  EXPECT_EQ(records[0]->subject().nhs_number(), "9990000018");  // from "999 000 0018"
  EXPECT_EQ(records[0]->record_id(), "asc-county:r1");          // default prefix
  ASSERT_TRUE(records[1].ok());
  EXPECT_EQ(records[1]->subject().nhs_number(), "9990000026");  // from "999-000-0026"

  ASSERT_FALSE(records[2].ok());
  const std::string bad = records[2].status().message();
  EXPECT_EQ(bad, "t.csv:4: column 'NHS No' (subject.nhs_number): check digit does not match");
  EXPECT_THAT(bad, Not(HasSubstr("999000001")));
  EXPECT_THAT(bad, Not(HasSubstr("Carter")));

  ASSERT_TRUE(records[3].ok());  // empty and not required: omitted
  EXPECT_EQ(records[3]->subject().nhs_number(), "");

  ASSERT_FALSE(records[4].ok());
  EXPECT_EQ(records[4].status().message(),
            "t.csv:6: column 'NHS No' (subject.nhs_number): must be exactly 10 digits (has 8 "
            "characters)");
}

TEST(CsvMappingTest, CdcTabSeparatedExtractMapsEveryRow) {
  auto mapping = CsvMapping::Load(TestDataPath("cvrs_vaccinations.yaml"));
  ASSERT_TRUE(mapping.ok()) << mapping.status().ToString();
  auto table = mapping->OpenCsv(UpstreamPath("cdciis__cvrs_testgood.tsv"));
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  auto mapper = mapping->Bind(*table);
  ASSERT_TRUE(mapper.ok()) << mapper.status().ToString();
  ASSERT_EQ(table->rows().size(), 33u);
  int with_dose = 0;
  for (const CsvRow& row : table->rows()) {
    auto record = mapper->MapRow(row);
    ASSERT_TRUE(record.ok()) << record.status().ToString();
    for (const auto& f : record->sections(0).fields()) with_dose += f.name() == "Dose number";
  }
  EXPECT_EQ(with_dose, 25);  // 8 rows leave dose_num empty
  auto first = mapper->MapRow(table->rows()[0]);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->record_id(), "cdc-iis:vax:good1_sample1");
  EXPECT_EQ(first->occurred_at().seconds(), 1601769600);  // 2020-10-04T00:00:00Z
  EXPECT_EQ(first->subject().demographics().gender(), "female");
  const auto& fields = first->sections(0).fields();
  ASSERT_EQ(fields.size(), 2);  // dose_num, series_complete and recip_race_2 are empty
  EXPECT_EQ(fields[0].name(), "CVX code");
  EXPECT_EQ(fields[0].text(), "902");
  EXPECT_EQ(fields[1].name(), "Refused");
  EXPECT_TRUE(fields[1].boolean());
}

// The CDC suite's testMissingHeaders: upper-case names and no recip_race_2..6 columns.
TEST(CsvMappingTest, ExtractMissingMappedColumnsIsRefusedAtTheMappingLines) {
  auto mapping = CsvMapping::Load(TestDataPath("cvrs_vaccinations.yaml"));
  ASSERT_TRUE(mapping.ok()) << mapping.status().ToString();
  const std::string path = UpstreamPath("cdciis__cvrs_testMissingHeaders.tsv");
  auto table = mapping->OpenCsv(path);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  auto mapper = mapping->Bind(*table);
  ASSERT_FALSE(mapper.ok());
  EXPECT_EQ(mapper.status().code(), Code::kInvalidArgument);
  const std::string message = mapper.status().message();
  const std::string yaml = TestDataPath("cvrs_vaccinations.yaml");
  EXPECT_THAT(message, HasSubstr(yaml +
                                 ":6:23: column 'vax_event_id' (record_id) is not in the "
                                 "header of " +
                                 path + " (it has 'VAX_EVENT_ID'; names are case-sensitive)"));
  EXPECT_THAT(message, HasSubstr(yaml +
                                 ":23:37: column 'recip_race_2' (section 'Vaccination' "
                                 "field 'Second race') is not in the header of " +
                                 path));
  EXPECT_EQ(std::count(message.begin(), message.end(), '\n') + 1, 16);  // one per column
}

}  // namespace
}  // namespace gallery::csv
