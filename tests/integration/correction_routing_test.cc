// Corrections through a real hubd: an amendment and a retraction reach the agency that
// received the original after a rule change stopped sending it such records, with no field
// it was not given; an agency the new rules reach gets them by the rules; a correction of
// another agency's record is refused; one of a record never journaled goes by the rules.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <nlohmann/json.hpp>

#include "adapters/sdk/publisher.h"
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
using test_support::CommandResult;
using test_support::Hubctl;
using nlohmann::json;

constexpr const char* kAgencies = R"(  - {id: asc, name: Adult Social Care, kind: adult-social-care}
  - {id: dn, name: District Nursing, kind: community-health}
  - {id: housing, name: HomeSafe Housing, kind: housing}
)";

// Rules A: district nursing gets personal care and the given name.
constexpr const char* kToNursing = R"(protocol: corrections
version: 1
rules:
  - id: asc-to-dn
    from: [asc]
    types: [assessment.single]
    to: [dn]
    include: ["Personal care", "@subject/given_name"]
)";

// Rules B: housing instead, in full; district nursing no longer.
constexpr const char* kToHousing = R"(protocol: corrections
version: 2
rules:
  - id: asc-to-housing
    from: [asc]
    types: [assessment.single]
    to: [housing]
    include: ["*"]
)";

std::string RunningHash(const std::string& admin) {
  auto reply = cli::CallAdmin(admin, "GET", "/admin/rules");
  if (!reply.ok() || reply->status != 200) return "";
  return json::parse(reply->body, nullptr, false).value("hash", "");
}

// Every "Heading/Field" and demographic a delivered record carries.
std::vector<std::string> PathsOf(const v1::Record& record) {
  std::vector<std::string> paths;
  const v1::Demographics& d = record.subject().demographics();
  if (!d.given_name().empty()) paths.push_back("@subject/given_name");
  if (!d.family_name().empty()) paths.push_back("@subject/family_name");
  if (!d.birth_date().empty()) paths.push_back("@subject/birth_date");
  if (d.address_lines_size() > 0) paths.push_back("@subject/address");
  if (!d.postcode().empty()) paths.push_back("@subject/postcode");
  if (!d.phone().empty()) paths.push_back("@subject/phone");
  for (const v1::Section& section : record.sections()) {
    for (const v1::Field& field : section.fields()) {
      paths.push_back(section.heading() + "/" + field.name());
    }
  }
  return paths;
}

std::vector<std::string> RecordIds(const std::vector<v1::Deliver>& inbox) {
  std::vector<std::string> ids;
  for (const auto& d : inbox) ids.push_back(d.record().record_id());
  return ids;
}

const v1::Deliver* Find(const std::vector<v1::Deliver>& inbox, const std::string& record_id) {
  for (const auto& d : inbox) {
    if (d.record().record_id() == record_id) return &d;
  }
  return nullptr;
}

std::vector<Code> Codes(const std::vector<Status>& statuses) {
  std::vector<Code> out;
  for (const Status& status : statuses) out.push_back(status.code());
  return out;
}

// Publishes `records` as `agency` and returns each one's outcome, in order sent.
std::vector<Status> Publish(const std::string& endpoint, const std::string& agency,
                            const std::vector<v1::Record>& records) {
  sdk::Publisher publisher(TestClient(endpoint, agency));
  for (const auto& record : records) EXPECT_TRUE(publisher.Send(record).ok());
  auto outcomes = publisher.Flush(std::chrono::seconds(20));
  EXPECT_TRUE(outcomes.ok()) << outcomes.status().ToString();
  std::vector<Status> out;
  if (!outcomes.ok()) return out;
  for (const auto& record : records) {
    for (const auto& outcome : *outcomes) {
      if (outcome.record_id == record.record_id()) out.push_back(outcome.status);
    }
  }
  return out;
}

// On every store backend: each finds the earlier recipients in its own way.
class CorrectionRoutingTest : public ::testing::TestWithParam<StoreBackend> {};

