#include "hub/server/flow_rates.h"

#include <gtest/gtest.h>

namespace gallery::server {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const Clock::time_point kStart = Clock::time_point() + std::chrono::hours(1);

TEST(FlowRatesTest, NoRateBeforeTwoSamples) {
  FlowRates rates;
  EXPECT_EQ(rates.PerSecond("received"), 0);
  rates.Sample(kStart, {{"received", 50}});
  EXPECT_EQ(rates.PerSecond("received"), 0);
}

TEST(FlowRatesTest, RateIsTheIncreaseOverTheWindow) {
  FlowRates rates(seconds(10));
  for (int i = 0; i <= 20; ++i) {
    // 3 records a second for the first 10 s, then 1 a second.
    const uint64_t total = i <= 10 ? 3 * i : 30 + (i - 10);
    rates.Sample(kStart + seconds(i), {{"received", total}});
  }
  // Only the last 10 s count: from t=10 (30) to t=20 (40).
  EXPECT_DOUBLE_EQ(rates.PerSecond("received"), 1.0);
  EXPECT_EQ(rates.PerSecond("unknown"), 0);
}

TEST(FlowRatesTest, KeysAppearingLaterCountFromZero) {
  FlowRates rates(seconds(10));
  rates.Sample(kStart, {});
  rates.Sample(kStart + seconds(2), {{"flow\nasc\ndn", 5}});
  EXPECT_DOUBLE_EQ(rates.PerSecond("flow\nasc\ndn"), 2.5);
}

TEST(FlowRatesTest, SparseSamplesStillGiveARate) {
  FlowRates rates(seconds(10));
  rates.Sample(kStart, {{"received", 0}});
  rates.Sample(kStart + seconds(30), {{"received", 60}});
  EXPECT_DOUBLE_EQ(rates.PerSecond("received"), 2.0);
  rates.Sample(kStart + seconds(31), {{"received", 61}});
  // No sample falls at the window's start (t=21): the one before it, t=0, starts it.
  EXPECT_DOUBLE_EQ(rates.PerSecond("received"), 61.0 / 31);
  rates.Sample(kStart + seconds(41), {{"received", 71}});
  // t=31 is the window's start now: the samples before it go.
  EXPECT_DOUBLE_EQ(rates.PerSecond("received"), 1.0);
}

TEST(FlowRatesTest, LastIncreaseIsWhenACounterLastWentUp) {
  FlowRates rates;
  rates.Sample(kStart, {{"override\ndn\nr1", 0}});
  EXPECT_FALSE(rates.LastIncrease("override\ndn\nr1").has_value());
  rates.Sample(kStart + seconds(1), {{"override\ndn\nr1", 1}});
  rates.Sample(kStart + seconds(2), {{"override\ndn\nr1", 1}});
  ASSERT_TRUE(rates.LastIncrease("override\ndn\nr1").has_value());
  EXPECT_EQ(*rates.LastIncrease("override\ndn\nr1"), kStart + seconds(1));
  // A counter first seen non-zero went up since the process started.
  rates.Sample(kStart + milliseconds(2500), {{"override\ndn\nr1", 1}, {"reload-refused", 2}});
  EXPECT_EQ(*rates.LastIncrease("reload-refused"), kStart + milliseconds(2500));
}

}  // namespace
}  // namespace gallery::server
