// The Store contract for dead letters and payload retention, run against every backend.
#include "tests/store/store_conformance.h"

namespace gallery::store {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

constexpr int64_t kHour = 3600ll * 1000 * 1000;

TEST_P(StoreConformanceTest, DeadLetteredDeliveryLeavesTheQueue) {
  auto store = Open();
  ASSERT_TRUE(store);
  std::vector<NewRecord> batch = {Record("r1", {"dn-central"}), Record("r2", {"dn-central"})};
  ASSERT_OK(store->Commit(batch, {}, "hash"));
  ASSERT_OK(store->DeadLetterDelivery("dn-central", 1, 7, "refused: unknown patient", 1234));

  EXPECT_THAT(PendingIds(*store, "dn-central"), ElementsAre(2u));
  auto counts = store->PendingCounts();
  ASSERT_TRUE(counts.ok());
  EXPECT_THAT(*counts, ElementsAre(Pair("dn-central", 1u)));
  auto letters = store->DeadLetters();
  ASSERT_TRUE(letters.ok()) << letters.status().ToString();
  ASSERT_EQ(letters->size(), 1u);
  const DeadLetter& letter = (*letters)[0];
  EXPECT_GT(letter.id, 0u);
  EXPECT_EQ(letter.record_id, "r1");
  EXPECT_EQ(letter.source_agency, "asc-county");
  EXPECT_EQ(letter.record_type, "assessment.single");
  EXPECT_EQ(letter.recipient, "dn-central");
  EXPECT_EQ(letter.delivery_id, 1u);
  EXPECT_EQ(letter.attempts, 7u);
  EXPECT_EQ(letter.reason, "refused: unknown patient");
  EXPECT_EQ(letter.at_us, 1234);
  EXPECT_EQ(letter.payload, "");  // listed without payloads

  // An ack arriving late for the letter's delivery does not settle it.
  std::vector<AckedDelivery> acks = {{"dn-central", 1}};
  ASSERT_OK(store->Commit({}, acks, "hash"));
  letters = store->DeadLetters();
  ASSERT_TRUE(letters.ok());
  EXPECT_EQ(letters->size(), 1u);
}

TEST_P(StoreConformanceTest, OnlyAnUnackedQueuedDeliveryCanBeDeadLettered) {
  auto store = Open();
  ASSERT_TRUE(store);
  std::vector<NewRecord> batch = {Record("r1", {"dn-central"}), Record("r2", {"dn-central"})};
  ASSERT_OK(store->Commit(batch, {}, "hash"));
  std::vector<AckedDelivery> acks = {{"dn-central", 2}};
  ASSERT_OK(store->Commit({}, acks, "hash"));

  EXPECT_EQ(store->DeadLetterDelivery("dn-central", 2, 1, "late", 1).code(), Code::kNotFound);
  EXPECT_EQ(store->DeadLetterDelivery("dn-central", 9, 1, "unknown", 1).code(), Code::kNotFound);
  EXPECT_EQ(store->DeadLetterDelivery("gp-riverside", 1, 1, "not theirs", 1).code(),
            Code::kNotFound);
  ASSERT_OK(store->DeadLetterDelivery("dn-central", 1, 1, "refused", 1));
  EXPECT_EQ(store->DeadLetterDelivery("dn-central", 1, 1, "again", 1).code(), Code::kNotFound);
  auto letters = store->DeadLetters();
  ASSERT_TRUE(letters.ok());
  EXPECT_EQ(letters->size(), 1u);
}

TEST_P(StoreConformanceTest, DeadLettersAreListedOldestFirstAndReadWithOrWithoutPayload) {
  auto store = Open();
  ASSERT_TRUE(store);
  std::vector<NewRecord> batch = {Record("r1", {"dn-central", "gp-riverside"}),
                                  Record("r2", {"dn-central"})};
  ASSERT_OK(store->Commit(batch, {}, "hash"));
  ASSERT_OK(store->DeadLetterDelivery("dn-central", 2, 3, "first", 10));
  ASSERT_OK(store->DeadLetterDelivery("gp-riverside", 1, 4, "second", 5));
  auto letters = store->DeadLetters();
  ASSERT_TRUE(letters.ok());
  ASSERT_EQ(letters->size(), 2u);
  EXPECT_EQ((*letters)[0].reason, "first");
  EXPECT_EQ((*letters)[1].reason, "second");
  EXPECT_LT((*letters)[0].id, (*letters)[1].id);

  auto bare = store->GetDeadLetter((*letters)[1].id, /*with_payload=*/false);
  ASSERT_TRUE(bare.ok()) << bare.status().ToString();
  EXPECT_EQ(bare->record_id, "r1");
  EXPECT_EQ(bare->recipient, "gp-riverside");
  EXPECT_EQ(bare->attempts, 4u);
  EXPECT_EQ(bare->at_us, 5);
  EXPECT_EQ(bare->payload, "");
  auto full = store->GetDeadLetter((*letters)[1].id, /*with_payload=*/true);
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->payload, "r1 to gp-riverside");
  EXPECT_EQ(store->GetDeadLetter((*letters)[1].id + 100, true).status().code(), Code::kNotFound);
}

