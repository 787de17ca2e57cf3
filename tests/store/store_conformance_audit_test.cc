// The Store contract, continued: the audit log, appended with records and on its own, read
// back in order and byte for byte, whatever retention and reopening do.
#include "tests/store/store_conformance.h"

namespace gallery::store {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr int64_t kHour = 3600ll * 1000 * 1000;

NewRecord Audited(NewRecord record, std::string entry) {
  record.audit_entry = std::move(entry);
  return record;
}

std::vector<std::string> Entries(Store& store, uint64_t after = 0, size_t limit = 1000) {
  auto entries = store.AuditEntries(after, limit);
  EXPECT_TRUE(entries.ok()) << entries.status().ToString();
  return entries.ok() ? *entries : std::vector<std::string>{"<error>"};
}

uint64_t Count(Store& store) {
  auto count = store.AuditCount();
  EXPECT_TRUE(count.ok()) << count.status().ToString();
  return count.ok() ? *count : 0;
}

TEST_P(StoreConformanceTest, AuditEntriesKeepTheirOrderAndBytesAcrossReopening) {
  const std::string binary(
      "a\0\xff"
      "b",
      4);
  {
    auto store = Open();
    ASSERT_TRUE(store);
    EXPECT_EQ(Count(*store), 0u);
    EXPECT_THAT(Entries(*store), IsEmpty());
    const std::vector<std::string> first = {"e1"};
    ASSERT_OK(store->AppendAudit(first));
    std::vector<NewRecord> batch = {Audited(Record("r1", {"dn-central"}), "e2"), Record("r2", {}),
                                    Audited(Record("r3", {}), binary)};
    ASSERT_OK(store->Commit(batch, {}, "hash"));
    // A record journaled already is skipped, but not its audit entry: the writer sealed it.
    std::vector<NewRecord> again = {Audited(Record("r1", {"dn-central"}), "e4")};
    ASSERT_OK(store->Commit(again, {}, "hash"));
    const std::vector<std::string> last = {"e5", "e6"};
    ASSERT_OK(store->AppendAudit(last));
    ASSERT_OK(store->AppendAudit({}));
  }
  auto store = Open();
  ASSERT_TRUE(store);
  EXPECT_EQ(Count(*store), 6u);
  EXPECT_THAT(Entries(*store), ElementsAre("e1", "e2", binary, "e4", "e5", "e6"));
  EXPECT_THAT(Entries(*store, 2, 2), ElementsAre(binary, "e4"));
  EXPECT_THAT(Entries(*store, 5, 10), ElementsAre("e6"));
  EXPECT_THAT(Entries(*store, 6, 10), IsEmpty());
}

TEST_P(StoreConformanceTest, AFailedCommitKeepsNoAuditEntries) {
  auto store = Open();
  ASSERT_TRUE(store);
  std::vector<NewRecord> first = {Audited(Record("r1", {}), "e1")};
  ASSERT_OK(store->Commit(first, {}, "hash"));
  NewRecord bad = Audited(Record("r3", {"dn-central"}), "e3");
  bad.withholdings.push_back(bad.withholdings[0]);
  std::vector<NewRecord> batch = {Audited(Record("r2", {}), "e2"), bad};
  ASSERT_FALSE(store->Commit(batch, {}, "hash").ok());
  EXPECT_THAT(Entries(*store), ElementsAre("e1"));
  EXPECT_EQ(Count(*store), 1u);
  std::vector<NewRecord> retry = {Audited(Record("r2", {}), "e2")};
  ASSERT_OK(store->Commit(retry, {}, "hash"));
  EXPECT_THAT(Entries(*store), ElementsAre("e1", "e2"));
}

TEST_P(StoreConformanceTest, RetentionNeverChangesAuditEntries) {
  {
    auto store = Open();
    ASSERT_TRUE(store);
    std::vector<NewRecord> batch = {Audited(Record("r1", {"dn-central"}), "e1"),
                                    Audited(Record("r2", {}), "e2")};
    ASSERT_OK(store->Commit(batch, {}, "hash"));
    std::vector<AckedDelivery> acks = {{"dn-central", 1}};
    ASSERT_OK(store->Commit({}, acks, "hash"));
    const std::vector<std::string> purge = {"e3"};
    ASSERT_OK(store->AppendAudit(purge));
    auto purged = store->PurgePayloads(NowMicros() + kHour);
    ASSERT_TRUE(purged.ok()) << purged.status().ToString();
    EXPECT_EQ(*purged, 2u);
    EXPECT_THAT(Entries(*store), ElementsAre("e1", "e2", "e3"));
  }
  auto store = Open();
  ASSERT_TRUE(store);
  EXPECT_THAT(Entries(*store), ElementsAre("e1", "e2", "e3"));
}

TEST_P(StoreConformanceTest, APurgeJournalsTheAuditEntryItIsGivenWithThePurgedIds) {
  auto store = Open();
  ASSERT_TRUE(store);
  std::vector<NewRecord> batch = {Audited(Record("r1", {"dn-central"}), "e1"),
                                  Audited(Record("r2", {}), "e2"),
                                  Audited(Record("r3", {"dn-central"}), "e3")};
  ASSERT_OK(store->Commit(batch, {}, "hash"));
  std::vector<AckedDelivery> acks = {{"dn-central", 1}};
  ASSERT_OK(store->Commit({}, acks, "hash"));
  std::vector<std::string> seen;
  auto purged =
      store->PurgePayloads(NowMicros() + kHour, [&](const std::vector<std::string>& record_ids) {
        seen = record_ids;
        return std::string("purged r1 r2");
      });
  ASSERT_TRUE(purged.ok()) << purged.status().ToString();
  EXPECT_EQ(*purged, 2u);
  EXPECT_THAT(seen, ElementsAre("r1", "r2"));
  EXPECT_THAT(Entries(*store), ElementsAre("e1", "e2", "e3", "purged r1 r2"));
  // Nothing left to purge: no entry.
  purged = store->PurgePayloads(
      NowMicros() + kHour, [](const std::vector<std::string>&) { return std::string("never"); });
  ASSERT_TRUE(purged.ok()) << purged.status().ToString();
  EXPECT_EQ(*purged, 0u);
  EXPECT_EQ(Count(*store), 4u);
}

}  // namespace
}  // namespace gallery::store
