#include "hub/server/commit_worker.h"

#include <poll.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "hub/store/sqlite_store.h"

namespace gallery::server {
namespace {

store::NewRecord Record(const std::string& id, const std::string& recipient) {
  store::NewRecord record;
  record.record_id = id;
  record.source_agency = "hosp";
  record.record_type = "adt.admission";
  record.payload = "as received " + id;
  record.deliveries.push_back({recipient, {"rule-1"}, {}, "redacted " + id});
  return record;
}

class CommitWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("commit_worker_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto store = store::SqliteStore::Open((dir_ / "hub.db").string());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(CommitWorkerTest, WakesThePollerWhenTheCommitIsDurable) {
  auto worker = CommitWorker::Start(*store_);
  ASSERT_TRUE(worker.ok()) << worker.status().ToString();
  EXPECT_FALSE((*worker)->busy());
  EXPECT_FALSE((*worker)->TakeFinished().has_value());

  CommitBatch batch;
  batch.records.push_back(Record("r1", "gp"));
  batch.rule_set_hash = "hash";
  (*worker)->Submit(std::move(batch));
  EXPECT_TRUE((*worker)->busy());

  pollfd wake{(*worker)->wake_fd(), POLLIN, 0};
  ASSERT_EQ(poll(&wake, 1, 10'000), 1);
  auto finished = (*worker)->TakeFinished();
  ASSERT_TRUE(finished.has_value());
  EXPECT_TRUE(finished->status.ok()) << finished->status.ToString();
  ASSERT_EQ(finished->batch.records.size(), 1u);  // the batch comes back, for the confirms
  EXPECT_EQ(finished->batch.records[0].record_id, "r1");
  EXPECT_FALSE((*worker)->busy());
  // Taken once; the descriptor is quiet again.
  EXPECT_FALSE((*worker)->TakeFinished().has_value());
  EXPECT_EQ(poll(&wake, 1, 0), 0);

  auto pending = store_->Pending("gp", 0, 10);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].record_id, "r1");
}

TEST_F(CommitWorkerTest, BatchesAreJournaledInTheOrderSubmitted) {
  auto worker = CommitWorker::Start(*store_);
  ASSERT_TRUE(worker.ok());
  for (int i = 0; i < 20; ++i) {
    CommitBatch batch;
    batch.records.push_back(Record("r" + std::to_string(i), "gp"));
    (*worker)->Submit(std::move(batch));
    auto finished = (*worker)->WaitFinished();
    ASSERT_TRUE(finished.has_value());
    ASSERT_TRUE(finished->status.ok());
  }
  auto pending = store_->Pending("gp", 0, 100);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 20u);
  for (int i = 0; i < 20; ++i) EXPECT_EQ((*pending)[i].record_id, "r" + std::to_string(i));
}

TEST_F(CommitWorkerTest, StoppingFinishesTheCommitInProgress) {
  {
    auto worker = CommitWorker::Start(*store_);
    ASSERT_TRUE(worker.ok());
    CommitBatch batch;
    batch.records.push_back(Record("last", "gp"));
    (*worker)->Submit(std::move(batch));
  }  // destroyed at once
  auto pending = store_->Pending("gp", 0, 10);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 1u);
}

}  // namespace
}  // namespace gallery::server
