// Hostile input against real processes: oversized and malformed frames, replayed frames,
// over-limit records, alias bombs in rules, paths that are not what they claim, and the
// admin API's bearer token. Each case checks the specific error and that nothing was
// accepted, lost or leaked.
#include <chrono>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/sdk/hub_connection.h"
#include "hub/cli/admin_client.h"
#include "tests/integration/sample_records.h"
#include "tests/integration/test_region.h"

namespace gallery::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using Clock = std::chrono::steady_clock;

constexpr const char* kAgencies = R"(  - {id: asc, name: Adult Social Care, kind: adult-social-care}
  - {id: dn, name: District Nursing, kind: community-health}
)";

constexpr const char* kToNursing = R"(protocol: input
version: 1
rules:
  - id: asc-to-dn
    from: [asc]
    types: [assessment.single]
    to: [dn]
    include: ["*"]
)";

// Ten levels of ten aliases: 10^10 nodes for any walker of the loaded document.
std::string AliasBombRules() {
  std::string text = "protocol: bomb\nversion: 1\nl0: &l0 [lol]\n";
  for (int level = 1; level <= 10; ++level) {
    const std::string previous = "*l" + std::to_string(level - 1);
    text += "l" + std::to_string(level) + ": &l" + std::to_string(level) + " [";
    for (int i = 0; i < 10; ++i) text += (i ? ", " : "") + previous;
    text += "]\n";
  }
  return text + "rules: *l10\n";
}

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void AppendToConfig(const TestRegion& region, const std::string& yaml) {
  std::ofstream(region.config_path(), std::ios::app) << yaml;
}

// A session speaking raw frames to the hub, through the SDK's connection (which does the
// handshake, and whatever authentication TestClient sets up).
class RawSession {
 public:
  explicit RawSession(const std::string& endpoint) : connection_(TestClient(endpoint, "asc")) {
    connected_ = WaitFor([&] {
      (void)connection_.Receive(Clock::now() + std::chrono::milliseconds(50));
      return connection_.TakeNewSession();
    }, std::chrono::seconds(10));
  }
  bool connected() const { return connected_; }

  // Sends `bytes` and returns the hub's Confirm or Reject for them (nullopt after 5 s).
  std::optional<v1::Frame> Answer(std::string_view bytes,
                                  std::chrono::milliseconds wait = std::chrono::seconds(5)) {
    connection_.SendBytes(bytes);
    const auto deadline = Clock::now() + wait;
    while (Clock::now() < deadline) {
      auto frame = connection_.Receive(deadline);
      if (!frame) continue;
      if (frame->has_confirm_batch() && frame->confirm_batch().confirms_size() > 0) {
        v1::Frame confirm;
        *confirm.mutable_confirm() = frame->confirm_batch().confirms(0);
        return confirm;
      }
      if (frame->has_confirm() || frame->has_reject()) return frame;
    }
    return std::nullopt;
  }

 private:
  sdk::HubConnection connection_;
  bool connected_ = false;
};

std::string PublishBytes(uint64_t sequence, const v1::Record& record) {
  v1::Frame frame;
  frame.mutable_publish()->set_sequence(sequence);
  *frame.mutable_publish()->mutable_record() = record;
  return frame.SerializeAsString();
}

