// adapters/python/gallery_adapter.py against a real hubd with CURVE: a housing
// association's JSON-lines export with good and bad lines is published (confirms, rejects
// by the adapter and by the hub, duplicates on a re-run), adult social care subscribes and
// gets the records redacted as the rule says, and keys the hub does not know are refused.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/common/command.h"
#include "tests/integration/test_region.h"

namespace gallery::testing {
namespace {

using nlohmann::json;
using test_support::CommandResult;
using test_support::RunCommand;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kAgencies =
    R"(  - {id: ha-riverside, name: Riverside Housing Association, kind: housing}
  - {id: asc-county, name: County Adult Social Care, kind: adult-social-care}
)";

// Adult social care sees the home and the first name, never the rent account.
constexpr const char* kRules = R"(protocol: python-adapter-test
version: 1
rules:
  - id: housing-to-asc
    from: [ha-riverside]
    types: [housing.assessment]
    to: [asc-county]
    include: ["Home environment", "@subject/given_name"]
)";

// Line 1, 3 and 7 are good; 2 is not JSON, 4 has no subject id, 5 a bad birth date, 6
// an NHS number whose check digit fails (the hub's check), 8 is blank and not counted.
constexpr const char* kExport =
    R"({"record_id": "ha-riverside:case:1", "record_type": "housing.assessment", "occurred_at": "2026-11-20T09:30:00Z", "subject": {"nhs_number": "9990000018", "local_id": "T-1001", "given_name": "Ada", "family_name": "Example", "birth_date": "1941-02-03"}, "sections": [{"heading": "Home environment", "fields": {"Stairs": "12 steps, no rail", "Bedrooms": 2, "Damp": true, "Visited": {"date": "2026-11-19"}}}, {"heading": "Rent account", "labels": ["financial"], "fields": {"Arrears": 310.5}}]}
{"record_id": "ha-riverside:case:2", "record_type": 
{"record_id": "ha-riverside:case:3", "record_type": "housing.assessment", "subject": {"local_id": "T-1003", "given_name": "Bo"}, "sections": [{"heading": "Home environment", "fields": {"Heating": {"code": "GAS", "system": "local:heating"}}}]}
{"record_id": "ha-riverside:case:4", "record_type": "housing.assessment", "subject": {"given_name": "Cy"}}
{"record_id": "ha-riverside:case:5", "record_type": "housing.assessment", "subject": {"local_id": "T-1005", "birth_date": "1941-02-30"}}
{"record_id": "ha-riverside:case:6", "record_type": "housing.assessment", "subject": {"nhs_number": "9990000019"}}
{"record_id": "ha-riverside:case:7", "record_type": "housing.assessment", "subject": {"local_id": "T-1007"}, "sections": [{"heading": "Rent account", "fields": {"Arrears": 0}}]}

)";

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<json> JsonLines(const std::filesystem::path& path) {
  std::vector<json> lines;
  std::istringstream in(ReadAll(path));
  for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
  return lines;
}

class PythonAdapterTest : public ::testing::Test {
 protected:
  // gallery_adapter.py MODE with `agency`'s keys (or the given ones) and `args`, standard
  // input from `stdin_path` when given, bounded by `timeout` as a backstop to the adapter's
  // own timeouts.
  CommandResult Run(const std::string& mode, const std::string& agency,
                    const std::vector<std::string>& args, std::vector<std::string> keys = {},
                    const std::string& stdin_path = "") {
    if (keys.empty()) keys = region_.KeyFlags(agency);
    std::string command = "PYTHONPATH='" + std::string(GALLERY_PYTHON_DIR) +
                          "' timeout 90 /usr/bin/python3 '" + std::string(GALLERY_SOURCE_DIR) +
                          "/adapters/python/gallery_adapter.py' " + mode + " --hub " +
                          endpoint_ + " --agency " + agency;
    for (const auto& a : keys) command += " '" + a + "'";
    for (const auto& a : args) command += " '" + a + "'";
    if (!stdin_path.empty()) command += " < '" + stdin_path + "'";
    return RunCommand(command);
  }

  std::filesystem::path WriteExport() {
    const auto path = region_.dir() / "export.jsonl";
    std::ofstream(path, std::ios::binary) << kExport;
    return path;
  }

  TestRegion region_{"python-adapter", kAgencies, kRules};
  std::string endpoint_ = region_.StartHub();
};

