// Involvement alerts through a real hubd under CURVE: the hospital publishes an unscheduled
// attendance for a child on a child protection plan; children's social care's subscriber
// receives the alert, the hospital's the notice of whom to call; both are acked and in the
// audit log. A child without a plan raises neither.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <map>
#include <nlohmann/json.hpp>

#include "adapters/sdk/publisher.h"
#include "adapters/sdk/subscriber.h"
#include "hub/cli/admin_client.h"
#include "tests/common/command.h"
#include "tests/integration/sample_records.h"
#include "tests/integration/test_region.h"

namespace gallery::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using json = nlohmann::json;
using test_support::CommandResult;
using test_support::Hubctl;

constexpr const char* kAgencies = R"(  - {id: hosp, name: General Hospital, kind: hospital, contact: "ED safeguarding 01632 960000"}
  - {id: csc, name: Children's Social Care, kind: childrens-social-care, contact: "MASH 0300 555 0100"}
  - {id: dn, name: District Nursing, kind: community-health}
)";

constexpr const char* kRules = R"(protocol: child-protection
version: 1
review_by: 2099-12-31
purpose: safeguarding
consent: override
justification: Seeking consent would put the child at risk.
rules: []
involvement_alerts:
  - id: cp-urgent-care-alert
    senders: [kind:hospital]
    types: [attendance.unscheduled]
    relationship: child-protection-plan
    holders: [kind:childrens-social-care]
)";

v1::Record MakeRecord(const std::string& id, const std::string& source, const std::string& type,
                      const std::string& nhs_number,
                      std::vector<std::pair<std::string, std::string>> fields) {
  v1::Record record;
  record.set_record_id(id);
  record.set_source_agency(source);
  record.set_record_type(type);
  record.mutable_subject()->set_nhs_number(nhs_number);
  record.mutable_subject()->mutable_demographics()->set_family_name("Marsh");
  auto* section = record.add_sections();
  section->set_heading("Details");
  for (auto& [name, value] : fields) {
    auto* field = section->add_fields();
    field->set_name(name);
    field->set_text(value);
  }
  return record;
}

void Publish(const std::string& endpoint, const std::string& agency,
             const std::vector<v1::Record>& records) {
  sdk::Publisher publisher(TestClient(endpoint, agency));
  for (const v1::Record& record : records) ASSERT_TRUE(publisher.Send(record).ok());
  auto flushed = publisher.Flush(std::chrono::seconds(20));
  ASSERT_TRUE(flushed.ok()) << flushed.status().ToString();
}

// Takes and acks `agency`'s deliveries for up to `timeout`, stopping once `want` came.
std::vector<sdk::Delivery> Receive(const std::string& endpoint, const std::string& agency,
                                   size_t want, std::chrono::milliseconds timeout) {
  sdk::Subscriber subscriber(TestClient(endpoint, agency));
  std::vector<sdk::Delivery> received;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (received.size() < want && std::chrono::steady_clock::now() < deadline) {
    auto next = subscriber.Next(std::chrono::milliseconds(100));
    if (!next.ok() || !next->has_value()) continue;
    EXPECT_TRUE(subscriber.Ack((*next)->delivery_id).ok());
    received.push_back(**std::move(next));
  }
  // Nothing more should come; a short wait also lets the acks reach the journal.
  auto extra = subscriber.Next(std::chrono::milliseconds(500));
  EXPECT_TRUE(extra.ok() && !extra->has_value()) << "unexpected delivery to " << agency;
  return received;
}

std::map<std::string, std::string> Fields(const v1::Record& record) {
  std::map<std::string, std::string> fields;
  for (const v1::Section& section : record.sections()) {
    for (const v1::Field& field : section.fields()) {
      fields[field.name()] = field.has_date_time() ? "(time)" : field.text();
    }
  }
  return fields;
}

