// The Store contract for Disclosures (what a correction needs to reach every earlier
// recipient), run against every backend.
#include "tests/store/store_conformance.h"

namespace gallery::store {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr int64_t kHour = 3600ll * 1000 * 1000;

std::vector<std::string> Agencies(const DisclosedRecord& record) {
  std::vector<std::string> out;
  for (const auto& recipient : record.recipients) out.push_back(recipient.agency);
  return out;
}

TEST_P(StoreConformanceTest, DisclosuresNameEachRecipientWithWhatWasWithheldFromIt) {
  auto store = Open();
  ASSERT_TRUE(store);
  NewRecord first = Record("r1", {"dn-central", "gp-riverside"});
  first.deliveries[1].withheld = {"@subject/postcode", "Finances/*"};
  std::vector<NewRecord> batch = {first, Record("r2", {}), Record("r3", {"dn-central"})};
  ASSERT_OK(store->Commit(batch, {}, "hash"));
  // Acked and dead-lettered deliveries count as much as pending ones.
  std::vector<AckedDelivery> acks = {{"dn-central", 1}};
  ASSERT_OK(store->Commit({}, acks, "hash"));
  ASSERT_OK(store->DeadLetterDelivery("gp-riverside", 1, 3, "refused", 5));

  const std::vector<std::string> asked = {"r3", "unknown", "r1", "r2"};
  auto found = store->Disclosures(asked);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_EQ(found->size(), 3u);  // in the order asked, the unknown id left out
  const DisclosedRecord& r3 = (*found)[0];
  const DisclosedRecord& r1 = (*found)[1];
  const DisclosedRecord& r2 = (*found)[2];
  EXPECT_EQ(r3.record_id, "r3");
  EXPECT_EQ(r1.record_id, "r1");
  EXPECT_EQ(r2.record_id, "r2");
  EXPECT_EQ(r1.source_agency, "asc-county");
  EXPECT_EQ(r1.payload, "payload of r1");
  EXPECT_THAT(Agencies(r1), ElementsAre("dn-central", "gp-riverside"));
  EXPECT_THAT(r1.recipients[0].withheld, ElementsAre("Finances/Income"));
  EXPECT_THAT(r1.recipients[1].withheld, ElementsAre("@subject/postcode", "Finances/*"));
  EXPECT_THAT(r2.recipients, IsEmpty());
  EXPECT_THAT(Agencies(r3), ElementsAre("dn-central"));

  auto none = store->Disclosures(std::vector<std::string>{});
  ASSERT_TRUE(none.ok());
  EXPECT_THAT(*none, IsEmpty());
}

TEST_P(StoreConformanceTest, DisclosuresOutliveThePayloadAndTheStore) {
  auto store = Open();
  ASSERT_TRUE(store);
  std::vector<NewRecord> batch = {Record("r1", {"dn-central"})};
  ASSERT_OK(store->Commit(batch, {}, "hash"));
  std::vector<AckedDelivery> acks = {{"dn-central", 1}};
  ASSERT_OK(store->Commit({}, acks, "hash"));
  auto purged = store->PurgePayloads(NowMicros() + kHour);
  ASSERT_TRUE(purged.ok()) << purged.status().ToString();
  ASSERT_EQ(*purged, 1u);
  store.reset();

  store = Open();
  ASSERT_TRUE(store);
  const std::vector<std::string> asked = {"r1"};
  auto found = store->Disclosures(asked);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].payload, "");  // retention took it; the recipients stay
  EXPECT_THAT(Agencies((*found)[0]), ElementsAre("dn-central"));
  EXPECT_THAT((*found)[0].recipients[0].withheld, ElementsAre("Finances/Income"));
}

}  // namespace
}  // namespace gallery::store