TEST_F(PythonAdapterTest, PublishesGoodLinesAndRejectsBadOnesByLineAndField) {
  const auto input = WriteExport();
  const auto rejects = region_.dir() / "rejects.jsonl";
  const CommandResult r = Run("publish", "ha-riverside",
                              {"--rejects", rejects.string(), "--timeout", "30", input.string()});
  EXPECT_EQ(r.exit_code, 1) << r.output;  // the hub rejected a record
  EXPECT_THAT(r.output, HasSubstr(input.string() +
                                  ": 7 records: 3 confirmed (0 duplicates), 4 rejected (1 by "
                                  "the hub)"));
  EXPECT_THAT(r.output, HasSubstr(input.string() + ":2: (line): not JSON"));
  EXPECT_THAT(r.output, HasSubstr(input.string() + ":4: subject: needs nhs_number or local_id"));
  EXPECT_THAT(r.output, HasSubstr(input.string() + ":5: subject.birth_date: must be a date"));
  EXPECT_THAT(r.output, HasSubstr(input.string() +
                                  ":6: record ha-riverside:case:6 rejected by the hub "
                                  "(INVALID_ARGUMENT): subject.nhs_number"));
  EXPECT_THAT(r.output, Not(HasSubstr("9990000019")));  // errors never quote values
  EXPECT_EQ(region_.JournaledRecords(), 3u);

  const std::vector<json> refused = JsonLines(rejects);
  ASSERT_EQ(refused.size(), 4u) << ReadAll(rejects);
  std::vector<int> lines;
  for (const json& j : refused) lines.push_back(j["line"]);
  std::sort(lines.begin(), lines.end());
  EXPECT_THAT(lines, ElementsAre(2, 4, 5, 6));
  for (const json& j : refused) {
    if (j["line"] == 5) {
      EXPECT_EQ(j["by"], "adapter");
      EXPECT_EQ(j["field"], "subject.birth_date");
    }
    if (j["line"] == 6) {
      EXPECT_EQ(j["by"], "hub");
      EXPECT_EQ(j["code"], "INVALID_ARGUMENT");
      EXPECT_EQ(j["record_id"], "ha-riverside:case:6");
    }
  }

  // A re-run is safe: the hub confirms what it holds as duplicates.
  const CommandResult again = Run("publish", "ha-riverside", {"--timeout", "30", input.string()});
  EXPECT_EQ(again.exit_code, 1) << again.output;
  EXPECT_THAT(again.output, HasSubstr(": 7 records: 3 confirmed (3 duplicates)"));
  EXPECT_EQ(region_.JournaledRecords(), 3u);
}

TEST_F(PythonAdapterTest, GoodFileFromStandardInputExitsZero) {
  const auto input = region_.dir() / "good.jsonl";
  std::ofstream(input) << R"({"record_id": "ha-riverside:case:9", "record_type": "housing.assessment", "subject": {"local_id": "T-9"}})"
                       << "\n";
  const CommandResult r =
      Run("publish", "ha-riverside", {"--timeout", "30", "-"}, {}, input.string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("<stdin>: 1 records: 1 confirmed (0 duplicates), 0 rejected"));
}

TEST_F(PythonAdapterTest, SubscriberWritesRedactedDeliveriesAndAcksThem) {
  const auto input = WriteExport();
  ASSERT_EQ(Run("publish", "ha-riverside", {"--timeout", "30", input.string()}).exit_code, 1);
  const auto inbox = region_.dir() / "asc-inbox.jsonl";
  const CommandResult r =
      Run("subscribe", "asc-county", {"--out", inbox.string(), "--idle", "3", "--seconds", "60"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr(inbox.string() + ": 3 deliveries written"));
  ASSERT_TRUE(WaitFor([&] { return region_.PendingDeliveries("asc-county") == 0; },
                      std::chrono::seconds(10)))
      << "deliveries left unacked";

  const std::vector<json> deliveries = JsonLines(inbox);
  ASSERT_EQ(deliveries.size(), 3u);
  const json& first = deliveries[0];
  EXPECT_EQ(first["rule_ids"], json::array({"housing-to-asc"}));
  const json& record = first["record"];
  EXPECT_EQ(record["record_id"], "ha-riverside:case:1");
  EXPECT_EQ(record["source_agency"], "ha-riverside");
  EXPECT_EQ(record["occurred_at"], "2026-11-20T09:30:00Z");
  EXPECT_TRUE(record.contains("received_at"));
  EXPECT_EQ(record["subject"]["nhs_number"], "9990000018");
  EXPECT_EQ(record["subject"]["given_name"], "Ada");
  EXPECT_FALSE(record["subject"].contains("family_name"));  // withheld by the rule
  EXPECT_FALSE(record["subject"].contains("birth_date"));
  ASSERT_EQ(record["sections"].size(), 1u);  // "Rent account" withheld
  const json& home = record["sections"][0];
  EXPECT_EQ(home["heading"], "Home environment");
  EXPECT_EQ(home["fields"]["Stairs"], "12 steps, no rail");
  EXPECT_EQ(home["fields"]["Bedrooms"], 2);
  EXPECT_EQ(home["fields"]["Damp"], true);
  EXPECT_EQ(home["fields"]["Visited"], json({{"date", "2026-11-19"}}));
  EXPECT_EQ(deliveries[1]["record"]["sections"][0]["fields"]["Heating"]["code"], "GAS");
  EXPECT_FALSE(deliveries[2]["record"].contains("sections"));  // only a rent account

  // Acked deliveries do not come again.
  const CommandResult again =
      Run("subscribe", "asc-county", {"--out", inbox.string(), "--idle", "2", "--seconds", "30"});
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_THAT(again.output, HasSubstr(": 0 deliveries written, 0 repeats acked"));
  EXPECT_EQ(JsonLines(inbox).size(), 3u);
}

TEST_F(PythonAdapterTest, KeyTheHubDoesNotKnowIsRefusedAtTheHandshake) {
  const auto stranger = region_.dir() / "stranger";
  std::filesystem::create_directories(stranger);
  const CommandResult made =
      test_support::Hubctl("keys new ha-riverside --dir '" + stranger.string() + "'");
  ASSERT_EQ(made.exit_code, 0) << made.output;
  const auto input = WriteExport();
  const CommandResult r =
      Run("publish", "ha-riverside", {"--connect-timeout", "20", input.string()},
          {"--key", (stranger / "ha-riverside.key").string(), "--hub-key",
           region_.hub_public_key_file().string()});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("the hub refused this agency's key"));
  EXPECT_EQ(region_.JournaledRecords(), 0u);
}

