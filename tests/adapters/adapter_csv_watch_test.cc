// adapter-csv --watch end to end: a real hubd and adapter-sink on loopback
// (tests/integration/test_region.h), files dropped into a folder, and a watcher killed
// mid-file that must still get every row to the hub exactly once.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gallery/v1/wire.pb.h"
#include "tests/adapters/csv_test_util.h"
#include "tests/integration/child_process.h"
#include "tests/integration/test_region.h"

namespace gallery::csv {
namespace {

namespace fs = std::filesystem;
using gallery::testing::ChildProcess;
using gallery::testing::TestRegion;
using gallery::testing::WaitFor;
using test_util::ReadAll;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kAgencies =
    R"(  - {id: asc-county, name: County Adult Social Care, kind: adult-social-care}
  - {id: dn-central, name: Central District Nursing, kind: community-health}
)";

constexpr const char* kRules = R"(protocol: adapter-csv-watch-test
version: 1
rules:
  - id: assessments-to-district-nursing
    from: [asc-county]
    types: [assessment.single]
    to: [dn-central]
    include: ["*"]
)";

constexpr const char* kMapping = R"(agency: asc-county
record_type: assessment.single
record_id: {columns: [Ref], prefix: "asc-county:a:"}
subject: {nhs_number: NHS No, family_name: Surname}
sections:
  - heading: Personal care
    fields: [{name: Washing, column: Washing}]
)";

constexpr const char* kCorrectionsMapping = R"(agency: asc-county
record_type: assessment.single
record_id: {columns: [Ref], prefix: "asc-county:a:"}
subject: {nhs_number: NHS No, family_name: Surname}
sections:
  - heading: Personal care
    fields: [{name: Washing, column: Washing}]
corrections:
  changed_rows: amend
  deleted: {column: Status, values: [Deleted]}
)";

// "Ref,NHS No,Surname,Washing" and rows first..last, all for one valid test NHS number.
std::string Rows(int first, int last) {
  std::string csv = "Ref,NHS No,Surname,Washing\n";
  for (int i = first; i <= last; ++i) {
    csv += std::to_string(i) + ",9990000018,Surname" + std::to_string(i) + ",Needs help\n";
  }
  return csv;
}

std::vector<std::string> Names(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& e : fs::directory_iterator(dir, error)) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

class AdapterCsvWatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    drop_ = region_.dir() / "drop";
    fs::create_directories(drop_);
    mapping_ = (region_.dir() / "mapping.yaml").string();
    std::ofstream(mapping_) << kMapping;
    endpoint_ = region_.StartHub();
    region_.StartSink("dn-central");
  }

  void StartWatcher() {
    std::vector<std::string> argv = {TestRegion::Binary("adapter-csv"), "--watch", drop_.string(),
                                     "--hub", endpoint_, "--mapping", mapping_, "--verbose"};
    const std::vector<std::string> keys = region_.KeyFlags("asc-county");
    argv.insert(argv.end(), keys.begin(), keys.end());
    watcher_ = std::make_unique<ChildProcess>(argv, (region_.dir() / "watcher.log").string());
    // Files dropped before the watch is set up would wait for the fallback rescan.
    const size_t starts = ++watcher_starts_;
    ASSERT_TRUE(WaitFor(
        [&] {
          const std::string log = WatcherLog();
          size_t seen = 0;
          for (size_t at = log.find("watching "); at != std::string::npos;
               at = log.find("watching ", at + 1)) {
            ++seen;
          }
          return seen >= starts;
        },
        std::chrono::seconds(10)));
  }

  void Drop(const std::string& name, const std::string& content) {
    const fs::path temp = drop_ / ("." + name + ".tmp");
    std::ofstream(temp, std::ios::binary) << content;
    fs::rename(temp, drop_ / name);
  }

  bool Delivered(size_t records) {
    return WaitFor(
        [&] { return region_.JournaledRecords() == records && region_.PendingDeliveries() == 0; },
        std::chrono::seconds(60), std::chrono::milliseconds(100));
  }

  // Record id -> copies in the sink's inbox.
  std::map<std::string, int> InboxCounts() {
    std::map<std::string, int> counts;
    for (const auto& d : region_.Inbox("dn-central")) ++counts[d.record().record_id()];
    return counts;
  }

  std::string WatcherLog() const { return ReadAll((region_.dir() / "watcher.log").string()); }

  TestRegion region_{"adapter-csv-watch", kAgencies, kRules};
  fs::path drop_;
  std::string mapping_;
  std::string endpoint_;
  std::unique_ptr<ChildProcess> watcher_;
  size_t watcher_starts_ = 0;
};

