// Retention in the journal store: closed segments rewritten without purged payloads.
#include <gmock/gmock.h>

#include "hub/common/now_micros.h"
#include "tests/store/journal_test_util.h"

namespace gallery::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr int64_t kHour = 3600ll * 1000 * 1000;
constexpr JournalOptions kSmallSegments{.segment_bytes = 2048, .cache_bytes = 0};

// Records "r0" .. "r<n-1>", one commit each (so several segments), to dn.
void Fill(JournalStore& store, int n) {
  for (int i = 0; i < n; ++i) {
    std::vector<NewRecord> batch = {JournalTest::Record("r" + std::to_string(i), {"dn"}, 400)};
    ASSERT_TRUE(store.Commit(batch, {}, "hash").ok());
  }
}

bool AnySegmentHolds(const std::vector<std::filesystem::path>& segments, const std::string& text) {
  for (const auto& segment : segments) {
    if (JournalTest::ReadAll(segment).find(text) != std::string::npos) return true;
  }
  return false;
}

TEST_F(JournalTest, RetentionRewritesClosedSegmentsWithoutThePurgedPayloads) {
  auto store = Open(kSmallSegments);
  ASSERT_TRUE(store.ok());
  Fill(**store, 8);
  // Every other record acked; the rest wait in the queue.
  std::vector<AckedDelivery> acks;
  for (uint64_t id = 1; id <= 8; id += 2) acks.push_back({"dn", id});
  ASSERT_OK((*store)->Commit({}, acks, "hash"));
  ASSERT_GE(Segments().size(), 3u);

  auto purged = (*store)->PurgePayloads(NowMicros() + kHour);
  ASSERT_TRUE(purged.ok()) << purged.status().ToString();
  EXPECT_EQ(*purged, 4u);
  EXPECT_THAT(log_.str(), HasSubstr("retention rewrote"));
  // The acked records' payloads are gone from the disk; the waiting ones' are not.
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(AnySegmentHolds(Segments(), "redacted r" + std::to_string(i) + "ppp"), i % 2 == 1)
        << "record r" << i;
    EXPECT_EQ(AnySegmentHolds(Segments(), "as received r" + std::to_string(i) + "rrr"), i % 2 == 1)
        << "record r" << i;
  }
  // Waiting deliveries, now in rewritten segments, are still delivered (from the disk:
  // the cache is off), before and after reopening.
  for (int round = 0; round < 2; ++round) {
    auto pending = (*store)->Pending("dn", 0, 100);
    ASSERT_TRUE(pending.ok()) << pending.status().ToString();
    ASSERT_EQ(pending->size(), 4u);
    for (size_t k = 0; k < 4; ++k) {
      EXPECT_EQ((*pending)[k].delivery_id, 2 * k + 2);
      EXPECT_EQ((*pending)[k].record_id, "r" + std::to_string(2 * k + 1));
      EXPECT_EQ((*pending)[k].payload,
                "redacted r" + std::to_string(2 * k + 1) + std::string(400, 'p'));
    }
    store->reset();
    store = Open(kSmallSegments);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
  }
  // Metadata, decisions and deduplication stay.
  auto summaries = (*store)->Summaries();
  ASSERT_TRUE(summaries.ok()) << summaries.status().ToString();
  ASSERT_EQ(summaries->size(), 8u);
  EXPECT_EQ((*summaries)[0].record_id, "r0");
  EXPECT_EQ((*summaries)[0].registered_gp_ods, "A81001");
  ASSERT_EQ((*summaries)[0].disclosures.size(), 1u);
  EXPECT_TRUE((*summaries)[0].disclosures[0].acked);
  EXPECT_THAT((*summaries)[0].disclosures[0].rule_ids, ElementsAre("sap-rule"));
  std::vector<std::string> ids = {"r0", "r2"};
  auto existing = (*store)->FindExisting(ids);
  ASSERT_TRUE(existing.ok());
  EXPECT_THAT(*existing, ElementsAre("r0", "r2"));
  auto again = (*store)->PurgePayloads(NowMicros() + kHour);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0u);
}

TEST_F(JournalTest, ACrashBetweenRewriteAndRenameLeavesAWorkingStore) {
  {
    auto store = Open(kSmallSegments);
    ASSERT_TRUE(store.ok());
    Fill(**store, 4);
  }
  // What a rewrite leaves when the process dies before its rename: the new file, maybe
  // half written, beside the whole old segment.
  const auto first = Segments().front();
  std::ofstream(first.string() + ".rewrite", std::ios::binary) << ReadAll(first).substr(0, 100);

  auto store = Open(kSmallSegments);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_FALSE(std::filesystem::exists(first.string() + ".rewrite"));
  auto pending = (*store)->Pending("dn", 0, 100);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 4u);
  EXPECT_EQ((*pending)[0].payload, "redacted r0" + std::string(400, 'p'));
  // Retention then does its work as usual.
  std::vector<AckedDelivery> acks = {{"dn", 1}};
  ASSERT_OK((*store)->Commit({}, acks, "hash"));
  auto purged = (*store)->PurgePayloads(NowMicros() + kHour);
  ASSERT_TRUE(purged.ok()) << purged.status().ToString();
  EXPECT_EQ(*purged, 1u);
  EXPECT_FALSE(AnySegmentHolds(Segments(), "redacted r0ppp"));
}

