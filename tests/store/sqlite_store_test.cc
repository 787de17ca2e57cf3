#include "hub/store/sqlite_store.h"

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace gallery::store {
namespace {

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

// The contract every backend keeps is tested in store_conformance_test.cc; here, what is
// particular to SQLite.

TEST_F(SqliteStoreTest, IdenticalRedactionsOfOneRecordAreStoredOnce) {
  {
    auto store = OpenStore();
    NewRecord record = Record("r1", {"dn-central", "gp-riverside", "gp-hillview"});
    record.deliveries[0].payload = "shared";
    record.deliveries[1].payload = "different";
    record.deliveries[2].payload = "shared";
    std::vector<NewRecord> batch = {record, Record("r2", {"dn-central"})};
    ASSERT_TRUE(store->Commit(batch, {}, "hash").ok());
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  Statement count(db, "SELECT count(*) FROM payloads");
  ASSERT_EQ(count.Step(), SQLITE_ROW);
  EXPECT_EQ(count.ColumnInt(0), 3);  // r1: shared + different; r2: one
  count = Statement();
  sqlite3_close(db);
}

TEST_F(SqliteStoreTest, StoreFromBeforeRegistryFactsOpensAndKeepsThem) {
  {
    auto store = OpenStore();
    std::vector<NewRecord> batch = {Record("r1", {"dn-central"})};
    ASSERT_TRUE(store->Commit(batch, {}, "hash").ok());
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_TRUE(Exec(db, "DROP TABLE registry_facts", "making an older store").ok());
  sqlite3_close(db);

  auto store = OpenStore();
  auto facts = store->RegistryFacts();
  ASSERT_TRUE(facts.ok()) << facts.status().ToString();
  EXPECT_TRUE(facts->empty());
  NewRecord record = Record("r2", {});
  record.registry_facts = {"fact"};
  std::vector<NewRecord> batch = {record};
  ASSERT_TRUE(store->Commit(batch, {}, "hash").ok());
  facts = store->RegistryFacts();
  ASSERT_TRUE(facts.ok());
  EXPECT_THAT(*facts, ::testing::ElementsAre("fact"));
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
