// adapter-hl7v2-out end to end: a real hubd (tests/integration/test_region.h) delivers to
// the adapter process, which sends HL7 v2 over real MLLP connections on loopback: to the
// project's own adapter-hl7v2 (a round trip back into the hub), and to a scripted receiver
// that refuses, hangs up and then accepts, to see the retries.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "adapters/hl7v2/ack.h"
#include "adapters/hl7v2/mllp_framing.h"
#include "adapters/hl7v2/out/message_builder.h"
#include "adapters/sdk/publisher.h"
#include "tests/adapters/hl7v2/hl7_test_util.h"
#include "tests/integration/child_process.h"
#include "tests/integration/sample_records.h"
#include "tests/integration/test_region.h"

namespace gallery::hl7v2 {
namespace {

using gallery::testing::ChildProcess;
using gallery::testing::TestRegion;
using gallery::testing::WaitFor;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr auto kWait = std::chrono::seconds(20);

constexpr const char* kAgencies =
    R"(  - {id: asc-county, name: County Adult Social Care, kind: adult-social-care}
  - {id: hosp-general, name: General Hospital, kind: hospital}
  - {id: hosp-pas, name: General Hospital PAS feed, kind: hospital}
  - {id: dn-central, name: Central District Nursing, kind: community-health}
)";

// Assessments go to the hospital; what its PAS publishes back goes on to nursing.
constexpr const char* kRules = R"(protocol: adapter-hl7v2-out-test
version: 1
rules:
  - id: assessments-to-hospital
    from: [asc-county]
    types: [assessment.single]
    to: [hosp-general]
    include: ["*"]
    exclude: ["Finances"]
  - id: pas-to-nursing
    from: [hosp-pas]
    types: [assessment.received]
    to: [dn-central]
    include: ["*"]
)";

constexpr const char* kOutMapping = R"(sending_application: GALLERY
sending_facility: REGION
receiving_application: PAS
receiving_facility: RGH
messages:
  - record_type: assessment.single
    type: ORU^R01^ORU_R01
)";

constexpr const char* kInboundMapping = R"(agency: hosp-pas
subject:
  nhs_number: {field: PID-3, identifier_types: [NH], required: true}
  family_name: PID-5.1
  given_name: PID-5.2
  birth_date: PID-7
  gender: PID-8
occurred_at: [OBR-7, MSH-7]
messages:
  - {type: ORU^R01, record_type: assessment.received}
sections:
  - heading: Assessment
    rows: {segment: OBX, name: [OBX-3.2, OBX-3.1], value: OBX-5}
)";

v1::Record Assessment(const std::string& id) {
  v1::Record r = gallery::testing::SingleAssessment(id, "9990000018", "A81001");
  r.set_source_agency("asc-county");
  return r;
}

// How a ScriptedReceiver answers the message it received as number `index` (0-based, over
// all connections) with control id `control_id`: "AE", "AA", "DROP" (close without
// answering), or "HOLD" (AA once Release() is called).
using Script = std::function<std::string(size_t index, const std::string& control_id)>;

// The answers in order, then AA.
Script InOrder(std::vector<std::string> answers) {
  return [answers](size_t index, const std::string&) {
    return index < answers.size() ? answers[index] : "AA";
  };
}