TEST_F(JournalTest, APurgeMarkedBeforeACrashIsFinishedAfterReopening) {
  {
    auto store = Open(kSmallSegments);
    ASSERT_TRUE(store.ok());
    Fill(**store, 4);
    std::vector<AckedDelivery> acks = {{"dn", 1}, {"dn", 2}};
    ASSERT_OK((*store)->Commit({}, acks, "hash"));
    // The purge entry is journaled; say the process dies before any rewrite. Simulated by
    // restoring the segments as they were before the rewrite.
    std::map<std::filesystem::path, std::string> before;
    for (const auto& segment : Segments()) before[segment] = ReadAll(segment);
    auto purged = (*store)->PurgePayloads(NowMicros() + kHour);
    ASSERT_TRUE(purged.ok());
    ASSERT_EQ(*purged, 2u);
    store->reset();
    for (const auto& [segment, bytes] : before) {
      if (segment != Segments().back())
        std::ofstream(segment, std::ios::binary | std::ios::trunc) << bytes;
    }
    ASSERT_TRUE(AnySegmentHolds(Segments(), "redacted r0ppp"));
  }
  auto store = Open(kSmallSegments);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto purged = (*store)->PurgePayloads(NowMicros() + kHour);
  ASSERT_TRUE(purged.ok()) << purged.status().ToString();
  EXPECT_EQ(*purged, 0u) << "already counted";
  EXPECT_FALSE(AnySegmentHolds(Segments(), "redacted r0ppp"));
  EXPECT_FALSE(AnySegmentHolds(Segments(), "redacted r1ppp"));
  EXPECT_TRUE(AnySegmentHolds(Segments(), "redacted r2ppp"));
}

TEST_F(JournalTest, RetentionRewritesKeepRegistryFactsWhereTheyCanBeRead) {
  auto store = Open(kSmallSegments);
  ASSERT_TRUE(store.ok());
  for (int i = 0; i < 6; ++i) {
    NewRecord record = JournalTest::Record("r" + std::to_string(i), {"dn"}, 400);
    record.registry_facts = {"fact " + std::to_string(i)};
    std::vector<NewRecord> batch = {std::move(record)};
    ASSERT_OK((*store)->Commit(batch, {}, "hash"));
  }
  std::vector<AckedDelivery> acks;
  for (uint64_t id = 1; id <= 6; ++id) acks.push_back({"dn", id});
  ASSERT_OK((*store)->Commit({}, acks, "hash"));
  auto purged = (*store)->PurgePayloads(NowMicros() + kHour);
  ASSERT_TRUE(purged.ok()) << purged.status().ToString();
  ASSERT_EQ(*purged, 6u);
  ASSERT_THAT(log_.str(), HasSubstr("retention rewrote"));
  // Read back from the rewritten segments, then after reopening.
  for (int round = 0; round < 2; ++round) {
    auto facts = (*store)->RegistryFacts();
    ASSERT_TRUE(facts.ok()) << facts.status().ToString();
    EXPECT_THAT(*facts, ElementsAre("fact 0", "fact 1", "fact 2", "fact 3", "fact 4", "fact 5"));
    store->reset();
    store = Open(kSmallSegments);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
  }
}

TEST_F(JournalTest, RetentionKeepsAuditEntriesByteForByteWhereItRewrites) {
  auto store = Open(kSmallSegments);
  ASSERT_TRUE(store.ok());
  std::vector<std::string> expected;
  for (int i = 0; i < 8; ++i) {
    NewRecord record = JournalTest::Record("r" + std::to_string(i), {"dn"}, 400);
    record.audit_entry = "audit of r" + std::to_string(i);
    expected.push_back(record.audit_entry);
    std::vector<NewRecord> batch = {std::move(record)};
    ASSERT_OK((*store)->Commit(batch, {}, "hash"));
  }
  std::vector<AckedDelivery> acks;
  for (uint64_t id = 1; id <= 8; ++id) acks.push_back({"dn", id});
  ASSERT_OK((*store)->Commit({}, acks, "hash"));
  auto purged = (*store)->PurgePayloads(NowMicros() + kHour);
  ASSERT_TRUE(purged.ok()) << purged.status().ToString();
  EXPECT_THAT(log_.str(), HasSubstr("retention rewrote"));
  // Read from the rewritten segments, before and after reopening.
  auto entries = (*store)->AuditEntries(0, 100);
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  EXPECT_EQ(*entries, expected);
  store->reset();
  auto reopened = Open(kSmallSegments);
  ASSERT_TRUE(reopened.ok());
  entries = (*reopened)->AuditEntries(3, 100);
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  EXPECT_EQ(*entries, std::vector<std::string>(expected.begin() + 3, expected.end()));
}

}  // namespace
}  // namespace gallery::store
