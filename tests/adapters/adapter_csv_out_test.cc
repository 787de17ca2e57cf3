// adapter-csv-out end to end: records published through a real hubd on loopback
// (tests/integration/test_region.h) arrive as rows of its CSV files, and a writer killed
// mid-stream loses nothing it acked.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/csv/csv_reader.h"
#include "adapters/sdk/publisher.h"
#include "tests/adapters/csv_test_util.h"
#include "tests/integration/child_process.h"
#include "tests/integration/sample_records.h"
#include "tests/integration/test_region.h"

namespace gallery::csv {
namespace {

namespace fs = std::filesystem;
using gallery::testing::ChildProcess;
using gallery::testing::TestRegion;
using gallery::testing::WaitFor;
using test_util::ReadAll;
using ::testing::ElementsAre;

constexpr const char* kAgencies =
    R"(  - {id: asc-county, name: County Adult Social Care, kind: adult-social-care}
  - {id: dn-central, name: Central District Nursing, kind: community-health}
)";

constexpr const char* kRules = R"(protocol: adapter-csv-out-test
version: 1
rules:
  - id: assessments-to-district-nursing
    from: [asc-county]
    types: [assessment.single]
    to: [dn-central]
    include: ["*"]
    exclude: ["Finances"]
)";

constexpr const char* kOutMapping = R"(file_prefix: assessments
rows_per_file: 250
columns:
  - {column: NHS number, path: "@subject/nhs_number"}
  - {column: Washing, path: "Personal care/Washing and dressing"}
  - {column: Income, path: "Finances/Weekly income"}
)";

v1::Record Assessment(const std::string& id) {
  v1::Record r = gallery::testing::SingleAssessment(id, "9990000018", "A81001");
  r.set_source_agency("asc-county");
  return r;
}

// Every row of every CSV file in `dir` (finished and part), keyed by file.
std::map<std::string, std::vector<CsvRow>> ReadOutFiles(const fs::path& dir) {
  std::map<std::string, std::vector<CsvRow>> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string path = e.path().string();
    auto rows = ParseCsvRows(ReadAll(path), path);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    if (rows.ok()) files[e.path().filename().string()] = std::move(rows).value();
  }
  return files;
}

class AdapterCsvOutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    out_ = region_.dir() / "out";
    mapping_ = (region_.dir() / "out.yaml").string();
    std::ofstream(mapping_) << kOutMapping;
    endpoint_ = region_.StartHub();
  }

  void StartWriter() {
    std::vector<std::string> argv = {TestRegion::Binary("adapter-csv-out"), "--hub", endpoint_,
                                     "--agency", "dn-central", "--out", out_.string(), "--mapping",
                                     mapping_, "--log-level", "debug"};
    const std::vector<std::string> keys = region_.KeyFlags("dn-central");
    argv.insert(argv.end(), keys.begin(), keys.end());
    writer_ = std::make_unique<ChildProcess>(argv, (region_.dir() / "writer.log").string());
  }

  void Publish(const std::vector<v1::Record>& records) {
    sdk::Publisher publisher(gallery::testing::TestClient(endpoint_, "asc-county"));
    for (const auto& r : records) ASSERT_TRUE(publisher.Send(r).ok());
    auto outcomes = publisher.Flush(std::chrono::seconds(30));
    ASSERT_TRUE(outcomes.ok()) << outcomes.status().ToString();
    for (const auto& o : *outcomes) ASSERT_TRUE(o.status.ok()) << o.record_id;
  }

  TestRegion region_{"adapter-csv-out", kAgencies, kRules};
  fs::path out_;
  std::string mapping_;
  std::string endpoint_;
  std::unique_ptr<ChildProcess> writer_;
};

TEST_F(AdapterCsvOutTest, DeliveriesBecomeRowsWithTheirActions) {
  StartWriter();
  v1::Record amend = Assessment("asc-county:a:1:v2");
  amend.set_amends("asc-county:a:1");
  amend.mutable_sections(0)->mutable_fields(0)->set_text("Independent, \"mostly\"");
  v1::Record retract = Assessment("asc-county:a:2:v2");
  retract.set_retracts("asc-county:a:2");
  retract.clear_sections();
  Publish({Assessment("asc-county:a:1"), Assessment("asc-county:a:2"), amend, retract});
  ASSERT_TRUE(WaitFor([&] { return region_.PendingDeliveries() == 0; }, std::chrono::seconds(30)));
  EXPECT_EQ(writer_->Stop(SIGTERM), 0);  // rolls the part

  const auto files = ReadOutFiles(out_);
  ASSERT_EQ(files.size(), 1u);
  const std::string name = files.begin()->first;
  EXPECT_TRUE(name.starts_with("assessments-") && name.ends_with("-001.csv")) << name;
  const auto& rows = files.begin()->second;
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_THAT(rows[0].fields,
              ElementsAre("record_id", "action", "refers_to", "NHS number", "Washing", "Income"));
  // Finances is excluded by the rule: the hub redacted it, so the cell is empty.
  EXPECT_THAT(rows[1].fields, ElementsAre("asc-county:a:1", "new", "", "9990000018",
                                          "Needs help with stockings", ""));
  EXPECT_THAT(rows[3].fields, ElementsAre("asc-county:a:1:v2", "amend", "asc-county:a:1",
                                          "9990000018", "Independent, \"mostly\"", ""));
  EXPECT_THAT(rows[4].fields,
              ElementsAre("asc-county:a:2:v2", "retract", "asc-county:a:2", "9990000018", "", ""));
}

TEST_F(AdapterCsvOutTest, KilledMidStreamLosesNothingItAcked) {
  constexpr int kRecords = 2000;
  StartWriter();
  std::vector<v1::Record> records;
  for (int i = 1; i <= kRecords; ++i)
    records.push_back(Assessment("asc-county:a:" + std::to_string(i)));
  Publish(records);
  // Kill the writer once it has rolled a file and is part-way through the stream.
  ASSERT_TRUE(WaitFor(
      [&] {
        for (const auto& e : fs::directory_iterator(out_)) {
          if (e.path().extension() == ".csv") return true;
        }
        return false;
      },
      std::chrono::seconds(30), std::chrono::milliseconds(2)));
  writer_->Stop(SIGKILL);
  const uint64_t pending_at_kill = region_.PendingDeliveries("dn-central");

  StartWriter();
  ASSERT_TRUE(WaitFor([&] { return region_.PendingDeliveries() == 0; }, std::chrono::seconds(60)))
      << "see " << region_.dir();
  EXPECT_EQ(writer_->Stop(SIGTERM), 0);
  EXPECT_GT(pending_at_kill, 0u) << "the writer had taken everything before it was killed";

  std::map<std::string, int> copies;
  for (const auto& [name, rows] : ReadOutFiles(out_)) {
    EXPECT_FALSE(name.ends_with(".part")) << name;
    std::set<std::string> in_file;
    for (size_t i = 1; i < rows.size(); ++i) {
      EXPECT_TRUE(in_file.insert(rows[i].fields[0]).second)
          << rows[i].fields[0] << " twice in " << name;
      ++copies[rows[i].fields[0]];
    }
  }
  EXPECT_EQ(copies.size(), static_cast<size_t>(kRecords));
  for (int i = 1; i <= kRecords; ++i) {
    EXPECT_GE(copies["asc-county:a:" + std::to_string(i)], 1) << i;
  }
}

}  // namespace
}  // namespace gallery::csv
