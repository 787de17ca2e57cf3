// The PostgreSQL store's memory of recent deliveries: when it may answer Pending alone.
#include "hub/store/postgres_recent_deliveries.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace gallery::store::pg {
namespace {

using ::testing::ElementsAre;

RecentDeliveries::Delivery Delivery(size_t bytes) {
  return {std::make_shared<const std::string>(bytes, 'x'), {"rule"}, "record"};
}

// The ids Pending answers with, or {0} when it sends the caller to the database.
std::vector<uint64_t> Answer(const RecentDeliveries& recent, const std::string& recipient,
                             uint64_t after, size_t limit = 100) {
  std::vector<PendingDelivery> out;
  if (!recent.Pending(recipient, after, limit, out)) return {0};
  std::vector<uint64_t> ids;
  for (const auto& delivery : out) ids.push_back(delivery.delivery_id);
  return ids;
}

TEST(RecentDeliveriesTest, AnswersFromTheFirstIdItHoldsOnAndLeavesTheRestToTheDatabase) {
  RecentDeliveries recent(1 << 20);
  recent.Add("gp", 5, Delivery(10));
  recent.Add("gp", 6, Delivery(10));
  EXPECT_THAT(Answer(recent, "gp", 4), ElementsAre(5u, 6u));
  EXPECT_THAT(Answer(recent, "gp", 5), ElementsAre(6u));
  EXPECT_THAT(Answer(recent, "gp", 6), ElementsAre());
  EXPECT_THAT(Answer(recent, "gp", 4, 1), ElementsAre(5u));
  EXPECT_THAT(Answer(recent, "gp", 3), ElementsAre(0u)) << "ids up to 4 are not held";
  EXPECT_THAT(Answer(recent, "dn", 0), ElementsAre(0u)) << "a recipient never added";
}

TEST(RecentDeliveriesTest, AckedDeliveriesAreLeftOut) {
  RecentDeliveries recent(1 << 20);
  for (uint64_t id = 1; id <= 3; ++id) recent.Add("gp", id, Delivery(10));
  recent.Erase("gp", 2);
  recent.Erase("gp", 9);  // not held: nothing happens
  EXPECT_THAT(Answer(recent, "gp", 0), ElementsAre(1u, 3u));
}

TEST(RecentDeliveriesTest, IdsTakenByAnotherHubStartTheRecipientAfresh) {
  RecentDeliveries recent(1 << 20);
  recent.Add("gp", 1, Delivery(10));
  recent.Add("gp", 2, Delivery(10));
  recent.Add("gp", 5, Delivery(10));  // 3 and 4 went to another hub's commits
  EXPECT_THAT(Answer(recent, "gp", 4), ElementsAre(5u));
  EXPECT_THAT(Answer(recent, "gp", 2), ElementsAre(0u));
  recent.Clear();
  EXPECT_THAT(Answer(recent, "gp", 4), ElementsAre(0u));
  EXPECT_EQ(recent.bytes(), 0u);
}

TEST(RecentDeliveriesTest, OverCapacityTheOldestOfTheLargestQueueGo) {
  RecentDeliveries recent(64 * 1024);
  for (uint64_t id = 1; id <= 100; ++id) recent.Add("gp", id, Delivery(1000));
  recent.Add("dn", 1, Delivery(1000));
  EXPECT_LE(recent.bytes(), 64u * 1024);
  const std::vector<uint64_t> held = Answer(recent, "gp", 100);
  EXPECT_THAT(held, ElementsAre());
  // The newest are still held, and asking before the first one held goes to the database.
  std::vector<PendingDelivery> out;
  ASSERT_TRUE(recent.Pending("gp", 99, 10, out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].delivery_id, 100u);
  EXPECT_EQ(out[0].payload.size(), 1000u);
  EXPECT_THAT(Answer(recent, "gp", 0), ElementsAre(0u));
  EXPECT_THAT(Answer(recent, "dn", 0), ElementsAre(1u));
}

}  // namespace
}  // namespace gallery::store::pg