TEST(SecurityInputTest, AnOversizedFrameIsRefusedBeforeParsingAndTheSessionGoesOn) {
  TestRegion region("oversized", kAgencies, kToNursing);
  AppendToConfig(region, "limits:\n  max_frame_bytes: 4096\n");
  RawSession session(region.StartHub());
  ASSERT_TRUE(session.connected());

  v1::Record big = SingleAssessment("asc:big", kNhsNumbers[0], "");
  big.mutable_sections(0)->mutable_fields(0)->set_text(std::string(5000, 'x'));
  const std::string bytes = PublishBytes(1, big);
  auto answer = session.Answer(bytes);
  ASSERT_TRUE(answer && answer->has_reject());
  EXPECT_EQ(answer->reject().code(), v1::INVALID_ARGUMENT);
  EXPECT_EQ(answer->reject().reason(), "frame of " + std::to_string(bytes.size()) +
                                           " bytes exceeds max_frame_bytes (4096)");

  // The same session still publishes.
  answer = session.Answer(PublishBytes(2, SingleAssessment("asc:ok", kNhsNumbers[0], "")));
  ASSERT_TRUE(answer && answer->has_confirm());
  EXPECT_EQ(answer->confirm().record_id(), "asc:ok");

  // Past twice the limit ZeroMQ cuts the connection off unread: no answer, hubd goes on.
  big.mutable_sections(0)->mutable_fields(0)->set_text(std::string(9000, 'x'));
  EXPECT_FALSE(session.Answer(PublishBytes(3, big), std::chrono::seconds(1)).has_value());
  EXPECT_TRUE(region.hub().running());
  RawSession next(region.endpoint());
  ASSERT_TRUE(next.connected());
  answer = next.Answer(PublishBytes(1, SingleAssessment("asc:after", kNhsNumbers[1], "")));
  ASSERT_TRUE(answer && answer->has_confirm());

  EXPECT_THAT(region.JournaledDeliveries()["dn"], ElementsAre("asc:ok", "asc:after"));
  EXPECT_THAT(region.HubLog(), Not(HasSubstr(std::string(64, 'x'))));
}

TEST(SecurityInputTest, AGarbagePublishIsRejectedAndHubdSurvives) {
  TestRegion region("garbage", kAgencies, kToNursing);
  RawSession session(region.StartHub());
  ASSERT_TRUE(session.connected());

  // A Publish tag whose length runs past the end, then bytes that are no protobuf at all.
  for (std::string_view garbage : {std::string_view("\x1a\x7f\x08\x01", 4),
                                   std::string_view("\x1a\x04\xff\xff\xff\xff", 6)}) {
    auto answer = session.Answer(garbage);
    ASSERT_TRUE(answer && answer->has_reject());
    EXPECT_EQ(answer->reject().code(), v1::INVALID_ARGUMENT);
    EXPECT_EQ(answer->reject().reason(), "malformed frame: not a gallery.v1.Frame");
  }
  EXPECT_TRUE(region.hub().running());
  auto answer = session.Answer(PublishBytes(1, SingleAssessment("asc:1", kNhsNumbers[0], "")));
  ASSERT_TRUE(answer && answer->has_confirm());
  EXPECT_EQ(region.JournaledRecords(), 1u);
}

TEST(SecurityInputTest, AReplayedFrameIsConfirmedTwiceButStoredAndDeliveredOnce) {
  TestRegion region("replay", kAgencies, kToNursing);
  region.StartHub();
  region.StartSink("dn");
  RawSession session(region.endpoint());
  ASSERT_TRUE(session.connected());

  const std::string bytes = PublishBytes(1, SingleAssessment("asc:replayed", kNhsNumbers[0], ""));
  auto first = session.Answer(bytes);
  ASSERT_TRUE(first && first->has_confirm());
  EXPECT_FALSE(first->confirm().duplicate());
  auto second = session.Answer(bytes);
  ASSERT_TRUE(second && second->has_confirm());
  EXPECT_EQ(second->confirm().record_id(), "asc:replayed");
  EXPECT_TRUE(second->confirm().duplicate());

  ASSERT_TRUE(WaitFor([&] { return region.Inbox("dn").size() == 1; }, std::chrono::seconds(10)));
  EXPECT_EQ(region.JournaledRecords(), 1u);
  EXPECT_THAT(region.JournaledDeliveries()["dn"], ElementsAre("asc:replayed"));
  // The sink acks after writing its inbox: wait for the hub to have taken the ack.
  EXPECT_TRUE(WaitFor([&] { return region.PendingDeliveries("dn") == 0; },
                      std::chrono::seconds(10), std::chrono::milliseconds(100)));
  EXPECT_THAT(region.SinkReceived("dn"), ElementsAre("asc:replayed"));
}