TEST(InvolvementAlertTest, ChildOnAPlanAttendingAlertsSocialCareAndTellsTheHospitalWhomToCall) {
  TestRegion region("involvement-alerts", kAgencies, kRules);
  const std::string endpoint = region.StartHub();
  const std::string child_on_plan = kNhsNumbers[0];
  const std::string other_child = kNhsNumbers[1];
  Publish(endpoint, "csc",
          {MakeRecord("csc:plan:1", "csc", "relationship.child-protection-plan", child_on_plan,
                      {{"Date", "2026-01-02"}, {"Category", "neglect"}})});
  Publish(endpoint, "hosp",
          {MakeRecord("hosp:att:1", "hosp", "attendance.unscheduled", child_on_plan,
                      {{"Presenting complaint", "scald to left hand"}}),
           MakeRecord("hosp:att:2", "hosp", "attendance.unscheduled", other_child,
                      {{"Presenting complaint", "sprained ankle"}})});

  const std::vector<sdk::Delivery> alerts =
      Receive(endpoint, "csc", 1, std::chrono::seconds(10));
  ASSERT_EQ(alerts.size(), 1u);
  const v1::Record& alert = alerts[0].record;
  EXPECT_EQ(alert.record_type(), "involvement.alert");
  EXPECT_EQ(alert.record_id(), "hosp:att:1/involvement-alert/cp-urgent-care-alert/csc");
  EXPECT_EQ(alert.source_agency(), "hosp");
  EXPECT_EQ(alert.subject().nhs_number(), child_on_plan);
  EXPECT_THAT(alerts[0].rule_ids, ElementsAre("cp-urgent-care-alert"));
  const auto alert_fields = Fields(alert);
  EXPECT_EQ(alert_fields.at("Record"), "hosp:att:1");
  EXPECT_EQ(alert_fields.at("Record type"), "attendance.unscheduled");
  EXPECT_EQ(alert_fields.at("Sender name"), "General Hospital");
  EXPECT_EQ(alert_fields.at("Sender contact"), "ED safeguarding 01632 960000");
  EXPECT_EQ(alert_fields.at("Received at"), "(time)");
  EXPECT_THAT(alert.DebugString(), Not(HasSubstr("scald")));
  EXPECT_THAT(alert.DebugString(), Not(HasSubstr("Marsh")));

  const std::vector<sdk::Delivery> notices =
      Receive(endpoint, "hosp", 1, std::chrono::seconds(10));
  ASSERT_EQ(notices.size(), 1u);
  const v1::Record& notice = notices[0].record;
  EXPECT_EQ(notice.record_type(), "involvement.notice");
  EXPECT_EQ(notice.subject().nhs_number(), child_on_plan);
  const auto notice_fields = Fields(notice);
  EXPECT_EQ(notice_fields.at("Agency"), "csc");
  EXPECT_EQ(notice_fields.at("Agency name"), "Children's Social Care");
  EXPECT_EQ(notice_fields.at("Contact"), "MASH 0300 555 0100");
  EXPECT_EQ(notice_fields.at("Relationship"), "child-protection-plan");
  EXPECT_THAT(notice.DebugString(), Not(HasSubstr("neglect")));

  // Both acked: nothing pending for either.
  auto overview = cli::CallAdmin(region.admin_address(), "GET", "/admin/overview");
  ASSERT_TRUE(overview.ok()) << overview.status().ToString();
  const json backlogs = json::parse(overview->body)["backlogs"];
  ASSERT_FALSE(backlogs.empty()) << overview->body;
  for (const json& backlog : backlogs) {
    EXPECT_EQ(backlog["pending"], 0) << backlog.dump();
  }
  region.StopHub(SIGTERM);
  const std::string log = region.HubLog();
  EXPECT_THAT(log, HasSubstr("record hosp:att:1 from hosp: involvement alert "
                             "cp-urgent-care-alert to csc, notice to hosp"));
  EXPECT_THAT(log, Not(HasSubstr("hosp:att:2 from hosp: involvement alert")));

  const std::string config = " --config " + region.config_path();
  const CommandResult verify = Hubctl("audit verify" + config);
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  std::vector<std::string> events;
  for (const auto& [label, child] : {std::pair{"plan", child_on_plan}, {"none", other_child}}) {
    const CommandResult report = Hubctl("audit subject " + child + config + " --format json");
    ASSERT_EQ(report.exit_code, 0) << report.output;
    EXPECT_THAT(report.output, Not(HasSubstr("scald")));
    const json parsed = json::parse(report.output, nullptr, false);
    ASSERT_TRUE(parsed.contains("events")) << report.output;
    for (const json& event : parsed["events"]) {
      if (!event.contains("record_type") || event["record_type"] == "involvement-query") continue;
      std::string rules;
      if (event.contains("rule_ids")) {
        for (const json& rule : event["rule_ids"]) rules += rule.get<std::string>();
      }
      events.push_back(std::string(label) + " " + event["record_id"].get<std::string>() + " " +
                       event["outcome"].get<std::string>() + " " +
                       event["agency"].get<std::string>() + " " + rules);
    }
  }
  const std::string a = "plan ";
  EXPECT_THAT(events,
              ::testing::IsSupersetOf(
                  {a + "hosp:att:1/involvement-alert/cp-urgent-care-alert/csc disclosed csc "
                       "cp-urgent-care-alert",
                   a + "hosp:att:1/involvement-notice/cp-urgent-care-alert/csc disclosed hosp "
                       "cp-urgent-care-alert"}));
  for (const std::string& event : events) {
    if (event.starts_with("none ")) {
      EXPECT_THAT(event, Not(HasSubstr("involvement"))) << event;
    }
  }
}

// The hub's own records are out of agencies' reach: none may be published, taken first
// by id, amended or retracted.
TEST(InvolvementAlertTest, AgenciesCannotPublishOrCorrectTheHubsOwnRecords) {
  TestRegion region("involvement-reserved", kAgencies, kRules);
  const std::string endpoint = region.StartHub();
  const std::string child = kNhsNumbers[0];
  v1::Record typed = MakeRecord("hosp:fake:1", "hosp", "involvement.notice", child, {});
  v1::Record taken = MakeRecord("hosp:att:9/involvement-alert/cp-urgent-care-alert/csc", "hosp",
                                "attendance.unscheduled", child, {});
  v1::Record retraction = MakeRecord("hosp:att:10", "hosp", "attendance.unscheduled", child, {});
  retraction.set_retracts("hosp:att:1/involvement-notice/cp-urgent-care-alert/csc");
  sdk::Publisher publisher(TestClient(endpoint, "hosp"));
  for (const v1::Record* record : {&typed, &taken, &retraction}) {
    ASSERT_TRUE(publisher.Send(*record).ok());
  }
  auto flushed = publisher.Flush(std::chrono::seconds(20));
  const std::vector<sdk::PublishOutcome> outcomes =
      flushed.ok() ? *flushed : publisher.TakeOutcomes();
  ASSERT_EQ(outcomes.size(), 3u);
  for (const sdk::PublishOutcome& outcome : outcomes) {
    EXPECT_EQ(outcome.status.code(), Code::kPermissionDenied) << outcome.record_id;
    EXPECT_THAT(outcome.status.message(), HasSubstr("the hub makes itself")) << outcome.record_id;
  }
}

}  // namespace
}  // namespace gallery::testing
