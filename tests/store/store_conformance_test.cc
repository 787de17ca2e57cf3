// The Store contract (hub/store/store.h), run against every backend: what hubd relies on
// must hold whichever backend the config names.
#include "tests/store/store_conformance.h"

namespace gallery::store {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

TEST_P(StoreConformanceTest, CommittedRecordsAreQueuedPerRecipientInJournalOrder) {
  auto store = Open();
  ASSERT_TRUE(store);
  std::vector<NewRecord> batch = {Record("r1", {"gp-riverside", "dn-central"}),
                                  Record("r2", {"dn-central"})};
  ASSERT_OK(store->Commit(batch, {}, "hash"));

  auto dn = store->Pending("dn-central", 0, 10);
  ASSERT_TRUE(dn.ok()) << dn.status().ToString();
  ASSERT_EQ(dn->size(), 2u);
  EXPECT_EQ((*dn)[0].delivery_id, 1u);
  EXPECT_EQ((*dn)[1].delivery_id, 2u);
  EXPECT_EQ((*dn)[0].payload, "r1 to dn-central");
  EXPECT_EQ((*dn)[0].record_id, "r1");
  EXPECT_THAT((*dn)[0].rule_ids, ElementsAre("sap-rule"));
  EXPECT_EQ((*dn)[1].record_id, "r2");
  EXPECT_THAT(PendingIds(*store, "gp-riverside"), ElementsAre(1u));
  EXPECT_THAT(PendingIds(*store, "housing-homesafe"), IsEmpty());
}

TEST_P(StoreConformanceTest, AStartedCommitCountsForDuplicatesAndIsQueuedOnceFinished) {
  auto store = Open();
  ASSERT_TRUE(store);
  std::vector<NewRecord> first = {Record("r1", {"dn-central"})};
  ASSERT_OK(store->Commit(first, {}, "hash"));
  std::vector<NewRecord> batch = {Record("r2", {"dn-central"}), Record("r3", {"dn-central"})};
  ASSERT_OK(store->StartCommit(batch, {}, "hash"));
  batch.clear();  // the store keeps what it needs
  std::vector<std::string> ids = {"r1", "r2", "r3", "r4"};
  auto existing = store->FindExisting(ids);
  ASSERT_TRUE(existing.ok()) << existing.status().ToString();
  EXPECT_THAT(*existing, ElementsAre("r1", "r2", "r3"));
  ASSERT_OK(store->FinishCommit());
  EXPECT_THAT(PendingIds(*store, "dn-central"), ElementsAre(1u, 2u, 3u));
  EXPECT_TRUE(store->FinishCommit().ok()) << "nothing started: nothing to wait for";
}

TEST_P(StoreConformanceTest, PendingStartsAfterTheGivenIdAndStopsAtTheLimit) {
  auto store = Open();
  ASSERT_TRUE(store);
  std::vector<NewRecord> batch;
  for (int i = 1; i <= 5; ++i) batch.push_back(Record("r" + std::to_string(i), {"dn-central"}));
  ASSERT_OK(store->Commit(batch, {}, "hash"));
  auto page = store->Pending("dn-central", 2, 2);
  ASSERT_TRUE(page.ok());
  EXPECT_THAT(Ids(*page), ElementsAre(3u, 4u));
  auto rest = store->Pending("dn-central", 4, 100);
  ASSERT_TRUE(rest.ok());
  EXPECT_THAT(Ids(*rest), ElementsAre(5u));
  auto none = store->Pending("dn-central", 5, 100);
  ASSERT_TRUE(none.ok());
  EXPECT_THAT(*none, IsEmpty());
}

TEST_P(StoreConformanceTest, DeliveryIdsCountPerRecipientAndSurviveReopening) {
  {
    auto store = Open();
    ASSERT_TRUE(store);
    std::vector<NewRecord> batch = {Record("r1", {"gp-riverside"}), Record("r2", {"dn-central"}),
                                    Record("r3", {"dn-central", "gp-riverside"})};
    ASSERT_OK(store->Commit(batch, {}, "hash"));
  }
  auto store = Open();
  ASSERT_TRUE(store);
  std::vector<NewRecord> more = {Record("r4", {"dn-central"})};
  ASSERT_OK(store->Commit(more, {}, "hash"));
  // A recipient's ids say nothing about how much other agencies exchanged.
  auto dn = store->Pending("dn-central", 0, 10);
  ASSERT_TRUE(dn.ok());
  EXPECT_THAT(Ids(*dn), ElementsAre(1u, 2u, 3u));
  ASSERT_EQ(dn->size(), 3u);
  EXPECT_EQ((*dn)[2].record_id, "r4");
  auto gp = store->Pending("gp-riverside", 0, 10);
  ASSERT_TRUE(gp.ok());
  EXPECT_THAT(Ids(*gp), ElementsAre(1u, 2u));
  ASSERT_EQ(gp->size(), 2u);
  EXPECT_EQ((*gp)[1].record_id, "r3");
}

TEST_P(StoreConformanceTest, AckedDeliveriesAreNoLongerPending) {
  auto store = Open();
  ASSERT_TRUE(store);
  std::vector<NewRecord> batch = {Record("r1", {"dn-central"}), Record("r2", {"dn-central"}),
                                  Record("r3", {"gp-riverside"})};
  ASSERT_OK(store->Commit(batch, {}, "hash"));
  std::vector<AckedDelivery> acks = {{"dn-central", 1}};
  ASSERT_OK(store->Commit({}, acks, "hash"));

  EXPECT_THAT(PendingIds(*store, "dn-central"), ElementsAre(2u));
  auto counts = store->PendingCounts();
  ASSERT_TRUE(counts.ok());
  EXPECT_THAT(*counts, ElementsAre(Pair("dn-central", 1u), Pair("gp-riverside", 1u)));

  // Acks for deliveries already acked, of another recipient or unknown change nothing.
  std::vector<AckedDelivery> stray = {{"dn-central", 1}, {"gp-riverside", 2}, {"nobody", 1}};
  ASSERT_OK(store->Commit({}, stray, "hash"));
  EXPECT_THAT(PendingIds(*store, "dn-central"), ElementsAre(2u));
  EXPECT_THAT(PendingIds(*store, "gp-riverside"), ElementsAre(1u));

  // Acks travel with records in one commit.
  std::vector<NewRecord> next = {Record("r4", {"dn-central"})};
  std::vector<AckedDelivery> more = {{"dn-central", 2}, {"gp-riverside", 1}};
  ASSERT_OK(store->Commit(next, more, "hash"));
  EXPECT_THAT(PendingIds(*store, "dn-central"), ElementsAre(3u));
  counts = store->PendingCounts();
  ASSERT_TRUE(counts.ok());
  EXPECT_THAT(*counts, ElementsAre(Pair("dn-central", 1u)));
}

TEST_P(StoreConformanceTest, SameRecordIdIsStoredAndQueuedOnce) {
  auto store = Open();
  ASSERT_TRUE(store);
  std::vector<NewRecord> first = {Record("r1", {"dn-central"})};
  ASSERT_OK(store->Commit(first, {}, "hash"));
  ASSERT_OK(store->Commit(first, {}, "hash"));
  // Twice in one batch, and beside a new record: the new one still gets the next id.
  std::vector<NewRecord> batch = {Record("r2", {"dn-central"}), Record("r1", {"dn-central"}),
                                  Record("r2", {"dn-central"})};
  ASSERT_OK(store->Commit(batch, {}, "hash"));

  std::vector<std::string> ids = {"r3", "r2", "r1"};
  auto existing = store->FindExisting(ids);
  ASSERT_TRUE(existing.ok());
  EXPECT_THAT(*existing, ElementsAre("r2", "r1"));
  auto pending = store->Pending("dn-central", 0, 10);
  ASSERT_TRUE(pending.ok());
  EXPECT_THAT(Ids(*pending), ElementsAre(1u, 2u));
  auto summaries = store->Summaries();
  ASSERT_TRUE(summaries.ok());
  EXPECT_EQ(summaries->size(), 2u);
  auto none = store->FindExisting({});
  ASSERT_TRUE(none.ok());
  EXPECT_THAT(*none, IsEmpty());
}

TEST_P(StoreConformanceTest, RecipientsGetTheirOwnRedactionWhenSomeAreIdentical) {
  auto store = Open();
  ASSERT_TRUE(store);
  NewRecord record = Record("r1", {"dn-central", "gp-riverside", "gp-hillview"});
  record.deliveries[0].payload = "shared";
  record.deliveries[1].payload = "own";
  record.deliveries[2].payload = "shared";
  std::vector<NewRecord> batch = {record};
  ASSERT_OK(store->Commit(batch, {}, "hash"));
  for (const auto& [recipient, payload] : std::vector<std::pair<std::string, std::string>>{
           {"dn-central", "shared"}, {"gp-riverside", "own"}, {"gp-hillview", "shared"}}) {
    auto pending = store->Pending(recipient, 0, 10);
    ASSERT_TRUE(pending.ok());
    ASSERT_EQ(pending->size(), 1u) << recipient;
    EXPECT_EQ((*pending)[0].payload, payload) << recipient;
  }
}

TEST_P(StoreConformanceTest, SummariesListDecisionsInJournalOrder) {
  auto store = Open();
  ASSERT_TRUE(store);
  NewRecord second = Record("r2", {"gp-riverside", "dn-central"});
  second.deliveries[0].rule_ids = {"gp-rule", "sap-rule"};
  second.deliveries[0].withheld = {};
  second.withholdings = {{"police", "no rule permits it"}, {"housing-homesafe", "no consent"}};
  NewRecord lone = Record("r3", {});
  lone.registered_gp_ods = "";
  std::vector<NewRecord> batch = {Record("r1", {"dn-central"}), second, lone};
  ASSERT_OK(store->Commit(batch, {}, "hash-a"));
  std::vector<AckedDelivery> acks = {{"gp-riverside", 1}};
  std::vector<NewRecord> later = {Record("r0", {"dn-central"})};
  ASSERT_OK(store->Commit(later, acks, "hash-b"));

  auto summaries = store->Summaries();
  ASSERT_TRUE(summaries.ok()) << summaries.status().ToString();
  ASSERT_EQ(summaries->size(), 4u);
  std::vector<std::string> order;
  for (const auto& summary : *summaries) order.push_back(summary.record_id);
  EXPECT_THAT(order, ElementsAre("r1", "r2", "r3", "r0"));
  for (size_t i = 1; i < summaries->size(); ++i) {
    EXPECT_LT((*summaries)[i - 1].seq, (*summaries)[i].seq);
  }
  const RecordSummary& r2 = (*summaries)[1];
  EXPECT_EQ(r2.source_agency, "asc-county");
  EXPECT_EQ(r2.record_type, "assessment.single");
  EXPECT_EQ(r2.registered_gp_ods, "A81001");
  EXPECT_EQ(r2.rule_set_hash, "hash-a");
  ASSERT_EQ(r2.disclosures.size(), 2u);
  EXPECT_EQ(r2.disclosures[0].recipient, "dn-central");  // by recipient
  EXPECT_THAT(r2.disclosures[0].rule_ids, ElementsAre("sap-rule"));
  EXPECT_THAT(r2.disclosures[0].withheld, ElementsAre("Finances/Income"));
  EXPECT_FALSE(r2.disclosures[0].acked);
  EXPECT_EQ(r2.disclosures[1].recipient, "gp-riverside");
  EXPECT_THAT(r2.disclosures[1].rule_ids, ElementsAre("gp-rule", "sap-rule"));
  EXPECT_THAT(r2.disclosures[1].withheld, IsEmpty());
  EXPECT_TRUE(r2.disclosures[1].acked);
  ASSERT_EQ(r2.withholdings.size(), 2u);  // by agency
  EXPECT_EQ(r2.withholdings[0].agency, "housing-homesafe");
  EXPECT_EQ(r2.withholdings[0].reason, "no consent");
  EXPECT_EQ(r2.withholdings[1].agency, "police");
  const RecordSummary& r3 = (*summaries)[2];
  EXPECT_THAT(r3.disclosures, IsEmpty());
  EXPECT_EQ(r3.registered_gp_ods, "");
  EXPECT_EQ(r3.withholdings.size(), 1u);
  EXPECT_EQ((*summaries)[3].rule_set_hash, "hash-b");
}

TEST_P(StoreConformanceTest, ValuesFromPublishedRecordsAreKeptByteForByte) {
  auto store = Open();
  ASSERT_TRUE(store);
  // A publisher's GP code and field names are untrusted: odd bytes must neither fail the
  // batch (and every batch the record is resent in) nor be altered.
  const std::string odd_gp(
      "A81\0\xff"
      "1",
      6);
  const std::string odd_path("Notes/\0\xfe", 8);
  const std::string odd_id("r\0\xfd", 3);
  NewRecord record = Record(odd_id, {"dn-central"});
  record.registered_gp_ods = odd_gp;
  record.deliveries[0].withheld = {odd_path};
  record.deliveries[0].payload = std::string("\0\x01\xff payload", 10);
  std::vector<NewRecord> batch = {record};
  ASSERT_OK(store->Commit(batch, {}, "hash"));
  auto pending = store->Pending("dn-central", 0, 10);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].payload, std::string("\0\x01\xff payload", 10));
  EXPECT_EQ((*pending)[0].record_id, odd_id);
  std::vector<std::string> ids = {odd_id, "r"};
  auto existing = store->FindExisting(ids);
  ASSERT_TRUE(existing.ok()) << existing.status().ToString();
  EXPECT_THAT(*existing, ElementsAre(odd_id));
  auto summaries = store->Summaries();
  ASSERT_TRUE(summaries.ok());
  ASSERT_EQ(summaries->size(), 1u);
  EXPECT_EQ((*summaries)[0].registered_gp_ods, odd_gp);
  ASSERT_EQ((*summaries)[0].disclosures.size(), 1u);
  EXPECT_THAT((*summaries)[0].disclosures[0].withheld, ElementsAre(odd_path));
}