TEST(SecurityInputTest, AnOverLimitRecordIsRefusedNamingItsIdAndFieldNotItsValue) {
  TestRegion region("record-limits", kAgencies, kToNursing);
  AppendToConfig(region, "limits:\n  max_string_bytes: 64\n  max_sections: 4\n");
  RawSession session(region.StartHub());
  ASSERT_TRUE(session.connected());

  v1::Record record = SingleAssessment("asc:long", kNhsNumbers[0], "");
  const std::string secret = "Lives alone; " + std::string(80, 's');
  record.mutable_sections(0)->mutable_fields(0)->set_text(secret);
  auto answer = session.Answer(PublishBytes(1, record));
  ASSERT_TRUE(answer && answer->has_reject());
  EXPECT_EQ(answer->reject().code(), v1::INVALID_ARGUMENT);
  EXPECT_EQ(answer->reject().record_id(), "asc:long");
  EXPECT_EQ(answer->reject().reason(),
            "sections[0].fields[0].text: longer than the limit of 64 bytes");

  record = SingleAssessment("asc:wide", kNhsNumbers[0], "");
  while (record.sections_size() < 6) {
    record.add_sections()->set_heading("Extra " + std::to_string(record.sections_size()));
  }
  answer = session.Answer(PublishBytes(2, record));
  ASSERT_TRUE(answer && answer->has_reject());
  EXPECT_EQ(answer->reject().record_id(), "asc:wide");
  EXPECT_THAT(answer->reject().reason(), HasSubstr("sections[4]: beyond the limit of 4 sections"));

  EXPECT_EQ(region.JournaledRecords(), 0u);
  EXPECT_THAT(region.HubLog(), Not(HasSubstr("Lives alone")));
}

TEST(SecurityInputTest, AnAliasBombInTheRulesIsRefusedAtStartReloadAndCheckWithinASecond) {
  TestRegion region("alias-bomb", kAgencies, kToNursing);
  std::ofstream(region.dir() / "rules" / "bomb.yaml") << AliasBombRules();
  // Line 9 holds the alias that takes the count past the limit.
  const std::string where = (region.dir() / "rules" / "bomb.yaml").string() + ":9:25: ";

  // hubd refuses to start.
  auto started = Clock::now();
  ChildProcess hubd({TestRegion::Binary("hubd"), "--config", region.config_path()},
                    (region.dir() / "refused.log").string());
  EXPECT_EQ(hubd.Wait(std::chrono::seconds(10)), 2);
  EXPECT_LT(Clock::now() - started, std::chrono::seconds(1));
  EXPECT_THAT(ReadAll(region.dir() / "refused.log"),
              HasSubstr(where + "more than 1000000 nodes with aliases expanded"));

  // hubctl rules check, which runs the hub's loader, refuses it too.
  started = Clock::now();
  ChildProcess check({TestRegion::Binary("hubctl"), "rules", "check",
                      (region.dir() / "rules").string(), "--config", region.config_path()},
                     (region.dir() / "check.log").string());
  EXPECT_NE(check.Wait(std::chrono::seconds(10)), 0);
  EXPECT_LT(Clock::now() - started, std::chrono::seconds(1));
  EXPECT_THAT(ReadAll(region.dir() / "check.log"), HasSubstr("nodes with aliases expanded"));

  // A running hub refuses it on reload and keeps its rules.
  std::filesystem::rename(region.dir() / "rules" / "bomb.yaml", region.dir() / "bomb.yaml");
  region.StartHub();
  std::filesystem::rename(region.dir() / "bomb.yaml", region.dir() / "rules" / "bomb.yaml");
  started = Clock::now();
  auto reply = cli::CallAdmin(region.admin_address(), "POST", "/admin/rules/reload");
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_LT(Clock::now() - started, std::chrono::seconds(1));
  EXPECT_EQ(reply->status, 422);
  EXPECT_THAT(reply->body, HasSubstr("nodes with aliases expanded"));
  EXPECT_TRUE(region.hub().running());
}

