// Registry: batches undone when their commit fails, and state rebuilt from the
// store.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "hub/registry/registry.h"
#include "hub/store/journal_store.h"
#include "tests/registry/registry_test_util.h"

namespace gallery::registry {
namespace {

using router::ConsentStatus;
using testing::MakeRecord;

TEST(RegistryBatchTest, RollbackRestoresTheStateBeforeTheBatch) {
  Registry registry(testing::TestAgencies());
  const v1::Subject subject = MakeRecord("x", "gp-riverside", "x").subject();
  (void)registry.Learn(
      MakeRecord("g1", "gp-riverside", "relationship.registration"));
  (void)registry.Learn(MakeRecord("c1", "asc-county", "consent.directive",
                                  {{"Status", "given"}}));
  const uint64_t facts = registry.fact_count();

  registry.BeginBatch();
  (void)registry.Learn(
      MakeRecord("g2", "gp-hillside", "relationship.registration"));
  v1::Record retraction = MakeRecord("c2", "asc-county", "consent.directive");
  retraction.set_retracts("c1");
  (void)registry.Learn(retraction);
  v1::Record other = MakeRecord("a1", "asc-county", "relationship.allocation");
  other.mutable_subject()->set_nhs_number("4010232137");
  (void)registry.Learn(other);
  EXPECT_EQ(registry.subject_count(), 2u);
  registry.RollbackBatch();

  EXPECT_EQ(registry.subject_count(), 1u);
  EXPECT_EQ(registry.fact_count(), facts);
  EXPECT_EQ(registry.Consent(subject, "sap", "direct-care").status,
            ConsentStatus::kGiven);
  std::vector<std::string> agencies;
  registry.ForEachRelationship(subject,
                               [&](std::string_view agency, std::string_view) {
                                 agencies.emplace_back(agency);
                               });
  EXPECT_THAT(agencies, ::testing::ElementsAre("gp-riverside"));
  // The rolled-back records can be learned again when they come again.
  registry.BeginBatch();
  EXPECT_EQ(
      registry
          .Learn(MakeRecord("g2", "gp-hillside", "relationship.registration"))
          .size(),
      1u);
  registry.CommitBatch();
  EXPECT_EQ(registry.History(subject)->relationships.back().agency,
            "gp-hillside");
}

TEST(RegistryBatchTest, OverlappingBatchesCommitOldestFirstAndRollBackNewestFirst) {
  Registry registry(testing::TestAgencies());
  const v1::Subject subject = MakeRecord("x", "gp-riverside", "x").subject();
  const auto practices = [&] {
    std::vector<std::string> agencies;
    for (const auto &relationship : registry.History(subject)->relationships) {
      if (relationship.active()) agencies.push_back(relationship.agency);
    }
    return agencies;
  };
  registry.BeginBatch();  // the batch being written
  (void)registry.Learn(
      MakeRecord("g1", "gp-riverside", "relationship.registration"));
  registry.BeginBatch();  // the next, routed on what the first taught
  (void)registry.Learn(
      MakeRecord("g2", "gp-hillside", "relationship.registration"));
  EXPECT_THAT(practices(), ::testing::ElementsAre("gp-hillside"));

  // The first is written: kept. The second's commit fails: only it goes.
  registry.CommitBatch();
  registry.RollbackBatch();
  EXPECT_THAT(practices(), ::testing::ElementsAre("gp-riverside"));
  EXPECT_EQ(registry.fact_count(), 1u);

  // Both refused: newest first, back to before the first.
  registry.BeginBatch();
  (void)registry.Learn(
      MakeRecord("g3", "gp-hillside", "relationship.registration"));
  registry.BeginBatch();
  v1::Record other = MakeRecord("a1", "asc-county", "relationship.allocation");
  other.mutable_subject()->set_nhs_number("4010232137");
  (void)registry.Learn(other);
  registry.RollbackBatch();
  registry.RollbackBatch();
  EXPECT_THAT(practices(), ::testing::ElementsAre("gp-riverside"));
  EXPECT_EQ(registry.subject_count(), 1u);
  EXPECT_EQ(registry.fact_count(), 1u);
}

TEST(RegistryBatchTest, LoadRebuildsTheStateFromJournaledFacts) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("registry_load_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const v1::Subject subject = MakeRecord("x", "gp-riverside", "x").subject();
  {
    auto store =
        store::JournalStore::Open(dir.string(), {.preallocate = false});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    Registry registry(testing::TestAgencies());
    std::vector<store::NewRecord> batch;
    for (const v1::Record &record :
         {MakeRecord("g1", "gp-riverside", "relationship.registration"),
          MakeRecord("c1", "asc-county", "consent.directive",
                     {{"Status", "objected"}, {"Protocol", "sap"}}),
          MakeRecord("r1", "asc-county", "assessment.single"),
          MakeRecord("g2", "gp-hillside", "relationship.registration")}) {
      store::NewRecord &entry = batch.emplace_back();
      entry.record_id = record.record_id();
      entry.source_agency = record.source_agency();
      entry.record_type = record.record_type();
      entry.payload = record.SerializeAsString();
      entry.registry_facts = registry.Learn(record);
    }
    ASSERT_TRUE((*store)->Commit(batch, {}, "hash").ok());
  }
  auto store = store::JournalStore::Open(dir.string(), {.preallocate = false});
  ASSERT_TRUE(store.ok());
  auto registry = Registry::Load(**store, testing::TestAgencies());
  ASSERT_TRUE(registry.ok()) << registry.status().ToString();
  EXPECT_EQ((*registry)->fact_count(), 3u);
  EXPECT_EQ((*registry)->Consent(subject, "sap", "safeguarding").status,
            ConsentStatus::kObjected);
  const SubjectFacts *history = (*registry)->History(subject);
  ASSERT_NE(history, nullptr);
  ASSERT_EQ(history->relationships.size(), 2u);
  EXPECT_EQ(history->relationships[0].ended_by, "g2");
  EXPECT_TRUE(history->relationships[1].active());
  std::filesystem::remove_all(dir);
}

TEST(RegistryBatchTest, LoadSkipsFactsOfUnknownKindsAndRefusesGarbage) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("registry_garbage_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto store = store::JournalStore::Open(dir.string(), {.preallocate = false});
  ASSERT_TRUE(store.ok());
  registry_facts::v1::Fact
      future; // a kind this version does not know: no kind set
  future.set_subject("9434765919");
  future.set_record_id("f1");
  std::vector<store::NewRecord> batch(1);
  batch[0].record_id = "f1";
  batch[0].registry_facts = {future.SerializeAsString()};
  ASSERT_TRUE((*store)->Commit(batch, {}, "hash").ok());
  auto loaded = Registry::Load(**store, testing::TestAgencies());
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ((*loaded)->subject_count(), 0u);

  batch[0].record_id = "f2";
  batch[0].registry_facts = {std::string("\xff\xff\xff", 3)};
  ASSERT_TRUE((*store)->Commit(batch, {}, "hash").ok());
  EXPECT_EQ(Registry::Load(**store, testing::TestAgencies()).status().code(),
            Code::kDataLoss);
  std::filesystem::remove_all(dir);
}

} // namespace
} // namespace gallery::registry