TEST_F(AdapterCsvWatchTest, EachDroppedFileIsPublishedOnceAndMovedToDone) {
  StartWatcher();
  std::ofstream(drop_ / "closed.csv") << Rows(1, 40);  // closed after writing, in place
  // Written slowly under a name the watcher ignores, then renamed in.
  const fs::path part = drop_ / "slow.csv.part";
  {
    std::ofstream slow(part);
    const std::string rows = Rows(41, 80);
    for (size_t at = 0; at < rows.size(); at += 200) {
      slow << rows.substr(at, 200) << std::flush;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a slow exporter
    }
  }
  fs::rename(part, drop_ / "slow.csv");
  ASSERT_TRUE(Delivered(80)) << "see " << region_.dir();
  ASSERT_TRUE(WaitFor([&] { return Names(drop_ / "done").size() == 2; }, std::chrono::seconds(10)));
  EXPECT_EQ(Names(drop_ / "done"), (std::vector<std::string>{"closed.csv", "slow.csv"}));
  EXPECT_TRUE(Names(drop_ / "rejected").empty());
  // The progress of a finished file is dropped right after the file is moved.
  EXPECT_TRUE(WaitFor(
      [&] {
        return Names(drop_ / ".gallery-state") == std::vector<std::string>{"record-versions.log"};
      },
      std::chrono::seconds(10)));

  EXPECT_EQ(watcher_->Stop(SIGTERM), 0);
  region_.StopSinks();
  const auto counts = InboxCounts();
  EXPECT_EQ(counts.size(), 80u);
  for (int i = 1; i <= 80; ++i) {
    EXPECT_EQ(counts.count("asc-county:a:" + std::to_string(i)), 1u) << i;
  }
  for (const auto& [id, copies] : counts) EXPECT_EQ(copies, 1) << id;
  EXPECT_EQ(region_.SinkReceived("dn-central").size(), 80u);
  const std::string log = WatcherLog();
  EXPECT_THAT(log, HasSubstr("slow.csv: 40 rows, 40 confirmed, 0 duplicates"));
  EXPECT_THAT(log, Not(HasSubstr("Surname4")));
}

TEST_F(AdapterCsvWatchTest, KilledMidFileResumesAndEveryRowIsStoredOnce) {
  constexpr int kRows = 5000;
  StartWatcher();
  Drop("big.csv", Rows(1, kRows));
  const fs::path progress = drop_ / ".gallery-state" / "big.csv.progress";
  ASSERT_TRUE(WaitFor([&] { return fs::exists(progress) || fs::exists(drop_ / "done"); },
                      std::chrono::seconds(30), std::chrono::milliseconds(2)));
  watcher_->Stop(SIGKILL);
  const bool mid_file = !fs::exists(drop_ / "done" / "big.csv");
  const size_t journaled_at_kill = region_.JournaledRecords();

  StartWatcher();
  ASSERT_TRUE(Delivered(kRows)) << "see " << region_.dir();
  ASSERT_TRUE(
      WaitFor([&] { return fs::exists(drop_ / "done" / "big.csv"); }, std::chrono::seconds(20)));
  EXPECT_TRUE(mid_file) << "the watcher finished before it was killed";
  EXPECT_LT(journaled_at_kill, static_cast<size_t>(kRows));
  EXPECT_THAT(WatcherLog(), HasSubstr("big.csv: resuming after line"));
  EXPECT_EQ(watcher_->Stop(SIGTERM), 0);

  // The hub stored each record once, and queued one delivery of each.
  EXPECT_EQ(region_.JournaledRecords(), static_cast<size_t>(kRows));
  const auto journaled = region_.JournaledDeliveries()["dn-central"];
  EXPECT_EQ(journaled.size(), static_cast<size_t>(kRows));
  EXPECT_EQ(std::set<std::string>(journaled.begin(), journaled.end()).size(),
            static_cast<size_t>(kRows));
  region_.StopSinks();
  const auto counts = InboxCounts();
  EXPECT_EQ(counts.size(), static_cast<size_t>(kRows));
  for (const auto& [id, copies] : counts) EXPECT_EQ(copies, 1) << id;
}

