// The adapter-csv binary end to end: flags, exit status, summary lines, and publishing to a
// stand-in hub that speaks the wire protocol (gallery/v1/wire.proto).
#include <sys/wait.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "gallery/v1/wire.pb.h"
#include "tests/adapters/csv_test_util.h"

namespace gallery::csv {
namespace {

using test_util::ReadAll;
using test_util::SourcePath;
using ::testing::HasSubstr;
using ::testing::Not;

// Just enough of hubd: Welcome for Hello, Heartbeat for Heartbeat, and for Publish a
// Confirm (duplicate when the id was seen before) or, for ids in `refuse`, a Reject.
// A silent hub answers nothing at all; a closed one refuses every session.
class FakeHub {
 public:
  enum class Mode { kNormal, kSilent, kRefuseSessions };

  explicit FakeHub(std::set<std::string> refuse = {}, Mode mode = Mode::kNormal)
      : refuse_(std::move(refuse)), mode_(mode), socket_(context_, zmq::socket_type::router) {
    socket_.set(zmq::sockopt::linger, 0);
    socket_.bind("tcp://127.0.0.1:*");
    endpoint_ = socket_.get(zmq::sockopt::last_endpoint);
    thread_ = std::thread([this] { Run(); });
  }
  ~FakeHub() {
    stop_ = true;
    thread_.join();
  }

  const std::string& endpoint() const { return endpoint_; }
  std::vector<v1::Record> published() {
    std::lock_guard lock(mu_);
    return published_;
  }
  std::string hello_agency() {
    std::lock_guard lock(mu_);
    return hello_agency_;
  }

 private:
  void Run() {
    while (!stop_) {
      zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
      zmq::poll(&item, 1, std::chrono::milliseconds(20));
      if ((item.revents & ZMQ_POLLIN) == 0) continue;
      std::vector<zmq::message_t> parts;
      (void)zmq::recv_multipart(socket_, std::back_inserter(parts));
      if (mode_ == Mode::kSilent || parts.size() != 2) continue;
      v1::Frame in;
      if (!in.ParseFromArray(parts[1].data(), static_cast<int>(parts[1].size()))) continue;
      v1::Frame out;
      if (mode_ == Mode::kRefuseSessions) {
        out.mutable_reject()->set_code(v1::UNAUTHENTICATED);
        out.mutable_reject()->set_reason("unknown agency");
      } else if (in.has_hello()) {
        std::lock_guard lock(mu_);
        hello_agency_ = in.hello().agency();
        out.mutable_welcome()->set_hub_id("fake");
      } else if (in.has_heartbeat()) {
        out.mutable_heartbeat();
      } else if (in.has_publish()) {
        const v1::Record& r = in.publish().record();
        if (refuse_.count(r.record_id()) > 0) {
          auto* reject = out.mutable_reject();
          reject->set_sequence(in.publish().sequence());
          reject->set_record_id(r.record_id());
          reject->set_code(v1::INVALID_ARGUMENT);
          reject->set_reason("record_type: not accepted from this agency");
        } else {
          std::lock_guard lock(mu_);
          const bool duplicate = !seen_.insert(r.record_id()).second;
          if (!duplicate) published_.push_back(r);
          auto* confirm = out.mutable_confirm();
          confirm->set_sequence(in.publish().sequence());
          confirm->set_record_id(r.record_id());
          confirm->set_duplicate(duplicate);
        }
      } else {
        continue;
      }
      const std::string bytes = out.SerializeAsString();
      socket_.send(parts[0], zmq::send_flags::sndmore);
      socket_.send(zmq::buffer(bytes), zmq::send_flags::none);
    }
  }