TEST_P(StoreConformanceTest, CommittedRecordsSurviveReopening) {
  {
    auto store = Open();
    ASSERT_TRUE(store);
    std::vector<NewRecord> batch = {Record("r1", {"gp-riverside"}), Record("r2", {"gp-riverside"})};
    ASSERT_OK(store->Commit(batch, {}, "hash"));
    std::vector<AckedDelivery> acks = {{"gp-riverside", 1}};
    ASSERT_OK(store->Commit({}, acks, "hash"));
  }
  auto store = Open();
  ASSERT_TRUE(store);
  auto pending = store->Pending("gp-riverside", 0, 10);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].payload, "r2 to gp-riverside");
  std::vector<std::string> ids = {"r1"};
  auto existing = store->FindExisting(ids);
  ASSERT_TRUE(existing.ok());
  EXPECT_THAT(*existing, ElementsAre("r1"));
  auto summaries = store->Summaries();
  ASSERT_TRUE(summaries.ok());
  ASSERT_EQ(summaries->size(), 2u);
  const RecordSummary& summary = (*summaries)[0];
  EXPECT_EQ(summary.record_id, "r1");
  EXPECT_EQ(summary.registered_gp_ods, "A81001");
  ASSERT_EQ(summary.disclosures.size(), 1u);
  EXPECT_THAT(summary.disclosures[0].withheld, ElementsAre("Finances/Income"));
  EXPECT_TRUE(summary.disclosures[0].acked);
  ASSERT_EQ(summary.withholdings.size(), 1u);
  EXPECT_EQ(summary.withholdings[0].agency, "housing-homesafe");
}

