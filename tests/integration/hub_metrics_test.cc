// hubd's /metrics through the real admin HTTP server: Prometheus text that promtool accepts,
// with the counts of what the region really did, and no record contents in it; and its
// health and readiness probes.
#include <cstdio>
#include <fstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/sdk/publisher.h"
#include "adapters/sdk/subscriber.h"
#include "hub/cli/admin_client.h"
#include "tests/integration/sample_records.h"
#include "tests/integration/test_region.h"

namespace gallery::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kAgencies = R"(  - {id: asc, name: Adult Social Care, kind: adult-social-care}
  - {id: dn, name: District Nursing, kind: community-health}
  - {id: gp-riverside, name: Riverside Surgery, kind: gp-practice, ods: Y00001}
)";

constexpr const char* kRules = R"(protocol: metrics
version: 1
rules:
  - id: asc-to-dn
    from: [asc]
    types: [assessment.single]
    to: [dn]
    include: ["*"]
)";

std::string Scrape(const std::string& admin_address) {
  auto reply = cli::CallAdmin(admin_address, "GET", "/metrics");
  EXPECT_TRUE(reply.ok()) << reply.status().ToString();
  if (!reply.ok()) return "";
  EXPECT_EQ(reply->status, 200);
  return reply->body;
}

// promtool's verdict on `text`: "" when it is well-formed.
std::string Promtool(const std::string& text, const std::filesystem::path& dir) {
  const auto path = dir / "metrics.txt";
  std::ofstream(path) << text;
  FILE* pipe = ::popen(("promtool check metrics < " + path.string() + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return "cannot run promtool";
  std::string output;
  char buffer[512];
  while (size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  const int status = ::pclose(pipe);
  return status == 0 ? output : "promtool failed: " + output;
}

TEST(HubMetricsTest, CountsWhatTheRegionDidInPrometheusText) {
  TestRegion region("metrics", kAgencies, kRules);
  const std::string endpoint = region.StartHub();

  sdk::Publisher publisher(TestClient(endpoint, "asc"));
  ASSERT_TRUE(publisher.Send(SingleAssessment("asc:1", kNhsNumbers[0], "Y00001")).ok());
  ASSERT_TRUE(publisher.Send(SingleAssessment("asc:2", kNhsNumbers[1], "Y00001")).ok());
  ASSERT_TRUE(publisher.Send(SingleAssessment("asc:1", kNhsNumbers[0], "Y00001")).ok());
  v1::Record bad = SingleAssessment("asc:bad", "1234567890", "Y00001");  // check digit wrong
  ASSERT_TRUE(publisher.Send(bad).ok());
  auto outcomes = publisher.Flush(std::chrono::seconds(20));
  ASSERT_TRUE(outcomes.ok()) << outcomes.status().ToString();

  for (const char* probe : {"/healthz", "/readyz"}) {
    auto reply = cli::CallAdmin(region.admin_address(), "GET", probe);
    ASSERT_TRUE(reply.ok()) << probe << ": " << reply.status().ToString();
    EXPECT_EQ(reply->status, 200) << probe << ": " << reply->body;
  }

  // Before dn connects both deliveries wait in its queue.
  std::string text = Scrape(region.admin_address());
  EXPECT_THAT(text, HasSubstr("gallery_records_received_total{source=\"asc\"} 4\n"));
  EXPECT_THAT(text, HasSubstr("gallery_records_confirmed_total{source=\"asc\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("gallery_records_duplicate_total{source=\"asc\"} 1\n"));
  EXPECT_THAT(text,
              HasSubstr("gallery_records_rejected_total{source=\"asc\",code=\"INVALID_ARGUMENT\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("gallery_deliveries_total{source=\"asc\",recipient=\"dn\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("gallery_queue_depth{recipient=\"dn\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("gallery_withholdings_total{source=\"asc\",agency=\"gp-riverside\","
                              "reason=\"no-rule\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("gallery_agency_connected{agency=\"asc\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("gallery_confirm_latency_seconds_count{source=\"asc\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("gallery_rule_set_info{hash=\""));
  EXPECT_THAT(text, HasSubstr("gallery_payloads_purged_total 0\n"));
  EXPECT_EQ(Promtool(text, region.dir()), "");

  // dn takes and acks both; its queue empties.
  sdk::Subscriber subscriber(TestClient(endpoint, "dn"));
  int delivered = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (delivered < 2 && std::chrono::steady_clock::now() < deadline) {
    auto delivery = subscriber.Next(std::chrono::milliseconds(200));
    ASSERT_TRUE(delivery.ok()) << delivery.status().ToString();
    if (!delivery->has_value()) continue;
    ASSERT_TRUE(subscriber.Ack((*delivery)->delivery_id).ok());
    ++delivered;
  }
  ASSERT_EQ(delivered, 2);
  std::string after;
  for (int i = 0; i < 100; ++i) {
    after = Scrape(region.admin_address());
    if (after.find("gallery_deliveries_acked_total{recipient=\"dn\"} 2\n") != std::string::npos &&
        after.find("gallery_queue_depth{recipient=\"dn\"} 0\n") != std::string::npos) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_THAT(after, HasSubstr("gallery_deliveries_acked_total{recipient=\"dn\"} 2\n"));
  EXPECT_THAT(after, HasSubstr("gallery_queue_depth{recipient=\"dn\"} 0\n"));
  EXPECT_THAT(after, HasSubstr("gallery_ack_latency_seconds_count{recipient=\"dn\"} 2\n"));
  EXPECT_EQ(Promtool(after, region.dir()), "");

  // Labels carry agency ids and codes; nothing from the records themselves.
  for (const char* personal : {"Edith", "Marsh", "ZZ99", "9990000018", "stockings"}) {
    EXPECT_THAT(after, Not(HasSubstr(personal)));
  }
}

}  // namespace
}  // namespace gallery::testing
