// The Store contract, continued: registry facts journaled with their records,
// and the records as received since a time (for replaying them through other
// rules).
#include "tests/store/store_conformance.h"

namespace gallery::store {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr int64_t kHour = 3600ll * 1000 * 1000;

NewRecord WithFacts(NewRecord record, std::vector<std::string> facts) {
  record.registry_facts = std::move(facts);
  return record;
}

std::vector<std::string> Facts(Store &store) {
  auto facts = store.RegistryFacts();
  EXPECT_TRUE(facts.ok()) << facts.status().ToString();
  return facts.ok() ? *facts : std::vector<std::string>{"<error>"};
}

TEST_P(StoreConformanceTest,
       RegistryFactsAreKeptInJournalOrderAndSurviveReopening) {
  {
    auto store = Open();
    ASSERT_TRUE(store);
    EXPECT_THAT(Facts(*store), IsEmpty());
    std::vector<NewRecord> batch = {
        WithFacts(Record("r1", {"dn-central"}), {"f1", "f2"}),
        Record("r2", {"dn-central"}),
        WithFacts(Record("r3", {}), {std::string("f\0"
                                                 "3",
                                                 3)})};
    ASSERT_OK(store->Commit(batch, {}, "hash"));
    // A record journaled already is skipped, with its facts.
    std::vector<NewRecord> again = {
        WithFacts(Record("r1", {"dn-central"}), {"stale"}),
        WithFacts(Record("r4", {"gp-riverside"}), {"f4"})};
    ASSERT_OK(store->Commit(again, {}, "hash"));
  }
  auto store = Open();
  ASSERT_TRUE(store);
  EXPECT_THAT(Facts(*store), ElementsAre("f1", "f2",
                                         std::string("f\0"
                                                     "3",
                                                     3),
                                         "f4"));
}

TEST_P(StoreConformanceTest, AFailedCommitKeepsNoRegistryFacts) {
  auto store = Open();
  ASSERT_TRUE(store);
  std::vector<NewRecord> first = {WithFacts(Record("r1", {}), {"f1"})};
  ASSERT_OK(store->Commit(first, {}, "hash"));
  NewRecord bad = WithFacts(Record("r3", {"dn-central"}), {"f3"});
  bad.withholdings.push_back(bad.withholdings[0]);
  std::vector<NewRecord> batch = {WithFacts(Record("r2", {}), {"f2"}), bad};
  ASSERT_FALSE(store->Commit(batch, {}, "hash").ok());
  EXPECT_THAT(Facts(*store), ElementsAre("f1"));
}

TEST_P(StoreConformanceTest, RetentionNeverRemovesRegistryFacts) {
  {
    auto store = Open();
    ASSERT_TRUE(store);
    std::vector<NewRecord> batch = {
        WithFacts(Record("r1", {"dn-central"}), {"f1"}),
        WithFacts(Record("r2", {}), {"f2"})};
    ASSERT_OK(store->Commit(batch, {}, "hash"));
    std::vector<AckedDelivery> acks = {{"dn-central", 1}};
    ASSERT_OK(store->Commit({}, acks, "hash"));
    auto purged = store->PurgePayloads(NowMicros() + kHour);
    ASSERT_TRUE(purged.ok()) << purged.status().ToString();
    EXPECT_EQ(*purged, 2u);
    EXPECT_THAT(Facts(*store), ElementsAre("f1", "f2"));
  }
  auto store = Open();
  ASSERT_TRUE(store);
  EXPECT_THAT(Facts(*store), ElementsAre("f1", "f2"));
}

TEST_P(StoreConformanceTest, ReceivedSinceListsRecordsFromTheCutoffAsReceived) {
  auto store = Open();
  ASSERT_TRUE(store);
  std::vector<NewRecord> batch;
  for (int i = 1; i <= 4; ++i) {
    NewRecord record =
        Record("r" + std::to_string(i), {"dn-central", "gp-riverside"});
    record.received_at_us = 1000 * i;
    batch.push_back(std::move(record));
  }
  batch[2].received_at_us =
      1000; // not in received order: journal order still rules
  ASSERT_OK(store->Commit(batch, {}, "hash-a"));
  std::vector<AckedDelivery> acks = {{"dn-central", 2}};
  ASSERT_OK(store->Commit({}, acks, "hash-b"));

  auto received = store->ReceivedSince(2000);
  ASSERT_TRUE(received.ok()) << received.status().ToString();
  ASSERT_EQ(received->size(), 2u);
  const ReceivedRecord &r2 = (*received)[0];
  EXPECT_EQ(r2.summary.record_id, "r2");
  EXPECT_EQ(r2.summary.source_agency, "asc-county");
  EXPECT_EQ(r2.summary.record_type, "assessment.single");
  EXPECT_EQ(r2.summary.registered_gp_ods, "A81001");
  EXPECT_EQ(r2.summary.rule_set_hash, "hash-a");
  EXPECT_EQ(r2.received_at_us, 2000);
  EXPECT_EQ(r2.payload, "payload of r2");
  ASSERT_EQ(r2.summary.disclosures.size(), 2u);
  EXPECT_EQ(r2.summary.disclosures[0].recipient, "dn-central");
  EXPECT_TRUE(r2.summary.disclosures[0].acked);
  EXPECT_FALSE(r2.summary.disclosures[1].acked);
  EXPECT_THAT(r2.summary.disclosures[0].rule_ids, ElementsAre("sap-rule"));
  EXPECT_THAT(r2.summary.disclosures[0].withheld,
              ElementsAre("Finances/Income"));
  ASSERT_EQ(r2.summary.withholdings.size(), 1u);
  EXPECT_EQ(r2.summary.withholdings[0].agency, "housing-homesafe");
  EXPECT_EQ((*received)[1].summary.record_id, "r4");

  auto all = store->ReceivedSince(0);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ((*all)[2].summary.record_id, "r3");
  auto none = store->ReceivedSince(5000);
  ASSERT_TRUE(none.ok());
  EXPECT_THAT(*none, IsEmpty());
}

TEST_P(StoreConformanceTest, ReceivedSinceGivesNoPayloadOnceRetentionTookIt) {
  auto store = Open();
  ASSERT_TRUE(store);
  std::vector<NewRecord> batch = {Record("kept", {"dn-central"}),
                                  Record("alone", {})};
  ASSERT_OK(store->Commit(batch, {}, "hash"));
  auto purged = store->PurgePayloads(NowMicros() + kHour);
  ASSERT_TRUE(purged.ok());
  ASSERT_EQ(*purged, 1u);
  auto received = store->ReceivedSince(0);
  ASSERT_TRUE(received.ok()) << received.status().ToString();
  ASSERT_EQ(received->size(), 2u);
  EXPECT_EQ((*received)[0].payload, "payload of kept");
  EXPECT_EQ((*received)[1].summary.record_id, "alone");
  EXPECT_TRUE((*received)[1].payload.empty());
  EXPECT_EQ((*received)[1].summary.withholdings.size(), 1u);
}

} // namespace
} // namespace gallery::store