TEST_P(StoreConformanceTest, RetryRequeuesAtTheEndOfTheQueueUnderANewId) {
  auto store = Open();
  ASSERT_TRUE(store);
  std::vector<NewRecord> batch = {Record("r1", {"dn-central"}), Record("r2", {"dn-central"}),
                                  Record("r3", {"gp-riverside"})};
  ASSERT_OK(store->Commit(batch, {}, "hash"));
  ASSERT_OK(store->DeadLetterDelivery("dn-central", 1, 10, "never acked", 1));
  auto letters = store->DeadLetters();
  ASSERT_TRUE(letters.ok());
  ASSERT_EQ(letters->size(), 1u);
  const uint64_t id = (*letters)[0].id;

  auto requeued = store->RetryDeadLetter(id);
  ASSERT_TRUE(requeued.ok()) << requeued.status().ToString();
  EXPECT_EQ(*requeued, 3u);
  auto pending = store->Pending("dn-central", 0, 10);
  ASSERT_TRUE(pending.ok());
  EXPECT_THAT(Ids(*pending), ElementsAre(2u, 3u));
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[1].record_id, "r1");
  EXPECT_EQ((*pending)[1].payload, "r1 to dn-central");
  EXPECT_THAT((*pending)[1].rule_ids, ElementsAre("sap-rule"));
  EXPECT_THAT(PendingIds(*store, "gp-riverside"), ElementsAre(1u));  // other queues untouched

  letters = store->DeadLetters();
  ASSERT_TRUE(letters.ok());
  EXPECT_THAT(*letters, IsEmpty());
  EXPECT_EQ(store->GetDeadLetter(id, true).status().code(), Code::kNotFound);
  EXPECT_EQ(store->RetryDeadLetter(id).status().code(), Code::kNotFound);
  EXPECT_EQ(store->DropDeadLetter(id).code(), Code::kNotFound);

  // The retried delivery is an ordinary one: later records queue after it; it can be acked.
  std::vector<NewRecord> later = {Record("r4", {"dn-central"})};
  std::vector<AckedDelivery> acks = {{"dn-central", 3}};
  ASSERT_OK(store->Commit(later, acks, "hash"));
  EXPECT_THAT(PendingIds(*store, "dn-central"), ElementsAre(2u, 4u));
}

TEST_P(StoreConformanceTest, DroppedLetterIsGoneForGood) {
  auto store = Open();
  ASSERT_TRUE(store);
  std::vector<NewRecord> batch = {Record("r1", {"dn-central"}), Record("r2", {"dn-central"})};
  ASSERT_OK(store->Commit(batch, {}, "hash"));
  ASSERT_OK(store->DeadLetterDelivery("dn-central", 1, 2, "refused", 1));
  auto letters = store->DeadLetters();
  ASSERT_TRUE(letters.ok());
  ASSERT_EQ(letters->size(), 1u);
  const uint64_t id = (*letters)[0].id;

  ASSERT_OK(store->DropDeadLetter(id));
  letters = store->DeadLetters();
  ASSERT_TRUE(letters.ok());
  EXPECT_THAT(*letters, IsEmpty());
  EXPECT_EQ(store->GetDeadLetter(id, false).status().code(), Code::kNotFound);
  EXPECT_EQ(store->DropDeadLetter(id).code(), Code::kNotFound);
  EXPECT_EQ(store->RetryDeadLetter(id).status().code(), Code::kNotFound);
  EXPECT_THAT(PendingIds(*store, "dn-central"), ElementsAre(2u));
  EXPECT_EQ(store->DropDeadLetter(id + 100).code(), Code::kNotFound);
  EXPECT_EQ(store->RetryDeadLetter(id + 100).status().code(), Code::kNotFound);
}

