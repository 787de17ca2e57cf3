// GET /admin/overview and hubctl status / top against a real hubd: the counts, agencies,
// flows and backlogs of what the region really did, and a stalled-recipient alert for a
// subscriber that takes its deliveries and never acks them.
#include <chrono>
#include <fstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "adapters/sdk/publisher.h"
#include "adapters/sdk/subscriber.h"
#include "hub/audit/audit_chain.h"
#include "hub/audit/audit_events.h"
#include "hub/audit/audit_hash.h"
#include "hub/cli/admin_client.h"
#include "hub/store/journal_store.h"
#include "tests/common/command.h"
#include "tests/integration/sample_records.h"
#include "tests/integration/test_region.h"

namespace gallery::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;
using test_support::Hubctl;

constexpr const char* kAgencies = R"(  - {id: asc, name: Adult Social Care, kind: adult-social-care}
  - {id: dn, name: District Nursing, kind: community-health}
  - {id: gp-riverside, name: Riverside Surgery, kind: gp-practice, ods: Y00001}
)";

constexpr const char* kRules = R"(protocol: overview
version: 1
rules:
  - id: asc-to-dn
    from: [asc]
    types: [assessment.single]
    to: [dn]
    include: ["*"]
)";

json Overview(const std::string& admin_address) {
  auto reply = cli::CallAdmin(admin_address, "GET", "/admin/overview");
  EXPECT_TRUE(reply.ok()) << reply.status().ToString();
  if (!reply.ok()) return json();
  EXPECT_EQ(reply->status, 200) << reply->body;
  return json::parse(reply->body, nullptr, /*allow_exceptions=*/false);
}

const json* Find(const json& list, const char* key, const std::string& value) {
  if (!list.is_array()) return nullptr;
  for (const json& item : list) {
    if (item.is_object() && item.value(key, "") == value) return &item;
  }
  return nullptr;
}

bool HasAlert(const json& overview, const std::string& name, const std::string& agency) {
  if (!overview.is_object() || !overview["alerts"].is_array()) return false;
  for (const json& alert : overview["alerts"]) {
    if (alert.value("name", "") == name && alert.value("agency", "") == agency) return true;
  }
  return false;
}

// The SDK clients heartbeat only while called: a short call to each keeps their sessions.
void KeepAlive(sdk::Publisher& publisher, sdk::Subscriber& subscriber) {
  EXPECT_TRUE(publisher.Flush(std::chrono::milliseconds(20)).ok());
  // Redeliveries after the ack timeout come back here, and stay unacked.
  EXPECT_TRUE(subscriber.Next(std::chrono::milliseconds(20)).ok());
}