TEST_P(CorrectionRoutingTest, CorrectionsReachEveryEarlierRecipientWithNoMoreThanItHad) {
  RegionOptions options;
  options.backend = GetParam();
  TestRegion region(std::string("corrections-") + BackendName(GetParam()), kAgencies, kToNursing,
                    options);
  const std::string endpoint = region.StartHub();
  const std::string admin = region.admin_address();
  region.StartSink("dn");
  region.StartSink("housing");

  const v1::Record original = SingleAssessment("asc:1", kNhsNumbers[0], "");
  EXPECT_THAT(Codes(Publish(endpoint, "asc", {original})), ElementsAre(Code::kOk));
  EXPECT_THAT(region.JournaledDeliveries()["dn"], ElementsAre("asc:1"));

  // The rules change: district nursing is no longer sent assessments; housing is.
  const std::string first_hash = RunningHash(admin);
  ASSERT_FALSE(first_hash.empty());
  std::ofstream(region.dir() / "rules" / "protocol.yaml") << kToHousing;
  ASSERT_EQ(::kill(region.hub().pid(), SIGHUP), 0);
  ASSERT_TRUE(WaitFor([&] { return RunningHash(admin) != first_hash; }, std::chrono::seconds(10)));

  // An amendment with a section the original did not have, the same amendment again, and
  // a retraction of the amendment (a correction of a correction).
  v1::Record amendment = SingleAssessment("asc:1-v2", kNhsNumbers[0], "");
  amendment.set_amends("asc:1");
  amendment.mutable_sections(0)->mutable_fields(0)->set_text("Needs help with buttons");
  auto* added = amendment.add_sections();
  added->set_heading("Mental health");
  auto* diagnosis = added->add_fields();
  diagnosis->set_name("Diagnosis");
  diagnosis->set_text("Low mood");
  v1::Record retraction = SingleAssessment("asc:1-x", kNhsNumbers[0], "");
  retraction.set_retracts("asc:1-v2");
  EXPECT_THAT(Codes(Publish(endpoint, "asc", {amendment})), ElementsAre(Code::kOk));
  EXPECT_THAT(Codes(Publish(endpoint, "asc", {amendment, retraction})),
              ElementsAre(Code::kOk, Code::kOk));

  // Another agency cannot correct asc's record: refused, naming the field and the records.
  v1::Record foreign = SingleAssessment("dn:1", kNhsNumbers[0], "");
  foreign.set_source_agency("dn");
  foreign.set_amends("asc:1");
  const std::vector<Status> refused = Publish(endpoint, "dn", {foreign});
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].code(), Code::kPermissionDenied);
  EXPECT_THAT(refused[0].message(), HasSubstr("amends: record 'dn:1' corrects record 'asc:1'"));

  // A correction of a record the hub never saw goes by the rules alone, with a warning.
  v1::Record orphan = SingleAssessment("asc:2-v2", kNhsNumbers[1], "");
  orphan.set_amends("asc:2");
  EXPECT_THAT(Codes(Publish(endpoint, "asc", {orphan})), ElementsAre(Code::kOk));

  ASSERT_TRUE(WaitFor([&] { return region.PendingDeliveries() == 0; }, std::chrono::seconds(30)));
  region.StopSinks();
  EXPECT_EQ(region.JournaledRecords(), 4u);  // the repeat and the refused one are not stored
  EXPECT_THAT(region.HubLog(),
              HasSubstr("record asc:2-v2 from asc corrects record asc:2, which the hub has not "
                        "journaled: routed by the rules alone"));

  // District nursing: the original, then each correction once, in order, never with more
  // than it was given: no new section, no demographics but the given name.
  const std::vector<v1::Deliver> dn = region.Inbox("dn");
  EXPECT_THAT(RecordIds(dn), ElementsAre("asc:1", "asc:1-v2", "asc:1-x"));
  ASSERT_EQ(dn.size(), 3u);
  EXPECT_THAT(dn[0].rule_ids(), ElementsAre("asc-to-dn"));
  EXPECT_THAT(PathsOf(dn[0].record()),
              ElementsAre("@subject/given_name", "Personal care/Washing and dressing"));
  EXPECT_THAT(dn[1].rule_ids(), ElementsAre("correction-of-disclosed"));
  EXPECT_EQ(dn[1].record().amends(), "asc:1");
  EXPECT_THAT(PathsOf(dn[1].record()),
              ElementsAre("@subject/given_name", "Personal care/Washing and dressing"));
  EXPECT_EQ(dn[1].record().sections(0).fields(0).text(), "Needs help with buttons");
  EXPECT_THAT(dn[2].rule_ids(), ElementsAre("correction-of-disclosed"));
  EXPECT_EQ(dn[2].record().retracts(), "asc:1-v2");
  EXPECT_THAT(PathsOf(dn[2].record()), IsEmpty());
  EXPECT_EQ(dn[2].record().subject().nhs_number(), kNhsNumbers[0]);

  // Housing, newly allowed: the corrections by the new rule, in full; never the original.
  const std::vector<v1::Deliver> housing = region.Inbox("housing");
  EXPECT_THAT(RecordIds(housing), ElementsAre("asc:1-v2", "asc:1-x", "asc:2-v2"));
  const v1::Deliver* housing_amendment = Find(housing, "asc:1-v2");
  ASSERT_NE(housing_amendment, nullptr);
  EXPECT_THAT(housing_amendment->rule_ids(), ElementsAre("asc-to-housing"));
  EXPECT_THAT(PathsOf(housing_amendment->record()), ::testing::Contains("Mental health/Diagnosis"));

  // The audit says why district nursing got the amendment.
  ASSERT_EQ(region.StopHub(SIGTERM), 0);
  const CommandResult report = Hubctl(std::string("audit subject ") + kNhsNumbers[0] +
                                      " --config " + region.config_path() + " --format json");
  ASSERT_EQ(report.exit_code, 0) << report.output;
  const json events = json::parse(report.output, nullptr, false)["events"];
  ASSERT_TRUE(events.is_array()) << report.output;
  std::vector<std::string> why;
  for (const json& event : events) {
    if (event["outcome"] != "disclosed") continue;
    why.push_back(event["record_id"].get<std::string>() + " " + event["agency"].get<std::string>() +
                  " " + event["basis"].get<std::string>() + " " +
                  event["corrects"].get<std::string>());
  }
  EXPECT_THAT(why, ElementsAre("asc:1 dn  ", "asc:1-v2 dn correction-of-disclosed asc:1",
                               "asc:1-v2 housing  asc:1",
                               "asc:1-x dn correction-of-disclosed asc:1-v2",
                               "asc:1-x housing  asc:1-v2"));
  EXPECT_THAT(report.output, Not(HasSubstr("Low mood")));
}

INSTANTIATE_TEST_SUITE_P(Backends, CorrectionRoutingTest, ::testing::ValuesIn(kAllBackends),
                         BackendParamName());

}  // namespace
}  // namespace gallery::testing