// An MLLP system on 127.0.0.1 that answers as its script says.
class ScriptedReceiver {
 public:
  explicit ScriptedReceiver(Script script) : script_(std::move(script)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(listen_fd_, 8), 0);
    socklen_t length = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &length);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~ScriptedReceiver() {
    stop_ = true;
    thread_.join();
    ::close(listen_fd_);
  }
  ScriptedReceiver(const ScriptedReceiver&) = delete;
  ScriptedReceiver& operator=(const ScriptedReceiver&) = delete;

  uint16_t port() const { return port_; }
  void Release() { released_ = true; }
  // MSH-10 of every message received, in order, answered or not.
  std::vector<std::string> Received() {
    std::lock_guard lock(mutex_);
    return received_;
  }
  int connections() const { return connections_; }

 private:
  // True when `fd` is readable within 100 ms.
  static bool Readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, 100) > 0;
  }

  void Serve() {
    while (!stop_) {
      if (!Readable(listen_fd_)) continue;
      const int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) continue;
      ++connections_;
      Converse(fd);
      ::close(fd);
    }
  }

  // Serves one connection until the peer or the script closes it.
  void Converse(int fd) {
    MllpDecoder decoder(1 << 20);
    while (!stop_) {
      if (!Readable(fd)) continue;
      char buffer[4096];
      const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) return;
      std::vector<MllpMessage> messages;
      decoder.Feed(std::string_view(buffer, static_cast<size_t>(n)), messages);
      for (const auto& m : messages) {
        const auto header = ParseHeaderOnly(m.payload);
        const std::string control_id = header ? std::string(header->msh().Field(10)) : "?";
        size_t index = 0;
        {
          std::lock_guard lock(mutex_);
          received_.push_back(control_id);
          index = received_.size() - 1;
        }
        const std::string step = script_(index, control_id);
        if (step == "DROP") return;
        if (step == "HOLD") {
          for (int i = 0; i < 200 && !released_ && !stop_; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
          }
        }
        const AckCode code = step == "AE" ? AckCode::kError : AckCode::kAccept;
        const std::string ack = MllpFrame(BuildAck(header ? &*header : nullptr, code,
                                                   "segment 3 (PID), field 3: refused",
                                                   "R" + std::to_string(index), "20240611093000"));
        if (::send(fd, ack.data(), ack.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(ack.size())) {
          return;
        }
      }
    }
  }

  Script script_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<bool> released_{false};
  std::atomic<int> connections_{0};
  std::mutex mutex_;
  std::vector<std::string> received_;
  std::thread thread_;
};

class AdapterHl7v2OutTest : public ::testing::Test {
 protected:
  // Lines added to the hub's delivery section.
  virtual std::string DeliveryYaml() const { return ""; }

  void SetUp() override {
    gallery::testing::RegionOptions options;
    options.delivery_yaml = DeliveryYaml();
    region_ = std::make_unique<TestRegion>("adapter-hl7v2-out", kAgencies, kRules, options);
    std::ofstream(region().dir() / "out.yaml") << kOutMapping;
    std::ofstream(region().dir() / "in.yaml") << kInboundMapping;
    endpoint_ = region().StartHub();
  }

  void TearDown() override {
    // The adapters go before the hub they talk to.
    out_.reset();
    in_.reset();
  }

