// The adapter-csv binary end to end: flags, exit status and summary lines, and publishing to
// a real hubd on loopback (tests/integration/test_region.h), checked against what the hub
// journaled and what a real adapter-sink received.
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gallery/v1/wire.pb.h"
#include "tests/adapters/csv_test_util.h"
#include "tests/integration/test_region.h"

namespace gallery::csv {
namespace {

using gallery::testing::TestRegion;
using gallery::testing::WaitFor;
using test_util::ReadAll;
using test_util::SourcePath;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

RunResult RunAdapter(const std::vector<std::string>& args) {
  static int run = 0;
  const std::string err_path = ::testing::TempDir() + "adapter_csv_stderr_" +
                               std::to_string(::getpid()) + "_" + std::to_string(++run);
  std::string command = std::string(GALLERY_BIN_DIR) + "/adapter-csv";
  for (const auto& a : args) command += " '" + a + "'";
  command += " 2>'" + err_path + "'";
  RunResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.out.append(buffer, n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.err = ReadAll(err_path);
  std::remove(err_path.c_str());
  return result;
}

// TempDir() is shared by every build tree's tests, so the name carries the process id.
std::string WriteTemp(const std::string& name, const std::string& content) {
  const std::string path = ::testing::TempDir() + "adapter_csv_" + std::to_string(::getpid()) +
                           "_" + name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

std::string DemoMapping(const std::string& stem) {
  return SourcePath("deploy/demo/mappings/" + stem + ".yaml");
}
std::string DemoSample(const std::string& stem) {
  return SourcePath("deploy/demo/samples/" + stem + ".csv");
}

TEST(AdapterCsvTest, HelpPrintsUsageAndExitsZero) {
  const RunResult r = RunAdapter({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("usage: adapter-csv --hub ENDPOINT --mapping MAPPING.yaml"));
}

TEST(AdapterCsvTest, UsageErrorExitsTwo) {
  const RunResult r = RunAdapter({"--mapping", "m.yaml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("missing --hub (or use --check)"));
}

TEST(AdapterCsvTest, BadMappingExitsTwoWithItsPosition) {
  const std::string mapping =
      WriteTemp("bad_mapping.yaml", "agency: a\nrecord_type: x.y\nrecord_id: ID\nsubjekt: {}\n");
  const RunResult r =
      RunAdapter({"--check", "--mapping", mapping, DemoSample("asc-county-assessments")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr(mapping + ":4:1: unknown key 'subjekt'"));
  EXPECT_EQ(r.out, "");
  std::remove(mapping.c_str());
}

TEST(AdapterCsvTest, CheckMapsEveryDemoSampleWithoutAHub) {
  for (const char* stem :
       {"asc-county-assessments", "dn-central-assessments", "hosp-general-discharges",
        "gp-riverside-referrals", "gp-hillview-referrals"}) {
    const RunResult r = RunAdapter({"--check", "--mapping", DemoMapping(stem), DemoSample(stem)});
    EXPECT_EQ(r.exit_code, 0) << stem << "\n" << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr(DemoSample(stem) + ": ")) << stem;
    EXPECT_THAT(r.out, HasSubstr(" mapped, 0 rejected\n")) << stem;
  }
}

// The hub's agencies and one protocol: County ASC assessments reach district nursing; the
// referrals that asc-west publishes (AgencyFlagOverridesTheMapping) reach County ASC.
// gp-riverside is known but its referrals go nowhere.
constexpr const char* kAgencies =
    R"(  - {id: asc-county, name: County Adult Social Care, kind: adult-social-care}
  - {id: asc-west, name: West Adult Social Care, kind: adult-social-care}
  - {id: dn-central, name: Central District Nursing, kind: community-health}
  - {id: gp-riverside, name: Riverside Surgery, kind: gp-practice, ods: A81001}
)";

constexpr const char* kRules = R"(protocol: adapter-csv-test
version: 1
rules:
  - id: assessments-to-district-nursing
    from: [asc-county]
    types: [assessment.single]
    to: [dn-central]
    include: ["*"]
    exclude: ["Finances"]
  - id: west-referrals-to-county
    from: [asc-west]
    types: [referral.request]
    to: [asc-county]
    include: ["*"]
)";

// Record ids in inbox order; a record delivered twice appears twice.
std::vector<std::string> RecordIds(const std::vector<v1::Deliver>& inbox) {
  std::vector<std::string> ids;
  for (const auto& d : inbox) ids.push_back(d.record().record_id());
  return ids;
}

std::vector<std::string> Headings(const v1::Record& record) {
  std::vector<std::string> out;
  for (const auto& s : record.sections()) out.push_back(s.heading());
  return out;
}

// True when the process is in job-control stop ("T" in /proc/<pid>/stat).
bool IsStopped(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  std::getline(in, stat);
  const size_t paren = stat.rfind(')');  // the command name may itself hold spaces
  return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'T';
}

class AdapterCsvHubTest : public ::testing::Test {
 protected:
  // Waits until `records` are journaled and every delivery of them is acked by its sink,
  // which syncs its inbox before it acks.
  bool AllDelivered(size_t records) {
    return WaitFor(
        [&] { return region_.JournaledRecords() == records && region_.PendingDeliveries() == 0; },
        std::chrono::seconds(30));
  }

  // RunAdapter with `agency`'s --key and --hub-key added.
  RunResult RunAs(const std::string& agency, std::vector<std::string> args) {
    const std::vector<std::string> keys = region_.KeyFlags(agency);
    args.insert(args.begin(), keys.begin(), keys.end());
    return RunAdapter(args);
  }

  TestRegion region_{"adapter-csv", kAgencies, kRules};
};

TEST_F(AdapterCsvHubTest, FileThatDoesNotFitTheMappingPublishesNothing) {
  const std::string endpoint = region_.StartHub();
  const RunResult r =
      RunAs("asc-county", {"--hub", endpoint, "--mapping", DemoMapping("asc-county-assessments"),
                           DemoSample("asc-county-assessments"),
                           DemoSample("dn-central-assessments")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("column 'Assessment ID' (record_id) is not in the header of " +
                               DemoSample("dn-central-assessments")));
  EXPECT_EQ(region_.JournaledRecords(), 0u);
}

TEST_F(AdapterCsvHubTest, PublishesEveryRowAndReimportIsAllDuplicates) {
  const std::string endpoint = region_.StartHub();
  region_.StartSink("dn-central");
  const std::string sample = DemoSample("asc-county-assessments");
  const std::vector<std::string> args = {
      "--hub",        endpoint, "--mapping", DemoMapping("asc-county-assessments"),
      "--timeout-ms", "20000",  sample};
  const RunResult first = RunAs("asc-county", args);
  EXPECT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_EQ(first.out, sample + ": 4 rows, 4 confirmed, 0 duplicates, 0 rejected\n");
  ASSERT_TRUE(AllDelivered(4)) << "see " << region_.dir();

  const RunResult again = RunAs("asc-county", args);
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(again.out, sample + ": 4 rows, 0 confirmed, 4 duplicates, 0 rejected\n");
  // Confirms follow the journal commit, so nothing more can be on its way.
  EXPECT_EQ(region_.JournaledRecords(), 4u);
  EXPECT_EQ(region_.PendingDeliveries(), 0u);

  region_.StopSinks();
  const std::vector<v1::Deliver> inbox = region_.Inbox("dn-central");
  EXPECT_THAT(RecordIds(inbox), UnorderedElementsAre("asc-county:assessment:ASC-24-0107",
                                                     "asc-county:assessment:ASC-24-0112",
                                                     "asc-county:assessment:ASC-24-0120",
                                                     "asc-county:assessment:ASC-24-0131"));
  for (const v1::Deliver& d : inbox) {
    if (d.record().record_id() != "asc-county:assessment:ASC-24-0107") continue;
    EXPECT_THAT(d.rule_ids(), ElementsAre("assessments-to-district-nursing"));
    EXPECT_EQ(d.record().source_agency(), "asc-county");
    EXPECT_EQ(d.record().subject().nhs_number(), "9990000018");  // typed "999 000 0018"
    EXPECT_THAT(Headings(d.record()),
                ElementsAre("Personal care", "Mobility", "Home environment", "Carers"));
  }
}

// The mapping accepts these rows; the hub's record validator (hub/ingest/record_validator.h)
// refuses them: a heading with '/' (only present when its cell is filled) and a subject with
// neither an NHS number nor a local id.
TEST_F(AdapterCsvHubTest, RefusedRowsAreListedByLineWithoutPatientValues) {
  const std::string endpoint = region_.StartHub();
  const std::string csv = (region_.dir() / "refusals.csv").string();
  std::ofstream(csv) << "Ref,NHS No,Surname,Washing,Garden\n"
                        "r1,9990000018,Able,Needs help,\n"
                        "r2,9990000019,Baker,Independent,\n"
                        "r3,9990000034,Carter,Independent,Steep path\n"
                        "r4,,Dawson,Needs prompting,\n";
  const std::string mapping = (region_.dir() / "refusals.yaml").string();
  std::ofstream(mapping) << "agency: asc-county\nrecord_type: assessment.single\nrecord_id: Ref\n"
                            "subject: {nhs_number: NHS No, family_name: Surname}\n"
                            "sections:\n"
                            "  - heading: Personal care\n"
                            "    fields: [{name: Washing, column: Washing}]\n"
                            "  - heading: House/garden\n"
                            "    fields: [{name: Access, column: Garden}]\n";
  const RunResult r = RunAs("asc-county", {"--verbose", "--hub", endpoint, "--timeout-ms", "20000",
                                           "--mapping", mapping, csv});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(r.out, csv + ": 4 rows, 1 confirmed, 0 duplicates, 3 rejected\n" +  //
                       csv +
                       ":3: record asc-county:r2: column 'NHS No' (subject.nhs_number): "
                       "check digit does not match\n" +
                       csv +
                       ":4: record asc-county:r3: hub refused it: INVALID_ARGUMENT: "
                       "sections[1].heading: must not contain '/'\n" +
                       csv +
                       ":5: record asc-county:r4: hub refused it: INVALID_ARGUMENT: "
                       "subject: needs an nhs_number or at least one local id\n");
  for (const char* value :
       {"9990000019", "Baker", "Carter", "9990000034", "Steep path", "Dawson"}) {
    EXPECT_THAT(r.out + r.err, Not(HasSubstr(value)));
  }
  EXPECT_THAT(r.err, HasSubstr("sent record asc-county:r1"));  // --verbose logs ids only
  EXPECT_EQ(region_.JournaledRecords(), 1u);

  // --check applies the hub's own checks, so it foresees the same refusals.
  const RunResult check = RunAdapter({"--check", "--mapping", mapping, csv});
  EXPECT_EQ(check.exit_code, 1) << check.out << check.err;
  EXPECT_THAT(check.out, HasSubstr("sections[1].heading: must not contain '/'"));
  EXPECT_THAT(check.out, HasSubstr("subject: needs an nhs_number or at least one local id"));
}

TEST_F(AdapterCsvHubTest, AgencyFlagOverridesTheMapping) {
  const std::string endpoint = region_.StartHub();
  region_.StartSink("asc-county");
  const RunResult r =
      RunAs("asc-west", {"--hub", endpoint, "--agency", "asc-west", "--timeout-ms", "20000",
                         "--mapping", DemoMapping("gp-hillview-referrals"),
                         DemoSample("gp-hillview-referrals")});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  ASSERT_TRUE(AllDelivered(2)) << "see " << region_.dir();
  region_.StopSinks();
  // The hub takes a record only from a session of its source agency, and routes it by it.
  const std::vector<v1::Deliver> inbox = region_.Inbox("asc-county");
  EXPECT_THAT(RecordIds(inbox),  // the mapping's explicit prefix stays
              UnorderedElementsAre("gp-hillview:referral:HV/2024/0871",
                                   "gp-hillview:referral:HV/2024/0902"));
  for (const v1::Deliver& d : inbox) {
    EXPECT_EQ(d.record().source_agency(), "asc-west");
    EXPECT_THAT(d.rule_ids(), ElementsAre("west-referrals-to-county"));
  }
}

TEST_F(AdapterCsvHubTest, SilentHubMeansExitThreeWithUnconfirmedRows) {
  const std::string endpoint = region_.StartHub();
  const pid_t hub = region_.hub().pid();
  // A stopped hubd still has its port: the kernel accepts the connection, nothing answers.
  ASSERT_EQ(::kill(hub, SIGSTOP), 0);
  ASSERT_TRUE(WaitFor([&] { return IsStopped(hub); }, std::chrono::seconds(10)));
  const std::string sample = DemoSample("gp-riverside-referrals");
  const RunResult r = RunAs("gp-riverside", {"--hub", endpoint, "--timeout-ms", "300",
                                             "--mapping", DemoMapping("gp-riverside-referrals"),
                                             sample});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_EQ(r.out, sample + ": 2 rows, 0 confirmed, 0 duplicates, 0 rejected, 2 unconfirmed\n");
  EXPECT_THAT(r.err, HasSubstr("not confirmed by the hub in time"));

  // Nothing reached the stopped hub (it never completed the handshake), so importing the
  // same file once it answers again confirms every row.
  ASSERT_EQ(::kill(hub, SIGCONT), 0);
  const RunResult again = RunAs("gp-riverside", {"--hub", endpoint, "--timeout-ms", "20000",
                                                 "--mapping", DemoMapping("gp-riverside-referrals"),
                                                 sample});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(again.out, sample + ": 2 rows, 2 confirmed, 0 duplicates, 0 rejected\n");
  EXPECT_EQ(region_.JournaledRecords(), 2u);
}

TEST_F(AdapterCsvHubTest, RefusedSessionExitsOne) {
  const std::string endpoint = region_.StartHub();
  // gp-riverside's key: an agency without one cannot even connect.
  const RunResult r = RunAs("gp-riverside",
                            {"--hub", endpoint, "--agency", "gp-elsewhere", "--timeout-ms",
                             "10000", "--mapping", DemoMapping("gp-riverside-referrals"),
                             DemoSample("gp-riverside-referrals")});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.err,
              HasSubstr("UNAUTHENTICATED: hub refused session: Hello names agency "
                        "'gp-elsewhere' but this connection's key belongs to agency "
                        "'gp-riverside'"));
  EXPECT_EQ(region_.JournaledRecords(), 0u);
}

}  // namespace
}  // namespace gallery::csv
