// The folder watcher's durable state: file identity, the progress file, the record
// versions that turn re-exported rows into amendments, and the rejects being collected.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/csv/durable_file.h"
#include "adapters/csv/file_identity.h"
#include "adapters/csv/folder_watcher.h"
#include "adapters/csv/ingest_progress.h"
#include "adapters/csv/record_versions.h"
#include "adapters/csv/rejects_file.h"
#include "tests/adapters/csv_test_util.h"

namespace gallery::csv {
namespace {

namespace fs = std::filesystem;
using test_util::ReadAll;
using ::testing::HasSubstr;

class WatchStateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("watch_state_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& content) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  fs::path dir_;
};

TEST_F(WatchStateTest, IdentityIsStableForAnUnchangedFile) {
  const std::string path = Write("a.csv", "ID,Name\n1,x\n");
  auto first = IdentifyFile(path);
  auto second = IdentifyFile(path);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*first, *second);
  EXPECT_EQ(first->size, 12u);
}

TEST_F(WatchStateTest, AFileReplacedUnderTheSameNameHasAnotherIdentity) {
  const std::string path = Write("a.csv", "ID,Name\n1,x\n");
  auto before = IdentifyFile(path);
  ASSERT_TRUE(before.ok());
  // Same size and, put back in place, the same mtime: the content hash still tells them apart.
  const std::string other = Write("b.csv", "ID,Name\n2,y\n");
  fs::last_write_time(other, fs::last_write_time(path));
  fs::rename(other, path);
  auto after = IdentifyFile(path);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(before->size, after->size);
  EXPECT_NE(before->head_hash, after->head_hash);
  EXPECT_FALSE(*before == *after);
}

TEST_F(WatchStateTest, IdentityOfAMissingFileIsNotFound) {
  EXPECT_EQ(IdentifyFile((dir_ / "nope.csv").string()).status().code(), Code::kNotFound);
  EXPECT_EQ(IdentifyFile(dir_.string()).status().code(), Code::kFailedPrecondition);
}

TEST_F(WatchStateTest, ProgressRoundTripsThroughItsFile) {
  IngestProgress p;
  p.identity = {1, 2, 3, -4, 0xfeedfacecafebeefULL};
  p.next_row = 1234;
  p.last_line = 1240;
  p.rejects_bytes = 77;
  p.complete = true;
  const std::string path = (dir_ / "a.csv.progress").string();
  ASSERT_TRUE(SaveProgress(path, p).ok());
  EXPECT_FALSE(fs::exists(path + ".tmp"));
  auto loaded = LoadProgress(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->identity, p.identity);
  EXPECT_EQ(loaded->next_row, 1234u);
  EXPECT_EQ(loaded->last_line, 1240);
  EXPECT_EQ(loaded->rejects_bytes, 77u);
  EXPECT_TRUE(loaded->complete);
  EXPECT_FALSE(loaded->refused_whole);
}

TEST_F(WatchStateTest, MissingProgressIsNotFoundAndGarbageIsDataLoss) {
  EXPECT_EQ(LoadProgress((dir_ / "none").string()).status().code(), Code::kNotFound);
  auto garbage = ParseProgress("hello\n", "p");
  EXPECT_EQ(garbage.status().code(), Code::kDataLoss);
  EXPECT_THAT(garbage.status().message(), HasSubstr("p:1: not a progress file"));
  std::string text = SerializeProgress(IngestProgress{});
  text.replace(text.find("next_row 0"), 10, "next_row x");
  EXPECT_EQ(ParseProgress(text, "p").status().code(), Code::kDataLoss);
}

TEST_F(WatchStateTest, RecordVersionsSurviveReopeningAndDropATornLine) {
  const std::string path = (dir_ / "versions.log").string();
  {
    auto versions = RecordVersions::Open(path);
    ASSERT_TRUE(versions.ok()) << versions.status().ToString();
    ASSERT_TRUE((*versions)->Note("a:1", {1, 0x10}).ok());
    ASSERT_TRUE((*versions)->Note("a:1", {2, 0x20}).ok());
    ASSERT_TRUE((*versions)->Note("a:2", {1, 0x30}).ok());
    ASSERT_TRUE((*versions)->Sync().ok());
  }
  std::ofstream(path, std::ios::app) << "a:3\t1\t4";  // torn: no newline
  auto versions = RecordVersions::Open(path);
  ASSERT_TRUE(versions.ok()) << versions.status().ToString();
  ASSERT_NE((*versions)->Latest("a:1"), nullptr);
  EXPECT_EQ((*versions)->Latest("a:1")->number, 2u);
  EXPECT_EQ((*versions)->Latest("a:1")->hash, 0x20u);
  EXPECT_EQ((*versions)->Latest("a:3"), nullptr);
  EXPECT_EQ(ReadAll(path).back(), '\n');
}

v1::Record Mapped(const std::string& id, const std::string& text) {
  v1::Record r;
  r.set_record_id(id);
  r.set_record_type("assessment.single");
  r.set_source_agency("asc");
  auto* f = r.add_sections()->add_fields();
  f->set_name("Washing");
  f->set_text(text);
  return r;
}

TEST_F(WatchStateTest, PlanSendsANewRowUnderItsOwnIdAndSkipsItUnchanged) {
  RowPlan first = PlanRow(Mapped("asc:1", "x"), false, true, nullptr);
  EXPECT_EQ(first.action, RowAction::kNew);
  EXPECT_EQ(first.record.record_id(), "asc:1");
  EXPECT_EQ(first.version.number, 1u);
  RowPlan again = PlanRow(Mapped("asc:1", "x"), false, true, &first.version);
  EXPECT_EQ(again.action, RowAction::kUnchanged);
}

TEST_F(WatchStateTest, PlanAmendsAChangedRowWhenTheMappingSaysSo) {
  const RowVersion v1{1, ContentHash(Mapped("asc:1", "x"))};
  RowPlan amend = PlanRow(Mapped("asc:1", "y"), false, true, &v1);
  EXPECT_EQ(amend.action, RowAction::kAmend);
  EXPECT_EQ(amend.record.record_id(), "asc:1:v2");
  EXPECT_EQ(amend.record.amends(), "asc:1");
  EXPECT_EQ(amend.version.number, 2u);
  RowPlan resend = PlanRow(Mapped("asc:1", "y"), false, false, &v1);
  EXPECT_EQ(resend.action, RowAction::kResend);
  EXPECT_EQ(resend.record.record_id(), "asc:1");
}

TEST_F(WatchStateTest, PlanRetractsADeletedRowOnceWithoutItsContent) {
  const RowVersion v2{2, ContentHash(Mapped("asc:1", "y"))};
  RowPlan retract = PlanRow(Mapped("asc:1", "y"), true, false, &v2);
  EXPECT_EQ(retract.action, RowAction::kRetract);
  EXPECT_EQ(retract.record.record_id(), "asc:1:v3");
  EXPECT_EQ(retract.record.retracts(), "asc:1");
  EXPECT_EQ(retract.record.sections_size(), 0);
  EXPECT_EQ(PlanRow(Mapped("asc:1", "y"), true, false, &retract.version).action,
            RowAction::kUnchanged);
}

TEST_F(WatchStateTest, RejectsFileKeepsOnlyWhatTheProgressCounted) {
  const std::string path = (dir_ / "a.csv.rejects.part").string();
  uint64_t counted = 0;
  {
    auto rejects = RejectsFile::Open(path, 0);
    ASSERT_TRUE(rejects.ok()) << rejects.status().ToString();
    EXPECT_TRUE((*rejects)->empty());
    ASSERT_TRUE((*rejects)->Add(3, "asc:2", "column 'DOB' (subject.birth_date): not a date").ok());
    ASSERT_TRUE((*rejects)->Sync().ok());
    counted = (*rejects)->bytes();
    ASSERT_TRUE((*rejects)->Add(9, "asc:8", "not counted by any progress").ok());
    ASSERT_TRUE((*rejects)->Sync().ok());
  }
  auto rejects = RejectsFile::Open(path, counted);
  ASSERT_TRUE(rejects.ok());
  EXPECT_FALSE((*rejects)->empty());
  EXPECT_EQ(ReadAll(path),
            "line,record_id,reason\r\n3,asc:2,column 'DOB' (subject.birth_date): not a date\r\n");
}

TEST_F(WatchStateTest, DurableWriteLeavesNoTemporaryAndFreeNamesCount) {
  const std::string path = (dir_ / "p").string();
  ASSERT_TRUE(WriteFileDurably(path, "one").ok());
  ASSERT_TRUE(WriteFileDurably(path, "two").ok());
  EXPECT_EQ(ReadAll(path), "two");
  EXPECT_FALSE(fs::exists(path + ".tmp"));
  EXPECT_EQ(FreeNameIn(dir_.string(), "x.csv"), (dir_ / "x.csv").string());
  Write("x.csv", "");
  EXPECT_EQ(FreeNameIn(dir_.string(), "x.csv"), (dir_ / "x.2.csv").string());
}

TEST_F(WatchStateTest, HiddenAndUnfinishedNamesAreIgnored) {
  EXPECT_TRUE(IsIgnoredName(".a.csv"));
  EXPECT_TRUE(IsIgnoredName("a.csv.tmp"));
  EXPECT_TRUE(IsIgnoredName("a.csv.part"));
  EXPECT_FALSE(IsIgnoredName("a.csv"));
  EXPECT_FALSE(IsIgnoredName("export.txt"));
}

TEST_F(WatchStateTest, ScanTakesOnlySettledVisibleFiles) {
  Write("old.csv", "x");
  Write(".hidden.csv", "x");
  Write("late.csv.part", "x");
  fs::create_directories(dir_ / "done");
  auto watcher = FolderWatcher::Open(dir_.string());
  ASSERT_TRUE(watcher.ok()) << watcher.status().ToString();
  EXPECT_EQ(watcher->Scan(std::chrono::milliseconds(0)), std::vector<std::string>{"old.csv"});
  EXPECT_TRUE(watcher->Scan(std::chrono::hours(1)).empty());
}

TEST_F(WatchStateTest, WatcherReportsFilesClosedOrRenamedIn) {
  auto watcher = FolderWatcher::Open(dir_.string());
  ASSERT_TRUE(watcher.ok());
  Write("closed.csv", "x");
  Write(".incoming.tmp", "y");
  fs::rename(dir_ / ".incoming.tmp", dir_ / "renamed.csv");
  std::vector<std::string> seen;
  for (int i = 0; i < 20 && seen.size() < 2; ++i) {
    auto names = watcher->Wait(std::chrono::milliseconds(100));
    ASSERT_TRUE(names.ok());
    seen.insert(seen.end(), names->begin(), names->end());
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"closed.csv", "renamed.csv"}));
}

}  // namespace
}  // namespace gallery::csv