TEST(SecurityInputTest, PathsThatAreNotWhatTheyClaimAreRefusedWithTheirName) {
  // A config whose rules folder is a file.
  TestRegion region("paths", kAgencies, kToNursing);
  std::string config = ReadAll(region.config_path());
  config.replace(config.find("  rules: rules\n"), 15, "  rules: rules/protocol.yaml\n");
  std::ofstream(region.config_path()) << config;
  ChildProcess hubd({TestRegion::Binary("hubd"), "--config", region.config_path()},
                    (region.dir() / "hubd.out").string());
  EXPECT_EQ(hubd.Wait(std::chrono::seconds(10)), 2);
  EXPECT_THAT(ReadAll(region.dir() / "hubd.out"),
              HasSubstr("rules folder '" + (region.dir() / "rules" / "protocol.yaml").string() +
                        "' is not a folder"));

  // A delivery mapping whose file names would leave the adapter's output folder.
  std::ofstream(region.dir() / "out.yaml")
      << "file_prefix: ../../etc/escaped\n"
         "columns:\n  - {column: Walking, path: Mobility/Walking}\n";
  std::filesystem::create_directories(region.dir() / "out");
  ChildProcess adapter({TestRegion::Binary("adapter-csv-out"), "--hub", "tcp://127.0.0.1:9",
                        "--agency", "dn", "--mapping", (region.dir() / "out.yaml").string(),
                        "--out", (region.dir() / "out").string()},
                       (region.dir() / "adapter.out").string());
  EXPECT_EQ(adapter.Wait(std::chrono::seconds(10)), 2);
  EXPECT_THAT(ReadAll(region.dir() / "adapter.out"),
              HasSubstr("out.yaml:1:14: 'file_prefix' must not contain '/', '.' or spaces"));
  EXPECT_TRUE(std::filesystem::is_empty(region.dir() / "out"));
}

TEST(SecurityInputTest, AnAdminApiBeyondLoopbackNeedsItsBearerToken) {
  TestRegion region("admin-token", kAgencies, kToNursing);
  const std::string config = ReadAll(region.config_path());
  // Without a token file, hubd refuses to listen beyond 127.0.0.1.
  AppendToConfig(region, "admin:\n  listen: \"127.0.0.2:0\"\n");
  ChildProcess refused({TestRegion::Binary("hubd"), "--config", region.config_path()},
                       (region.dir() / "refused.log").string());
  EXPECT_EQ(refused.Wait(std::chrono::seconds(10)), 2);
  EXPECT_THAT(ReadAll(region.dir() / "refused.log"),
              HasSubstr("'listen' is not 127.0.0.1 or localhost: set 'token_file'"));

  const std::string token = "s3cret-token-0123456789abcdef";
  std::ofstream(region.dir() / "admin.token") << token << "\n";
  std::ofstream(region.config_path())
      << config << "admin:\n  listen: \"127.0.0.2:0\"\n  token_file: admin.token\n";
  region.StartHub();
  const std::string admin = region.admin_address();
  ASSERT_THAT(admin, ::testing::StartsWith("127.0.0.2:"));

  for (const char* probe : {"/healthz", "/readyz"}) {
    auto reply = cli::CallAdmin(admin, "GET", probe);
    ASSERT_TRUE(reply.ok());
    EXPECT_EQ(reply->status, 200) << probe;
  }
  for (const std::string& wrong : {std::string(), std::string("wrong"), token + "x"}) {
    for (const char* path : {"/metrics", "/admin/deadletters"}) {
      auto reply = cli::CallAdmin(admin, "GET", path, wrong);
      ASSERT_TRUE(reply.ok());
      EXPECT_EQ(reply->status, 401) << path;
      EXPECT_EQ(reply->body, R"({"error":"a bearer token is required"})");
      EXPECT_EQ(reply->www_authenticate, R"(Bearer realm="gallery-hubd")");
    }
  }
  auto metrics = cli::CallAdmin(admin, "GET", "/metrics", token);
  ASSERT_TRUE(metrics.ok());
  EXPECT_EQ(metrics->status, 200);
  EXPECT_THAT(region.HubLog(), Not(HasSubstr(token)));

  // hubctl sends the token from --token-file.
  ChildProcess hubctl({TestRegion::Binary("hubctl"), "deadletter", "list", "--admin", admin,
                       "--token-file", (region.dir() / "admin.token").string()},
                      (region.dir() / "hubctl.out").string());
  EXPECT_EQ(hubctl.Wait(std::chrono::seconds(10)), 0) << ReadAll(region.dir() / "hubctl.out");
  ChildProcess without({TestRegion::Binary("hubctl"), "deadletter", "list", "--admin", admin},
                       (region.dir() / "without.out").string());
  EXPECT_EQ(without.Wait(std::chrono::seconds(10)), 1);
  EXPECT_THAT(ReadAll(region.dir() / "without.out"), HasSubstr("the hub answered 401"));
}

}  // namespace
}  // namespace gallery::testing