TEST_P(StoreConformanceTest, DeadLettersAndCountersSurviveReopening) {
  uint64_t id = 0;
  {
    auto store = Open();
    ASSERT_TRUE(store);
    std::vector<NewRecord> batch = {Record("r1", {"dn-central"}), Record("r2", {"dn-central"})};
    ASSERT_OK(store->Commit(batch, {}, "hash"));
    ASSERT_OK(store->DeadLetterDelivery("dn-central", 2, 5, "refused", 99));
    auto letters = store->DeadLetters();
    ASSERT_TRUE(letters.ok());
    ASSERT_EQ(letters->size(), 1u);
    id = (*letters)[0].id;
  }
  auto store = Open();
  ASSERT_TRUE(store);
  auto letter = store->GetDeadLetter(id, true);
  ASSERT_TRUE(letter.ok()) << letter.status().ToString();
  EXPECT_EQ(letter->delivery_id, 2u);
  EXPECT_EQ(letter->payload, "r2 to dn-central");
  EXPECT_THAT(PendingIds(*store, "dn-central"), ElementsAre(1u));
  auto requeued = store->RetryDeadLetter(id);
  ASSERT_TRUE(requeued.ok());
  EXPECT_EQ(*requeued, 3u);
  std::vector<NewRecord> later = {Record("r3", {"dn-central"})};
  ASSERT_OK(store->Commit(later, {}, "hash"));
  EXPECT_THAT(PendingIds(*store, "dn-central"), ElementsAre(1u, 3u, 4u));
}

TEST_P(StoreConformanceTest, PurgeTakesPayloadsOfSettledRecordsBeforeTheCutoff) {
  auto store = Open();
  ASSERT_TRUE(store);
  std::vector<NewRecord> batch = {Record("acked", {"dn-central"}), Record("queued", {"dn-central"}),
                                  Record("alone", {}),
                                  Record("half", {"dn-central", "gp-riverside"})};
  ASSERT_OK(store->Commit(batch, {}, "hash"));
  const int64_t before_acks = NowMicros() - 1;
  std::vector<AckedDelivery> acks = {{"dn-central", 1}, {"dn-central", 3}};
  ASSERT_OK(store->Commit({}, acks, "hash"));

  // Before the acks, only the record with no recipient is settled.
  auto purged = store->PurgePayloads(before_acks);
  ASSERT_TRUE(purged.ok()) << purged.status().ToString();
  EXPECT_EQ(*purged, 1u);
  // Later, the fully acked record too; not the queued one, nor the half-acked one.
  purged = store->PurgePayloads(NowMicros() + kHour);
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(*purged, 1u);
  // Purged records are not counted again.
  purged = store->PurgePayloads(NowMicros() + kHour);
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(*purged, 0u);

  // Unsettled records keep their payloads; the journal keeps everything else.
  auto pending = store->Pending("dn-central", 0, 10);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].payload, "queued to dn-central");
  auto gp = store->Pending("gp-riverside", 0, 10);
  ASSERT_TRUE(gp.ok());
  ASSERT_EQ(gp->size(), 1u);
  EXPECT_EQ((*gp)[0].payload, "half to gp-riverside");
  auto summaries = store->Summaries();
  ASSERT_TRUE(summaries.ok());
  ASSERT_EQ(summaries->size(), 4u);
  EXPECT_TRUE((*summaries)[0].disclosures[0].acked);
  EXPECT_EQ((*summaries)[2].withholdings.size(), 1u);
  std::vector<std::string> ids = {"acked", "alone"};
  auto existing = store->FindExisting(ids);
  ASSERT_TRUE(existing.ok());
  EXPECT_THAT(*existing, ElementsAre("acked", "alone"));  // still deduplicated
}

TEST_P(StoreConformanceTest, PurgeCountsDroppedLettersAsSettledButNotWaitingOnes) {
  auto store = Open();
  ASSERT_TRUE(store);
  std::vector<NewRecord> batch = {Record("dropped", {"dn-central"}),
                                  Record("retried", {"dn-central"}),
                                  Record("waiting", {"dn-central"})};
  ASSERT_OK(store->Commit(batch, {}, "hash"));
  for (uint64_t id = 1; id <= 3; ++id) {
    ASSERT_OK(store->DeadLetterDelivery("dn-central", id, 10, "refused", 1));
  }
  auto letters = store->DeadLetters();
  ASSERT_TRUE(letters.ok());
  ASSERT_EQ(letters->size(), 3u);
  auto purged = store->PurgePayloads(NowMicros() + kHour);
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(*purged, 0u);  // letters may yet be retried: their payloads stay

  ASSERT_OK(store->DropDeadLetter((*letters)[0].id));
  auto requeued = store->RetryDeadLetter((*letters)[1].id);
  ASSERT_TRUE(requeued.ok());
  purged = store->PurgePayloads(NowMicros() + kHour);
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(*purged, 1u);  // the dropped one; the retried one waits for its new delivery
  auto waiting = store->GetDeadLetter((*letters)[2].id, true);
  ASSERT_TRUE(waiting.ok());
  EXPECT_EQ(waiting->payload, "waiting to dn-central");

  std::vector<AckedDelivery> acks = {{"dn-central", *requeued}};
  ASSERT_OK(store->Commit({}, acks, "hash"));
  purged = store->PurgePayloads(NowMicros() + kHour);
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(*purged, 1u);
}

}  // namespace
}  // namespace gallery::store
