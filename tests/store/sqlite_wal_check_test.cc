#include "hub/store/sqlite_wal_check.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "hub/store/sqlite_store.h"

namespace gallery::store {
namespace {

namespace fs = std::filesystem;

class WalCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("gallery-wal-test-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "crashed");
  }
  void TearDown() override { fs::remove_all(dir_); }

  static NewRecord Record(const std::string& id) {
    NewRecord record;
    record.record_id = id;
    record.source_agency = "asc-county";
    record.record_type = "assessment.single";
    record.payload = std::string(2000, 'x');
    record.deliveries.push_back({"dn-central", {"rule"}, {}, std::string(1500, 'y')});
    return record;
  }

  // Commits `batches` batches of 20 records, then copies the database and its WAL while
  // the store is still open, as a crash would leave them.
  void CommitThenCrash(int batches) {
    const std::string path = (dir_ / "hub.db").string();
    auto store = SqliteStore::Open(path);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    for (int b = 0; b < batches; ++b) {
      std::vector<NewRecord> batch;
      for (int i = 0; i < 20; ++i) batch.push_back(Record("r" + std::to_string(b * 20 + i)));
      ASSERT_TRUE((*store)->Commit(batch, {}, "hash").ok());
    }
    fs::copy_file(path, crashed_db());
    fs::copy_file(path + "-wal", crashed_db() + "-wal");
  }

  std::string crashed_db() const { return (dir_ / "crashed" / "hub.db").string(); }

  fs::path dir_;
};

TEST_F(WalCheckTest, CleanWalHasNothingToDrop) {
  CommitThenCrash(3);
  auto tail = InspectWal(crashed_db() + "-wal");
  ASSERT_TRUE(tail.ok()) << tail.status().ToString();
  EXPECT_GT(tail->committed_frames, 0u);
  EXPECT_EQ(tail->dropped_bytes, 0u);
}

TEST_F(WalCheckTest, TornTailIsReportedAndEveryCommittedRecordSurvives) {
  CommitThenCrash(3);
  const std::string wal = crashed_db() + "-wal";
  const auto clean = InspectWal(wal);
  ASSERT_TRUE(clean.ok());
  // A write that never reached the disk whole: half a frame of garbage after the last commit.
  { std::ofstream(wal, std::ios::app | std::ios::binary) << std::string(3000, '\x5a'); }
  auto tail = InspectWal(wal);
  ASSERT_TRUE(tail.ok());
  EXPECT_EQ(tail->committed_frames, clean->committed_frames);
  EXPECT_EQ(tail->dropped_bytes, 3000u);

  auto store = SqliteStore::Open(crashed_db());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto summaries = (*store)->Summaries();
  ASSERT_TRUE(summaries.ok());
  EXPECT_EQ(summaries->size(), 60u);
}

TEST_F(WalCheckTest, ALastCommitCutShortLosesOnlyThatBatch) {
  CommitThenCrash(3);
  const std::string wal = crashed_db() + "-wal";
  // Losing unsynced data: the WAL cut in the middle of its last frame.
  fs::resize_file(wal, fs::file_size(wal) - 100);
  auto tail = InspectWal(wal);
  ASSERT_TRUE(tail.ok());
  EXPECT_GT(tail->dropped_bytes, 0u);
  auto store = SqliteStore::Open(crashed_db());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto summaries = (*store)->Summaries();
  ASSERT_TRUE(summaries.ok());
  // The last batch was the one cut; the two before it are whole.
  EXPECT_EQ(summaries->size(), 40u);
}

TEST_F(WalCheckTest, FramesLeftFromAnEarlierCycleAreNotReported) {
  const std::string path = (dir_ / "hub.db").string();
  auto store = SqliteStore::Open(path);
  ASSERT_TRUE(store.ok());
  std::vector<NewRecord> big;
  for (int i = 0; i < 60; ++i) big.push_back(Record("big" + std::to_string(i)));
  ASSERT_TRUE((*store)->Commit(big, {}, "hash").ok());
  // A checkpoint that restarts the log: the next commit writes from the start of the file
  // under new salts, leaving the earlier cycle's frames after it.
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "PRAGMA wal_checkpoint(RESTART)", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);
  std::vector<NewRecord> small = {Record("small")};
  ASSERT_TRUE((*store)->Commit(small, {}, "hash").ok());
  const uintmax_t wal_size = fs::file_size(path + "-wal");

  auto tail = InspectWal(path + "-wal");
  ASSERT_TRUE(tail.ok());
  EXPECT_GT(tail->committed_frames, 0u);
  EXPECT_EQ(tail->dropped_bytes, 0u) << "WAL of " << wal_size << " bytes";
}

TEST_F(WalCheckTest, MissingWalIsEmptyAndGarbageHeaderIsDataLoss) {
  auto none = InspectWal((dir_ / "absent-wal").string());
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->dropped_bytes, 0u);
  { std::ofstream(dir_ / "bad-wal") << std::string(64, 'q'); }
  auto bad = InspectWal((dir_ / "bad-wal").string());
  EXPECT_EQ(bad.status().code(), Code::kDataLoss);
}

}  // namespace
}  // namespace gallery::store
