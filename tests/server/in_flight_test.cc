// A subscription's deliveries in flight: acked in any order, counted, listed in id order.
#include "hub/server/in_flight.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace gallery::server {
namespace {

using ::testing::ElementsAre;

std::vector<uint64_t> Ids(const InFlight& in_flight) {
  std::vector<uint64_t> ids;
  in_flight.ForEach([&](uint64_t id, InFlight::Clock::time_point) { ids.push_back(id); });
  return ids;
}

TEST(InFlightTest, AcksInOrderEmptyIt) {
  InFlight in_flight;
  const auto now = InFlight::Clock::now();
  for (uint64_t id = 1; id <= 5; ++id) in_flight.Add(id, now);
  EXPECT_EQ(in_flight.size(), 5u);
  for (uint64_t id = 1; id <= 5; ++id) EXPECT_TRUE(in_flight.Erase(id));
  EXPECT_EQ(in_flight.size(), 0u);
  EXPECT_THAT(Ids(in_flight), ElementsAre());
}

TEST(InFlightTest, AcksOutOfOrderLeaveTheRestInIdOrder) {
  InFlight in_flight;
  const auto start = InFlight::Clock::now();
  for (uint64_t id = 10; id <= 14; ++id) in_flight.Add(id, start + std::chrono::seconds(id));
  EXPECT_TRUE(in_flight.Erase(12));
  EXPECT_TRUE(in_flight.Erase(10));
  EXPECT_FALSE(in_flight.Erase(12));  // already acked
  EXPECT_FALSE(in_flight.Erase(99));  // never sent
  EXPECT_TRUE(in_flight.contains(11));
  EXPECT_FALSE(in_flight.contains(10));
  EXPECT_EQ(in_flight.size(), 3u);
  EXPECT_THAT(Ids(in_flight), ElementsAre(11, 13, 14));
  InFlight::Clock::time_point first_sent;
  bool first = true;
  in_flight.ForEach([&](uint64_t, InFlight::Clock::time_point t) {
    if (first) first_sent = t;
    first = false;
  });
  EXPECT_TRUE(first_sent == start + std::chrono::seconds(11));
}

TEST(InFlightTest, AnOldUnackedDeliveryDoesNotLetItGrowWithoutBound) {
  InFlight in_flight;
  const auto now = InFlight::Clock::now();
  in_flight.Add(1, now);  // never acked
  for (uint64_t id = 2; id < 100'000; ++id) {
    in_flight.Add(id, now);
    ASSERT_TRUE(in_flight.Erase(id));
  }
  EXPECT_EQ(in_flight.size(), 1u);
  EXPECT_THAT(Ids(in_flight), ElementsAre(1));
  in_flight.Add(100'000, now);
  EXPECT_THAT(Ids(in_flight), ElementsAre(1, 100'000));
}

TEST(InFlightTest, ClearStartsOverFromAnyId) {
  InFlight in_flight;
  const auto now = InFlight::Clock::now();
  in_flight.Add(7, now);
  in_flight.Add(8, now);
  in_flight.clear();
  EXPECT_EQ(in_flight.size(), 0u);
  in_flight.Add(7, now);  // a rewind sends from the oldest again
  EXPECT_THAT(Ids(in_flight), ElementsAre(7));
}

}  // namespace
}  // namespace gallery::server
