#include "hub/store/sqlite_store.h"

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace gallery::store {
namespace {

using ::testing::ElementsAre;

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("gallery-store-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "hub.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<SqliteStore> OpenStore() {
    auto store = SqliteStore::Open(path_);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return std::move(store).value();
  }

  static NewRecord Record(const std::string& id, std::vector<std::string> recipients) {
    NewRecord record;
    record.record_id = id;
    record.source_agency = "asc-county";
    record.record_type = "assessment.single";
    record.registered_gp_ods = "A81001";
    record.received_at_us = 1;
    record.payload = "payload of " + id;
    for (auto& recipient : recipients) {
      record.deliveries.push_back({recipient, {"sap-rule"}, {"Finances/Income"}, "to " + recipient});
    }
    record.withholdings.push_back({"housing-homesafe", "no rule permits it"});
    return record;
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(SqliteStoreTest, CommittedRecordsAreQueuedPerRecipientInJournalOrder) {
  auto store = OpenStore();
  std::vector<NewRecord> batch = {Record("r1", {"gp-riverside", "dn-central"}),
                                  Record("r2", {"dn-central"})};
  ASSERT_TRUE(store->Commit(batch, {}, "hash").ok());

  auto dn = store->Pending("dn-central", 0, 10);
  ASSERT_TRUE(dn.ok());
  ASSERT_EQ(dn->size(), 2u);
  EXPECT_LT((*dn)[0].delivery_id, (*dn)[1].delivery_id);
  EXPECT_EQ((*dn)[0].payload, "to dn-central");
  EXPECT_THAT((*dn)[0].rule_ids, ElementsAre("sap-rule"));

  auto after_first = store->Pending("dn-central", (*dn)[0].delivery_id, 10);
  ASSERT_TRUE(after_first.ok());
  EXPECT_EQ(after_first->size(), 1u);
}

TEST_F(SqliteStoreTest, DeliveryIdsCountPerRecipientAndSurviveReopening) {
  {
    auto store = OpenStore();
    std::vector<NewRecord> batch = {Record("r1", {"gp-riverside"}), Record("r2", {"dn-central"}),
                                    Record("r3", {"dn-central", "gp-riverside"})};
    ASSERT_TRUE(store->Commit(batch, {}, "hash").ok());
  }
  auto store = OpenStore();
  std::vector<NewRecord> more = {Record("r4", {"dn-central"})};
  ASSERT_TRUE(store->Commit(more, {}, "hash").ok());
  // A recipient's ids say nothing about how much other agencies exchanged.
  auto dn = store->Pending("dn-central", 0, 10);
  ASSERT_TRUE(dn.ok());
  ASSERT_EQ(dn->size(), 3u);
  EXPECT_EQ((*dn)[0].delivery_id, 1u);
  EXPECT_EQ((*dn)[1].delivery_id, 2u);
  EXPECT_EQ((*dn)[2].delivery_id, 3u);
  EXPECT_EQ((*dn)[2].record_id, "r4");
  auto gp = store->Pending("gp-riverside", 0, 10);
  ASSERT_TRUE(gp.ok());
  ASSERT_EQ(gp->size(), 2u);
  EXPECT_EQ((*gp)[1].delivery_id, 2u);
  EXPECT_EQ((*gp)[1].record_id, "r3");
}

TEST_F(SqliteStoreTest, AckedDeliveriesAreNoLongerPending) {
  auto store = OpenStore();
  std::vector<NewRecord> batch = {Record("r1", {"dn-central"}), Record("r2", {"dn-central"})};
  ASSERT_TRUE(store->Commit(batch, {}, "hash").ok());
  auto pending = store->Pending("dn-central", 0, 10);
  ASSERT_TRUE(pending.ok());
  std::vector<AckedDelivery> acks = {{"dn-central", (*pending)[0].delivery_id}};
  ASSERT_TRUE(store->Commit({}, acks, "hash").ok());

  auto left = store->Pending("dn-central", 0, 10);
  ASSERT_TRUE(left.ok());
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].delivery_id, (*pending)[1].delivery_id);
  auto counts = store->PendingCounts();
  ASSERT_TRUE(counts.ok());
  EXPECT_THAT(*counts, ElementsAre(std::pair<std::string, uint64_t>("dn-central", 1)));
}

TEST_F(SqliteStoreTest, SameRecordIdIsStoredAndQueuedOnce) {
  auto store = OpenStore();
  std::vector<NewRecord> first = {Record("r1", {"dn-central"})};
  ASSERT_TRUE(store->Commit(first, {}, "hash").ok());
  ASSERT_TRUE(store->Commit(first, {}, "hash").ok());

  std::vector<std::string> ids = {"r1", "r2"};
  auto existing = store->FindExisting(ids);
  ASSERT_TRUE(existing.ok());
  EXPECT_THAT(*existing, ElementsAre("r1"));
  auto pending = store->Pending("dn-central", 0, 10);
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->size(), 1u);
}

TEST_F(SqliteStoreTest, CommittedRecordsSurviveReopening) {
  {
    auto store = OpenStore();
    std::vector<NewRecord> batch = {Record("r1", {"gp-riverside"})};
    ASSERT_TRUE(store->Commit(batch, {}, "hash").ok());
  }
  auto store = OpenStore();
  auto pending = store->Pending("gp-riverside", 0, 10);
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->size(), 1u);
  auto summaries = store->Summaries();
  ASSERT_TRUE(summaries.ok());
  ASSERT_EQ(summaries->size(), 1u);
  const RecordSummary& summary = (*summaries)[0];
  EXPECT_EQ(summary.record_id, "r1");
  EXPECT_EQ(summary.registered_gp_ods, "A81001");
  ASSERT_EQ(summary.disclosures.size(), 1u);
  EXPECT_THAT(summary.disclosures[0].withheld, ElementsAre("Finances/Income"));
  EXPECT_FALSE(summary.disclosures[0].acked);
  ASSERT_EQ(summary.withholdings.size(), 1u);
  EXPECT_EQ(summary.withholdings[0].agency, "housing-homesafe");
}

TEST(SqliteErrorTest, DiskTroubleIsRetryableAndCorruptionIsDataLoss) {
  EXPECT_EQ(SqliteError(nullptr, SQLITE_FULL, "write").code(), Code::kUnavailable);
  EXPECT_EQ(SqliteError(nullptr, SQLITE_READONLY, "write").code(), Code::kUnavailable);
  EXPECT_EQ(SqliteError(nullptr, SQLITE_IOERR_FSYNC, "write").code(), Code::kUnavailable);
  EXPECT_EQ(SqliteError(nullptr, SQLITE_CORRUPT, "read").code(), Code::kDataLoss);
  EXPECT_EQ(SqliteError(nullptr, SQLITE_MISUSE, "read").code(), Code::kInternal);
}

TEST_F(SqliteStoreTest, NotAStoreFileIsRefused) {
  { std::ofstream(path_) << "this is not an SQLite database, just some text of enough length to matter"; }
  auto store = SqliteStore::Open(path_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Code::kDataLoss);
}

}  // namespace
}  // namespace gallery::store