TEST(OpsOverviewTest, ShowsTheRegionsFlowAndAStalledRecipient) {
  TestRegion region("overview", kAgencies, kRules);
  // A recipient is stalled once its oldest unacked delivery is 2 s old.
  std::ofstream(region.config_path(), std::ios::app)
      << "alerts:\n  recipient_stalled_after_s: 2\n";
  const std::string endpoint = region.StartHub();
  const std::string admin = region.admin_address();

  sdk::Publisher publisher(TestClient(endpoint, "asc"));
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(
        publisher.Send(SingleAssessment("asc:" + std::to_string(i), kNhsNumbers[i], "Y00001")).ok());
  }
  ASSERT_TRUE(publisher.Send(SingleAssessment("asc:bad", "1234567890", "Y00001")).ok());
  auto outcomes = publisher.Flush(std::chrono::seconds(20));
  ASSERT_TRUE(outcomes.ok()) << outcomes.status().ToString();

  // dn takes its deliveries and never acks them.
  sdk::Subscriber subscriber(TestClient(endpoint, "dn"));
  int taken = 0;
  for (int i = 0; i < 100 && taken < 3; ++i) {
    auto delivery = subscriber.Next(std::chrono::milliseconds(200));
    ASSERT_TRUE(delivery.ok()) << delivery.status().ToString();
    if (delivery->has_value()) ++taken;
  }
  ASSERT_EQ(taken, 3);

  json overview;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    KeepAlive(publisher, subscriber);
    overview = Overview(admin);
    if (HasAlert(overview, "GalleryRecipientStalled", "dn")) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(overview.is_object()) << "no JSON from /admin/overview";
  SCOPED_TRACE(overview.dump(2));
  SCOPED_TRACE(region.HubLog());
  EXPECT_TRUE(HasAlert(overview, "GalleryRecipientStalled", "dn"));

  EXPECT_EQ(overview["hub"]["id"], "test-hub");
  EXPECT_EQ(overview["hub"]["rules"], 1);
  EXPECT_EQ(overview["hub"]["audit_chain_intact"], true);
  EXPECT_GT(overview["hub"]["audit_chain_length"].get<uint64_t>(), 3u);
  EXPECT_THAT(overview["generated_at"].get<std::string>(), HasSubstr("T"));
  EXPECT_EQ(overview["records"]["received_total"], 4);
  EXPECT_EQ(overview["records"]["confirmed_total"], 3);
  EXPECT_EQ(overview["records"]["rejected_total"], 1);

  ASSERT_EQ(overview["agencies"].size(), 3u);
  const json* asc = Find(overview["agencies"], "id", "asc");
  ASSERT_NE(asc, nullptr);
  EXPECT_EQ((*asc)["name"], "Adult Social Care");
  EXPECT_EQ((*asc)["kind"], "adult-social-care");
  EXPECT_EQ((*asc)["connected"], true);
  const json* gp = Find(overview["agencies"], "id", "gp-riverside");
  ASSERT_NE(gp, nullptr);
  EXPECT_EQ((*gp)["connected"], false);

  ASSERT_EQ(overview["flows"].size(), 1u);
  EXPECT_EQ(overview["flows"][0]["source"], "asc");
  EXPECT_EQ(overview["flows"][0]["recipient"], "dn");
  EXPECT_EQ(overview["flows"][0]["delivered_total"], 3);

  const json* dn = Find(overview["backlogs"], "recipient", "dn");
  ASSERT_NE(dn, nullptr);
  EXPECT_EQ((*dn)["pending"], 3);
  EXPECT_EQ((*dn)["in_flight"], 3);
  EXPECT_EQ((*dn)["connected"], true);
  EXPECT_GE((*dn)["oldest_age_s"].get<double>(), 2.0);
  const json* asc_backlog = Find(overview["backlogs"], "recipient", "asc");
  ASSERT_NE(asc_backlog, nullptr);
  EXPECT_EQ((*asc_backlog)["pending"], 0);

  const json* no_rule = Find(overview["withheld"], "reason", "no-rule");
  ASSERT_NE(no_rule, nullptr);
  EXPECT_EQ((*no_rule)["total"], 3);
  EXPECT_EQ(overview["dead_letters"]["total"], 0);
  EXPECT_FALSE(HasAlert(overview, "GalleryAuditChainBroken", ""));

  // Records arrived within the last 10 s: the rate window shows them.
  const double received_per_s = overview["records"]["received_per_s"].get<double>();
  EXPECT_GT(received_per_s, 0.0);
  EXPECT_GT(overview["flows"][0]["per_s"].get<double>(), 0.0);

  // No record contents anywhere in it.
  for (const char* personal : {"Edith", "Marsh", "9990000018", "stockings"}) {
    EXPECT_THAT(overview.dump(), Not(HasSubstr(personal)));
  }

  KeepAlive(publisher, subscriber);
  const auto status = Hubctl("status --admin " + admin);
  EXPECT_EQ(status.exit_code, 0) << status.output;
  EXPECT_THAT(status.output, HasSubstr("hub test-hub"));
  EXPECT_THAT(status.output, HasSubstr("records  received 4  confirmed 3  rejected 1"));
  EXPECT_THAT(status.output, HasSubstr("agencies: 2 of 3 connected"));
  EXPECT_THAT(status.output, ::testing::ContainsRegex("asc +-> +dn +3 "));
  EXPECT_THAT(status.output, ::testing::ContainsRegex("\n +dn +3 +3 +[0-9.]+ s +yes\n"));
  EXPECT_THAT(status.output, ::testing::ContainsRegex("no-rule +3"));
  EXPECT_THAT(status.output, HasSubstr("dead letters: 0"));
  EXPECT_THAT(status.output, HasSubstr("warning   GalleryRecipientStalled: dn has 3 deliveries"));
  EXPECT_THAT(status.output, Not(HasSubstr("\x1b[")));  // not a terminal: no colours

  KeepAlive(publisher, subscriber);
  const auto start = std::chrono::steady_clock::now();
  const auto top = Hubctl("top --admin " + admin + " --interval 0.5 --iterations 2");
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(top.exit_code, 0) << top.output;
  size_t views = 0;
  for (size_t at = top.output.find("hub test-hub"); at != std::string::npos;
       at = top.output.find("hub test-hub", at + 1)) {
    ++views;
  }
  EXPECT_EQ(views, 2u) << top.output;
  EXPECT_GE(took, 0.5);
  EXPECT_THAT(top.output, HasSubstr("GalleryRecipientStalled"));
  EXPECT_THAT(top.output, Not(HasSubstr("\x1b[")));

  EXPECT_EQ(Hubctl("top --admin " + admin + " --interval 0").exit_code, 2);
  EXPECT_EQ(Hubctl("status").exit_code, 2);
}