  const std::set<std::string> refuse_;
  const Mode mode_;
  zmq::context_t context_;
  zmq::socket_t socket_;  // used only by the thread once it runs
  std::string endpoint_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::set<std::string> seen_;
  std::vector<v1::Record> published_;
  std::string hello_agency_;
};

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

std::string WriteTemp(const std::string& name, const std::string& content) {
  const std::string path = ::testing::TempDir() + name;
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
}

TEST(AdapterCsvTest, FileThatDoesNotFitTheMappingPublishesNothing) {
  FakeHub hub;
  const RunResult r =
      RunAdapter({"--hub", hub.endpoint(), "--mapping", DemoMapping("asc-county-assessments"),
                  DemoSample("asc-county-assessments"), DemoSample("dn-central-assessments")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("column 'Assessment ID' (record_id) is not in the header of " +
                               DemoSample("dn-central-assessments")));
  EXPECT_TRUE(hub.published().empty());
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

TEST(AdapterCsvTest, PublishesEveryRowAndReimportIsAllDuplicates) {
  FakeHub hub;
  const std::string sample = DemoSample("asc-county-assessments");
  const std::vector<std::string> args = {
      "--hub",        hub.endpoint(), "--mapping", DemoMapping("asc-county-assessments"),
      "--timeout-ms", "20000",        sample};
  const RunResult first = RunAdapter(args);
  EXPECT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_EQ(first.out, sample + ": 4 rows, 4 confirmed, 0 duplicates, 0 rejected\n");
  EXPECT_EQ(hub.hello_agency(), "asc-county");
  const std::vector<v1::Record> published = hub.published();
  ASSERT_EQ(published.size(), 4u);
  EXPECT_EQ(published[0].record_id(), "asc-county:assessment:ASC-24-0107");
  EXPECT_EQ(published[3].record_id(), "asc-county:assessment:ASC-24-0131");

  const RunResult again = RunAdapter(args);
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(again.out, sample + ": 4 rows, 0 confirmed, 4 duplicates, 0 rejected\n");
  EXPECT_EQ(hub.published().size(), 4u);
}

TEST(AdapterCsvTest, RefusedRowsAreListedByLineWithoutPatientValues) {
  FakeHub hub({"asc-county:r3"});
  const std::string csv = WriteTemp("refusals.csv",
                                    "Ref,NHS No,Surname\n"
                                    "r1,9990000018,Able\n"
                                    "r2,9990000019,Baker\n"
                                    "r3,9990000034,Carter\n");
  const std::string mapping =
      WriteTemp("refusals.yaml",
                "agency: asc-county\nrecord_type: assessment.single\nrecord_id: Ref\n"
                "subject: {nhs_number: NHS No, family_name: Surname}\n");
  const RunResult r = RunAdapter({"--verbose", "--hub", hub.endpoint(), "--mapping", mapping, csv});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(r.out, csv + ": 3 rows, 1 confirmed, 0 duplicates, 2 rejected\n" + csv +
                       ":3: record asc-county:r2: column 'NHS No' (subject.nhs_number): "
                       "check digit does not match\n" +
                       csv +
                       ":4: record asc-county:r3: hub refused it: INVALID_ARGUMENT: "
                       "record_type: not accepted from this agency\n");
  for (const char* value : {"9990000019", "Baker", "Carter", "9990000034"}) {
    EXPECT_THAT(r.out + r.err, Not(HasSubstr(value)));
  }
  EXPECT_THAT(r.err, HasSubstr("sent record asc-county:r1"));  // --verbose logs ids only
}

TEST(AdapterCsvTest, AgencyFlagOverridesTheMapping) {
  FakeHub hub;
  const RunResult r =
      RunAdapter({"--hub", hub.endpoint(), "--agency", "asc-west", "--mapping",
                  DemoMapping("gp-hillview-referrals"), DemoSample("gp-hillview-referrals")});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(hub.hello_agency(), "asc-west");
  const std::vector<v1::Record> published = hub.published();
  ASSERT_EQ(published.size(), 2u);
  EXPECT_EQ(published[0].source_agency(), "asc-west");
  EXPECT_EQ(published[0].record_id(), "gp-hillview:referral:HV/2024/0871");  // explicit prefix
}

TEST(AdapterCsvTest, SilentHubMeansExitThreeWithUnconfirmedRows) {
  FakeHub hub({}, FakeHub::Mode::kSilent);
  const std::string sample = DemoSample("gp-riverside-referrals");
  const RunResult r = RunAdapter({"--hub", hub.endpoint(), "--timeout-ms", "300", "--mapping",
                                  DemoMapping("gp-riverside-referrals"), sample});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_EQ(r.out, sample + ": 2 rows, 0 confirmed, 0 duplicates, 0 rejected, 2 unconfirmed\n");
  EXPECT_THAT(r.err, HasSubstr("not confirmed by the hub in time"));
}

TEST(AdapterCsvTest, RefusedSessionExitsOne) {
  FakeHub hub({}, FakeHub::Mode::kRefuseSessions);
  const RunResult r =
      RunAdapter({"--hub", hub.endpoint(), "--timeout-ms", "10000", "--mapping",
                  DemoMapping("gp-riverside-referrals"), DemoSample("gp-riverside-referrals")});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("UNAUTHENTICATED: hub refused session: unknown agency"));
  EXPECT_TRUE(hub.published().empty());
}

}  // namespace
}  // namespace gallery::csv