TEST_P(StoreConformanceTest, AFailedCommitChangesNothing) {
  auto store = Open();
  ASSERT_TRUE(store);
  std::vector<NewRecord> first = {Record("r1", {"dn-central"}), Record("r2", {"dn-central"})};
  ASSERT_OK(store->Commit(first, {}, "hash"));
  // The same agency withheld twice from one record is a batch no backend takes.
  NewRecord bad = Record("r4", {"dn-central"});
  bad.withholdings.push_back(bad.withholdings[0]);
  std::vector<NewRecord> batch = {Record("r3", {"dn-central", "gp-riverside"}), bad};
  std::vector<AckedDelivery> acks = {{"dn-central", 1}};
  Status failed = store->Commit(batch, acks, "hash");
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.code(), Code::kUnavailable);  // not worth retrying as it is

  std::vector<std::string> ids = {"r3", "r4"};
  auto existing = store->FindExisting(ids);
  ASSERT_TRUE(existing.ok()) << existing.status().ToString();
  EXPECT_THAT(*existing, IsEmpty());
  EXPECT_THAT(PendingIds(*store, "dn-central"), ElementsAre(1u, 2u));  // ack not kept
  EXPECT_THAT(PendingIds(*store, "gp-riverside"), IsEmpty());
  // No delivery id was used up by the failed batch.
  std::vector<NewRecord> retry = {Record("r3", {"dn-central", "gp-riverside"})};
  ASSERT_OK(store->Commit(retry, acks, "hash"));
  EXPECT_THAT(PendingIds(*store, "dn-central"), ElementsAre(2u, 3u));
  EXPECT_THAT(PendingIds(*store, "gp-riverside"), ElementsAre(1u));
}

TEST_P(StoreConformanceTest, EmptyCommitIsOk) {
  auto store = Open();
  ASSERT_TRUE(store);
  EXPECT_TRUE(store->Commit({}, {}, "hash").ok());
  auto counts = store->PendingCounts();
  ASSERT_TRUE(counts.ok());
  EXPECT_THAT(*counts, IsEmpty());
  auto summaries = store->Summaries();
  ASSERT_TRUE(summaries.ok());
  EXPECT_THAT(*summaries, IsEmpty());
}

}  // namespace

// Dead letters and retention are in store_conformance_dead_letters_test.cc.
INSTANTIATE_TEST_SUITE_P(Backends, StoreConformanceTest, ::testing::Values("journal", "sqlite", "postgresql"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace gallery::store