  void StartOut(uint16_t port, const std::vector<std::string>& extra = {}) {
    out_log_ = (region().dir() / "adapter-hl7v2-out.log").string();
    std::vector<std::string> argv = {
        TestRegion::Binary("adapter-hl7v2-out"),
        "--hub", endpoint_, "--agency", "hosp-general",
        "--mapping", (region().dir() / "out.yaml").string(),
        "--send-to", "127.0.0.1:" + std::to_string(port),
        "--ack-timeout-ms", "2000", "--retry-initial-ms", "100", "--retry-max-ms", "400",
        "--verbose"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    const std::vector<std::string> keys = region().KeyFlags("hosp-general");
    argv.insert(argv.end(), keys.begin(), keys.end());
    out_ = std::make_unique<ChildProcess>(argv, out_log_);
  }

  // Starts adapter-hl7v2 as hosp-pas and returns its MLLP port.
  uint16_t StartInbound() {
    in_log_ = (region().dir() / "adapter-hl7v2.log").string();
    std::vector<std::string> argv = {
        TestRegion::Binary("adapter-hl7v2"),   "--hub",    endpoint_,    "--mapping",
        (region().dir() / "in.yaml").string(), "--listen", "127.0.0.1:0"};
    const std::vector<std::string> keys = region().KeyFlags("hosp-pas");
    argv.insert(argv.end(), keys.begin(), keys.end());
    in_ = std::make_unique<ChildProcess>(argv, in_log_);
    std::string log;
    EXPECT_TRUE(WaitFor(
        [&] {
          log = test_util::ReadAll(in_log_);
          return log.find("listening on 127.0.0.1:") != std::string::npos;
        },
        kWait))
        << log;
    const size_t at = log.find("listening on 127.0.0.1:");
    return at == std::string::npos ? 0 : static_cast<uint16_t>(std::stoi(log.substr(at + 23)));
  }

  void Publish(const std::vector<v1::Record>& records) {
    sdk::Publisher publisher(gallery::testing::TestClient(endpoint_, "asc-county"));
    for (const auto& r : records) ASSERT_TRUE(publisher.Send(r).ok());
    auto outcomes = publisher.Flush(std::chrono::seconds(30));
    ASSERT_TRUE(outcomes.ok()) << outcomes.status().ToString();
    for (const auto& o : *outcomes) ASSERT_TRUE(o.status.ok()) << o.record_id;
  }

  TestRegion& region() { return *region_; }

  std::unique_ptr<TestRegion> region_;
  std::string endpoint_;
  std::string out_log_;
  std::string in_log_;
  std::unique_ptr<ChildProcess> out_;
  std::unique_ptr<ChildProcess> in_;
};

// hub -> adapter-hl7v2-out -> MLLP -> adapter-hl7v2 -> hub -> adapter-sink.
TEST_F(AdapterHl7v2OutTest, RoundTripsThroughTheInboundAdapterInOrder) {
  region().StartSink("dn-central");
  const uint16_t port = StartInbound();
  ASSERT_NE(port, 0);
  StartOut(port);
  v1::Record amend = Assessment("asc-county:a:1:v2");
  amend.set_amends("asc-county:a:1");
  amend.mutable_sections(0)->mutable_fields(0)->set_text("Independent | mostly ^ now");
  Publish({Assessment("asc-county:a:1"), Assessment("asc-county:a:2"), amend});

  std::vector<v1::Deliver> inbox;
  ASSERT_TRUE(WaitFor(
      [&] {
        inbox = region().Inbox("dn-central");
        return inbox.size() >= 3;
      },
      kWait))
      << "see " << region().dir();
  ASSERT_TRUE(WaitFor([&] { return region().PendingDeliveries() == 0; }, kWait));
  std::vector<std::string> ids;
  for (const auto& d : inbox) ids.push_back(d.record().record_id());
  EXPECT_THAT(ids, ElementsAre("hosp-pas:REGION:" + ControlIdFor("asc-county:a:1"),
                               "hosp-pas:REGION:" + ControlIdFor("asc-county:a:2"),
                               "hosp-pas:REGION:" + ControlIdFor("asc-county:a:1:v2")));
  const v1::Record& corrected = inbox[2].record();
  EXPECT_EQ(corrected.subject().nhs_number(), "9990000018");
  EXPECT_EQ(corrected.subject().demographics().family_name(), "Marsh");
  ASSERT_EQ(corrected.sections_size(), 1);
  // Finances was redacted by the hub before the hospital saw it.
  std::vector<std::string> names;
  for (const auto& f : corrected.sections(0).fields()) names.push_back(f.name());
  EXPECT_THAT(names, ElementsAre("Personal care: Washing and dressing", "Mobility: Walking",
                                 "Home environment: Stairs"));
  EXPECT_EQ(corrected.sections(0).fields(0).text(), "Independent | mostly ^ now");

  EXPECT_EQ(out_->Stop(SIGTERM), 0);
  const std::string log = test_util::ReadAll(out_log_);
  EXPECT_THAT(log, HasSubstr("record asc-county:a:1:v2 sent as ORU^R01^ORU_R01 (control " +
                             ControlIdFor("asc-county:a:1:v2") + ")"));
  for (const char* value : {"Marsh", "Edith", "9990000018", "stockings"}) {
    EXPECT_THAT(log, Not(HasSubstr(value))) << "the log quotes a record value";
  }
}

TEST_F(AdapterHl7v2OutTest, RetriesUntilAcceptedAndAcksTheHubOnlyThen) {
  ScriptedReceiver receiver(InOrder({"AE", "DROP", "HOLD"}));
  StartOut(receiver.port());
  Publish(
      {Assessment("asc-county:a:1"), Assessment("asc-county:a:2"), Assessment("asc-county:a:3")});
  const std::string first = ControlIdFor("asc-county:a:1");

  // Refused, dropped, then held: the third attempt of the first record is waiting.
  ASSERT_TRUE(WaitFor([&] { return receiver.Received().size() >= 3; }, kWait))
      << "see " << out_log_;
  EXPECT_THAT(receiver.Received(), ElementsAre(first, first, first));
  EXPECT_EQ(region().PendingDeliveries("hosp-general"), 3u) << "acked before the system's ACK";
  receiver.Release();

  ASSERT_TRUE(WaitFor([&] { return region().PendingDeliveries("hosp-general") == 0; }, kWait))
      << "see " << out_log_;
  EXPECT_THAT(receiver.Received(), ElementsAre(first, first, first, ControlIdFor("asc-county:a:2"),
                                               ControlIdFor("asc-county:a:3")));
  // A new connection after the AE and after the drop; the rest on the last one.
  EXPECT_EQ(receiver.connections(), 3);
  EXPECT_EQ(out_->Stop(SIGTERM), 0);
  const std::string log = test_util::ReadAll(out_log_);
  EXPECT_THAT(log,
              HasSubstr("record asc-county:a:1 (control " + first + ") attempt 1: answered AE"));
  EXPECT_THAT(log, HasSubstr("attempt 2: the receiver closed the connection"));
  EXPECT_THAT(log, HasSubstr("record asc-county:a:1 sent as ORU^R01^ORU_R01 (control " + first +
                             ") after 3 attempts"));
}

// --max-attempts hands a refused message back to the hub, whose backoff spaces the next
// tries; order still holds.
TEST_F(AdapterHl7v2OutTest, MaxAttemptsRefusesToTheHubWhichSendsItAgain) {
  ScriptedReceiver receiver(InOrder({"AE", "AE"}));
  StartOut(receiver.port(), {"--max-attempts", "1"});
  Publish({Assessment("asc-county:a:1"), Assessment("asc-county:a:2")});
  const std::string first = ControlIdFor("asc-county:a:1");
  ASSERT_TRUE(WaitFor([&] { return region().PendingDeliveries("hosp-general") == 0; }, kWait))
      << "see " << out_log_;
  EXPECT_THAT(receiver.Received(),
              ElementsAre(first, first, first, ControlIdFor("asc-county:a:2")));
  EXPECT_THAT(region().HubLog(), HasSubstr("agency hosp-general refused delivery"));
  EXPECT_EQ(out_->Stop(SIGTERM), 0);
  const std::string log = test_util::ReadAll(out_log_);
  EXPECT_THAT(log, HasSubstr("record asc-county:a:1 refused to the hub after 1 attempts"));
  EXPECT_THAT(log, HasSubstr("record asc-county:a:1 sent as ORU^R01^ORU_R01 (control " + first +
                             ")\n"));
}

// The hub gives a delivery up after two unacked periods (ack_timeout_ms is 3000 in a
// TestRegion).
class AdapterHl7v2OutDeadLetterTest : public AdapterHl7v2OutTest {
 protected:
  std::string DeliveryYaml() const override { return "  max_attempts: 2\n"; }
};

TEST_F(AdapterHl7v2OutDeadLetterTest, AMessageTheSystemAlwaysRefusesBecomesADeadLetter) {
  const std::string refused = ControlIdFor("asc-county:a:1");
  ScriptedReceiver receiver([refused](size_t, const std::string& control_id) {
    return control_id == refused ? "AE" : "AA";
  });
  StartOut(receiver.port());
  Publish({Assessment("asc-county:a:1"), Assessment("asc-county:a:2")});

  const std::string second = ControlIdFor("asc-county:a:2");
  ASSERT_TRUE(WaitFor(
      [&] {
        const auto received = receiver.Received();
        return !received.empty() && received.back() == second &&
               region().PendingDeliveries("hosp-general") == 0;
      },
      std::chrono::seconds(30)))
      << "see " << out_log_;
  const auto received = receiver.Received();
  // Retried until the hub gave it up, then never again; the next record once.
  ASSERT_GE(received.size(), 3u);
  EXPECT_EQ(std::count(received.begin(), received.end(), refused),
            static_cast<long>(received.size()) - 1);
  EXPECT_EQ(std::count(received.begin(), received.end(), second), 1);
  EXPECT_THAT(region().HubLog(), HasSubstr("moved to the dead letters after 2 failed attempts"));
  EXPECT_EQ(out_->Stop(SIGTERM), 0);
  EXPECT_THAT(test_util::ReadAll(out_log_), HasSubstr("record asc-county:a:1 (control " + refused +
                                                      ") left to the hub's dead letters"));
}

}  // namespace
}  // namespace gallery::hl7v2