TEST(OpsOverviewTest, AnAuditLogEditedWhileTheHubWasDownIsAlerted) {
  TestRegion region("overview-audit", kAgencies, kRules);
  {
    // Ten chained entries in the hub's store, entry 3 changed after it was sealed.
    auto store = store::JournalStore::Open(region.store_path());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto pseudonym =
        audit::SubjectPseudonym::Open((region.dir() / "scratch-subject.key").string(), true);
    ASSERT_TRUE(pseudonym.ok());
    audit::AuditChain chain(**store, {0, audit::ZeroHash()}, std::move(pseudonym).value());
    std::vector<std::string> entries;
    for (int i = 1; i <= 10; ++i) {
      audit_log::v1::Entry entry = audit::DeadLettered("r" + std::to_string(i), "dn", "refused");
      entries.push_back(chain.Seal(entry));
      if (i == 3) {
        entry.set_time_us(entry.time_us() + 1);
        entries.back() = entry.SerializeAsString();
      }
    }
    ASSERT_TRUE((*store)->AppendAudit(entries).ok());
  }
  region.StartHub();

  auto metrics = cli::CallAdmin(region.admin_address(), "GET", "/metrics");
  ASSERT_TRUE(metrics.ok()) << metrics.status().ToString();
  EXPECT_THAT(metrics->body, HasSubstr("\ngallery_audit_chain_intact 0\n"));
  const json overview = Overview(region.admin_address());
  ASSERT_TRUE(overview.is_object());
  EXPECT_EQ(overview["hub"]["audit_chain_intact"], false) << overview.dump(2);
  EXPECT_TRUE(HasAlert(overview, "GalleryAuditChainBroken", "")) << overview.dump(2);
  EXPECT_EQ(overview["alerts"][0]["severity"], "critical");
  EXPECT_THAT(region.HubLog(), HasSubstr("audit log broken at entry 3"));
  const auto status = Hubctl("status --admin " + region.admin_address());
  EXPECT_EQ(status.exit_code, 0) << status.output;
  EXPECT_THAT(status.output, HasSubstr("entries, BROKEN"));
  EXPECT_THAT(status.output, HasSubstr("critical  GalleryAuditChainBroken"));
}

TEST(OpsOverviewTest, HubctlStatusFailsWhenTheHubIsNotThere) {
  // Port 1: nothing of ours listens there, and the connection is refused at once.
  const auto status = Hubctl("status --admin 127.0.0.1:1");
  EXPECT_EQ(status.exit_code, 1) << status.output;
  EXPECT_THAT(status.output, HasSubstr("hubctl: "));
}

}  // namespace
}  // namespace gallery::testing