TEST_F(AdapterCsvWatchTest, TermMidFileSavesProgressAndTheNextRunFinishesTheFile) {
  constexpr int kRows = 5000;
  StartWatcher();
  Drop("big.csv", Rows(1, kRows));
  const fs::path progress = drop_ / ".gallery-state" / "big.csv.progress";
  ASSERT_TRUE(WaitFor([&] { return fs::exists(progress) || fs::exists(drop_ / "done"); },
                      std::chrono::seconds(30), std::chrono::milliseconds(2)));
  EXPECT_EQ(watcher_->Stop(SIGTERM), 0);
  // Rows sent before the stop were confirmed first, so the progress counts all of them.
  const bool mid_file = fs::exists(drop_ / "big.csv");
  EXPECT_TRUE(mid_file) << "the watcher finished before it was stopped";
  if (mid_file) {
    EXPECT_THAT(WatcherLog(), HasSubstr("big.csv: 5000 rows"));
    EXPECT_THAT(WatcherLog(), HasSubstr("stopped, will resume"));
    EXPECT_THAT(ReadAll(progress.string()),
                HasSubstr("next_row " + std::to_string(region_.JournaledRecords()) + "\n"));
  }
  StartWatcher();
  ASSERT_TRUE(Delivered(kRows)) << "see " << region_.dir();
  ASSERT_TRUE(
      WaitFor([&] { return fs::exists(drop_ / "done" / "big.csv"); }, std::chrono::seconds(20)));
  // A clean stop leaves nothing sent but uncounted: the second run sends no row again.
  const std::string log = WatcherLog();
  const size_t resumed = log.find("big.csv: 5000 rows (resumed at row ");
  ASSERT_NE(resumed, std::string::npos) << log;
  EXPECT_THAT(log.substr(resumed, log.find('\n', resumed) - resumed),
              HasSubstr(" confirmed, 0 duplicates"));
  EXPECT_EQ(region_.JournaledRecords(), static_cast<size_t>(kRows));
}

