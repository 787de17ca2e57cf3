// The upstream Children in Need census returns (tests/testdata/xml/upstream): no adapter
// reads CIN census XML, so each adapter a children's services department might point at
// such a file must refuse it, saying why. adapters/README.md lists the same outcomes.
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/csv/csv_mapping.h"
#include "adapters/fhir/check_files.h"
#include "adapters/fhir/fhir_mapping.h"
#include "adapters/hl7v2/parser.h"
#include "tests/adapters/csv_test_util.h"

namespace gallery {
namespace {

using csv::test_util::ReadAll;
using csv::test_util::SourcePath;
using ::testing::HasSubstr;

std::vector<std::string> CinFiles() {
  std::vector<std::string> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(SourcePath("tests/testdata/xml/upstream"))) {
    if (entry.path().extension() == ".xml") files.push_back(entry.path().string());
  }
  return files;
}

TEST(XmlFixturesTest, BothCensusFilesAreHere) { EXPECT_EQ(CinFiles().size(), 2u); }

TEST(XmlFixturesTest, FhirAdapterRefusesCensusXmlAsUnsupportedMediaType) {
  auto mapping = fhir::FhirMapping::Load(SourcePath("tests/testdata/fhir/fixtures.yaml"));
  ASSERT_TRUE(mapping.ok()) << mapping.status().ToString();
  for (const std::string& file : CinFiles()) {
    const fhir::Plan plan = fhir::PlanDocument(mapping->spec(), ReadAll(file));
    EXPECT_EQ(plan.refusal.http_status, 415) << file;
    ASSERT_FALSE(plan.refusal.issues.empty()) << file;
    EXPECT_THAT(plan.refusal.issues.at(0).diagnostics,
                HasSubstr("only FHIR JSON is accepted; XML is not"))
        << file;
    EXPECT_TRUE(plan.entries.empty()) << file;
  }
}

TEST(XmlFixturesTest, Hl7AdapterRefusesCensusXmlBeforeAnyMsh) {
  for (const std::string& file : CinFiles()) {
    auto messages = hl7v2::ParseAll(ReadAll(file));
    ASSERT_FALSE(messages.ok()) << file;
    EXPECT_EQ(messages.status().code(), Code::kInvalidArgument) << file;
    EXPECT_THAT(std::string(messages.status().message()), HasSubstr("segment before the first MSH")) << file;
  }
}

// A department's SSDA903 mapping pointed at its CIN census: the header has none of the
// mapped columns, so the file is refused before any row is mapped.
TEST(XmlFixturesTest, CsvAdapterRefusesCensusXmlAtTheHeader) {
  auto mapping = csv::CsvMapping::Load(SourcePath("tests/testdata/csv/ssda903_header.yaml"));
  ASSERT_TRUE(mapping.ok()) << mapping.status().ToString();
  for (const std::string& file : CinFiles()) {
    auto table = mapping->OpenCsv(file);
    ASSERT_TRUE(table.ok()) << table.status().ToString();
    auto mapper = mapping->Bind(*table);
    ASSERT_FALSE(mapper.ok()) << file;
    EXPECT_THAT(std::string(mapper.status().message()),
                HasSubstr("column 'CHILD' (record_id) is not in the header of " + file));
  }
}

}  // namespace
}  // namespace gallery