TEST_F(PythonAdapterTest, WrongHubKeyFailsTheHandshake) {
  const auto stranger = region_.dir() / "stranger";
  std::filesystem::create_directories(stranger);
  ASSERT_EQ(test_support::Hubctl("keys new not-the-hub --dir '" + stranger.string() + "'")
                .exit_code,
            0);
  const CommandResult r = Run(
      "publish", "ha-riverside", {"--connect-timeout", "20", WriteExport().string()},
      {"--key", (region_.agency_keys_dir() / "ha-riverside.key").string(), "--hub-key",
       (stranger / "not-the-hub.pub").string()});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("the CURVE handshake with " + endpoint_ + " failed"));
  EXPECT_EQ(region_.JournaledRecords(), 0u);
}

TEST_F(PythonAdapterTest, AnotherAgencysKeyCannotSpeakForThisOne) {
  const auto input = WriteExport();
  const CommandResult r = Run("publish", "ha-riverside", {input.string()},
                              region_.KeyFlags("asc-county"));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("the hub refused the session: UNAUTHENTICATED"));
  EXPECT_EQ(region_.JournaledRecords(), 0u);
}

TEST_F(PythonAdapterTest, UnreadableKeyIsAUsageError) {
  const CommandResult r = Run("publish", "ha-riverside", {"-"},
                              {"--key", (region_.dir() / "missing.key").string(), "--hub-key",
                               region_.hub_public_key_file().string()});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output, HasSubstr("cannot read key file"));
}

// Records published while the hub is down are sent once it is back, and confirmed.
TEST_F(PythonAdapterTest, WaitsForAHubThatIsDownAndPublishesWhenItIsBack) {
  region_.StopHub(SIGTERM);
  const auto input = region_.dir() / "good.jsonl";
  std::ofstream(input) << R"({"record_id": "ha-riverside:case:8", "record_type": "housing.assessment", "subject": {"local_id": "T-8"}})"
                       << "\n";
  std::vector<std::string> argv = {"/usr/bin/python3",
                                   std::string(GALLERY_SOURCE_DIR) +
                                       "/adapters/python/gallery_adapter.py",
                                   "publish", "--hub", endpoint_, "--agency", "ha-riverside"};
  for (const auto& k : region_.KeyFlags("ha-riverside")) argv.push_back(k);
  for (const char* a : {"--connect-timeout", "40", "--timeout", "40"}) argv.push_back(a);
  argv.push_back(input.string());
  const auto log = region_.dir() / "publisher.log";
  ChildProcess publisher(argv, log.string(), {"PYTHONPATH=" + std::string(GALLERY_PYTHON_DIR)});
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_TRUE(publisher.running()) << ReadAll(log);
  region_.StartHub(endpoint_);
  EXPECT_EQ(publisher.Wait(std::chrono::seconds(60)), 0) << ReadAll(log);
  EXPECT_THAT(ReadAll(log), HasSubstr("1 records: 1 confirmed (0 duplicates), 0 rejected"));
  EXPECT_EQ(region_.JournaledRecords(), 1u);
}

}  // namespace
}  // namespace gallery::testing