TEST_F(AdapterCsvWatchTest, RefusedRowsGoToARejectsFileWithLinesAndReasons) {
  StartWatcher();
  Drop("mixed.csv",
       "Ref,NHS No,Surname,Washing\n"
       "1,9990000018,Able,Independent\n"
       "2,9990000019,Baker,Independent\n"    // check digit fails
       ",9990000026,Carter,Independent\n"    // no record id
       "4,,Dawson,Independent\n"             // the hub refuses: no NHS number or local id
       "1,9990000034,Evans,Independent\n");  // the id of line 2 again
  Drop("wrong.csv", "Reference,NHS\n1,9990000018\n");
  ASSERT_TRUE(WaitFor(
      [&] { return Names(drop_ / "done").size() == 1 && Names(drop_ / "rejected").size() == 3; },
      std::chrono::seconds(30)))
      << "see " << region_.dir();
  EXPECT_EQ(
      Names(drop_ / "rejected"),
      (std::vector<std::string>{"mixed.csv.rejects.csv", "wrong.csv", "wrong.csv.rejects.csv"}));
  const std::string rejects = ReadAll((drop_ / "rejected" / "mixed.csv.rejects.csv").string());
  // Refusals by the mapping are written at once, the hub's when it answers.
  EXPECT_THAT(rejects, ::testing::StartsWith("line,record_id,reason\r\n"));
  for (const char* line :
       {"3,asc-county:a:2,column 'NHS No' (subject.nhs_number): check digit does not match\r\n",
        "4,,\"column 'Ref' (record_id): empty, so the row has no record id\"\r\n",
        "5,asc-county:a:4,hub refused it: INVALID_ARGUMENT: subject: needs an nhs_number or "
        "at least one local id\r\n",
        "6,asc-county:a:1,record id also on line 2\r\n"}) {
    EXPECT_THAT(rejects, HasSubstr(line));
  }
  EXPECT_THAT(ReadAll((drop_ / "rejected" / "wrong.csv.rejects.csv").string()),
              HasSubstr("column 'Ref' (record_id) is not in the header of"));
  EXPECT_EQ(region_.JournaledRecords(), 1u);
  const std::string log = WatcherLog();
  for (const char* value : {"9990000019", "Baker", "Carter", "Dawson", "Evans"}) {
    EXPECT_THAT(log, Not(HasSubstr(value)));
    EXPECT_THAT(rejects, Not(HasSubstr(value)));
  }
  EXPECT_THAT(log, HasSubstr("mixed.csv:3: record asc-county:a:2 refused"));
}

TEST_F(AdapterCsvWatchTest, ReexportedRowsBecomeAmendmentsAndDeletedOnesRetractions) {
  std::ofstream(mapping_, std::ios::trunc) << kCorrectionsMapping;
  StartWatcher();
  Drop("export.csv",
       "Ref,NHS No,Surname,Washing,Status\n"
       "1,9990000018,Able,Independent,\n"
       "2,9990000018,Able,Independent,\n"
       "3,9990000018,Able,Independent,\n");
  ASSERT_TRUE(Delivered(3)) << "see " << region_.dir();
  ASSERT_TRUE(
      WaitFor([&] { return fs::exists(drop_ / "done" / "export.csv"); }, std::chrono::seconds(10)));
  // The next day's export, under the same name: a new file.
  Drop("export.csv",
       "Ref,NHS No,Surname,Washing,Status\n"
       "1,9990000018,Able,Independent,\n"
       "2,9990000018,Able,Needs help,\n"
       "3,9990000018,Able,Independent,Deleted\n");
  ASSERT_TRUE(Delivered(5)) << "see " << region_.dir();
  ASSERT_TRUE(WaitFor([&] { return fs::exists(drop_ / "done" / "export.2.csv"); },
                      std::chrono::seconds(10)));
  // The summary is logged once the file has been moved.
  EXPECT_TRUE(WaitFor(
      [&] {
        return WatcherLog().find("export.csv: 3 rows, 2 confirmed, 0 duplicates, 1 unchanged, "
                                 "1 amendments, 1 retractions, 0 rejected") != std::string::npos;
      },
      std::chrono::seconds(10)))
      << WatcherLog();
  region_.StopSinks();
  std::map<std::string, v1::Record> inbox;
  for (const auto& d : region_.Inbox("dn-central")) inbox[d.record().record_id()] = d.record();
  ASSERT_EQ(inbox.size(), 5u);
  ASSERT_TRUE(inbox.contains("asc-county:a:2:v2"));
  EXPECT_EQ(inbox["asc-county:a:2:v2"].amends(), "asc-county:a:2");
  EXPECT_EQ(inbox["asc-county:a:2:v2"].sections(0).fields(0).text(), "Needs help");
  ASSERT_TRUE(inbox.contains("asc-county:a:3:v2"));
  EXPECT_EQ(inbox["asc-county:a:3:v2"].retracts(), "asc-county:a:3");
}

}  // namespace
}  // namespace gallery::csv
