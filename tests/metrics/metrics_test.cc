#include "hub/metrics/metrics.h"

#include <cstdio>
#include <string>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace gallery::metrics {
namespace {

using ::testing::HasSubstr;

TEST(MetricsTest, AFamilyWithoutLabelsIsShownAtZeroFromTheStart) {
  Registry registry;
  registry.AddCounter("gallery_records_received_total", "Records taken from publishers.");
  EXPECT_EQ(registry.Render(),
            "# HELP gallery_records_received_total Records taken from publishers.\n"
            "# TYPE gallery_records_received_total counter\n"
            "gallery_records_received_total 0\n");
}

TEST(MetricsTest, CountersPerLabelSetAreRenderedInLabelOrder) {
  Registry registry;
  auto& deliveries = registry.AddCounter("gallery_deliveries_total", "Deliveries journaled.",
                                         {"source", "recipient"});
  deliveries.WithLabels({"hospital", "gp-riverside"}).Increment(3);
  deliveries.WithLabels({"hospital", "gp-hillview"}).Increment();
  deliveries.WithLabels({"hospital", "gp-riverside"}).Increment();
  EXPECT_THAT(registry.Render(),
              HasSubstr("gallery_deliveries_total{source=\"hospital\",recipient=\"gp-hillview\"} 1\n"
                        "gallery_deliveries_total{source=\"hospital\",recipient=\"gp-riverside\"} 4\n"));
}

TEST(MetricsTest, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  Registry registry;
  auto& latency = registry.AddHistogram("gallery_confirm_seconds", "Confirm latency.", {},
                                        {0.001, 0.01});
  Histogram& h = latency.WithLabels({});
  h.Observe(0.0005);
  h.Observe(0.001);  // on a bound: counts in that bucket (le means less or equal)
  h.Observe(0.005);
  h.Observe(2);
  EXPECT_THAT(registry.Render(), HasSubstr("gallery_confirm_seconds_bucket{le=\"0.001\"} 2\n"
                                           "gallery_confirm_seconds_bucket{le=\"0.01\"} 3\n"
                                           "gallery_confirm_seconds_bucket{le=\"+Inf\"} 4\n"
                                           "gallery_confirm_seconds_sum 2.0065\n"
                                           "gallery_confirm_seconds_count 4\n"));
}

TEST(MetricsTest, CollectorsRefreshGaugesBeforeEachRender) {
  Registry registry;
  auto& depth = registry.AddGauge("gallery_queue_depth", "Unacked deliveries.", {"recipient"});
  int scrapes = 0;
  registry.AddCollector([&] {
    depth.Clear();
    ++scrapes;
    if (scrapes == 1) depth.WithLabels({"gone-agency"}).Set(7);
    depth.WithLabels({"gp-riverside"}).Set(scrapes * 10);
  });
  EXPECT_THAT(registry.Render(), HasSubstr("gallery_queue_depth{recipient=\"gone-agency\"} 7\n"));
  const std::string second = registry.Render();
  EXPECT_THAT(second, HasSubstr("gallery_queue_depth{recipient=\"gp-riverside\"} 20\n"));
  EXPECT_EQ(second.find("gone-agency"), std::string::npos);
}

TEST(MetricsTest, CountsFromManyThreadsAddUp) {
  Registry registry;
  Counter& counter = registry.AddCounter("gallery_test_total", "Test.").WithLabels({});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100000; ++i) counter.Increment();
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(counter.value(), 400000u);
}

TEST(MetricsDeathTest, BadNamesAndWrongLabelCountsAbort) {
  EXPECT_DEATH(Registry().AddCounter("bad-name", "x"), "bad metric name");
  EXPECT_DEATH(Registry().AddGauge("gallery_x", "x", {"__reserved"}), "bad label name");
  EXPECT_DEATH(Registry().AddHistogram("gallery_h", "x", {"le"}, {1}), "bad label name");
  EXPECT_DEATH(
      {
        Registry registry;
        registry.AddCounter("gallery_x_total", "x");
        registry.AddCounter("gallery_x_total", "x");
      },
      "added twice");
  EXPECT_DEATH(Registry().AddCounter("gallery_y_total", "y", {"a"}).WithLabels({}),
               "expected 1 label values");
  EXPECT_DEATH(Histogram({1, 1}), "strictly ascending");
}

// Prometheus' own checker (promtool, from Debian's prometheus package, installed by
// deploy/install-deps.sh) reads what a registry renders.
TEST(MetricsTest, PromtoolAcceptsTheRenderedText) {
  Registry registry;
  registry.AddCounter("gallery_records_received_total", "Records taken from publishers.");
  auto& deliveries = registry.AddCounter("gallery_deliveries_total",
                                         "Deliveries journaled, by source and recipient.",
                                         {"source", "recipient"});
  deliveries.WithLabels({"hospital", "gp \"river\\side\"\n"}).Increment(2);
  registry.AddGauge("gallery_rule_set_info", "Loaded rule set.", {"hash"})
      .WithLabels({"ab12"})
      .Set(1);
  auto& latency = registry.AddHistogram("gallery_confirm_latency_seconds", "Publish to confirm.",
                                        {"source"}, LatencyBuckets());
  latency.WithLabels({"hospital"}).Observe(0.0004);

  const std::string path = ::testing::TempDir() + "metrics_promtool.txt";
  FILE* file = std::fopen(path.c_str(), "w");
  ASSERT_NE(file, nullptr);
  const std::string text = registry.Render();
  ASSERT_EQ(std::fwrite(text.data(), 1, text.size(), file), text.size());
  std::fclose(file);
  const std::string command = "promtool check metrics < " + path + " 2>&1";
  FILE* promtool = popen(command.c_str(), "r");
  ASSERT_NE(promtool, nullptr);
  std::string output;
  char buffer[512];
  while (size_t n = std::fread(buffer, 1, sizeof buffer, promtool)) output.append(buffer, n);
  const int status = pclose(promtool);
  EXPECT_EQ(status, 0) << output << "\n--- rendered:\n" << text;
  EXPECT_EQ(output, "");
}

}  // namespace
}  // namespace gallery::metrics
