// adapter-hl7v2 end to end: a real hubd and adapter-sink (tests/integration/test_region.h),
// the adapter process, and HL7 senders on real MLLP connections over loopback. ACKs are
// checked, and what reaches the sink's inbox, redacted by the region's rule.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/hl7v2/mllp_framing.h"
#include "gallery/v1/wire.pb.h"
#include "tests/adapters/hl7v2/hl7_test_util.h"
#include "tests/integration/child_process.h"
#include "tests/integration/test_region.h"

namespace gallery::hl7v2 {
namespace {

using gallery::testing::ChildProcess;
using gallery::testing::TestRegion;
using gallery::testing::WaitFor;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;

constexpr auto kWait = std::chrono::seconds(15);

constexpr const char* kAgencies =
    R"(  - {id: hosp-general, name: General Hospital, kind: hospital}
  - {id: asc-county, name: County Adult Social Care, kind: adult-social-care}
)";

// Social care learns of admissions: the Admission section and the surname only.
constexpr const char* kRules = R"(protocol: adapter-hl7v2-test
version: 1
rules:
  - id: admissions-to-social-care
    from: [hosp-general]
    types: ["adt.*"]
    to: [asc-county]
    include: ["Admission", "@subject/family_name"]
)";

std::string Admission(const std::string& control, const std::string& nhs_number,
                      const std::string& visit) {
  return "MSH|^~\\&|PAS|RGH|GALLERY|REGION|20240611093000+0100||ADT^A01^ADT_A01|" + control +
         "|P|2.5.1\r"
         "EVN|A01|20240611093000+0100\r"
         "PID|1||H" + visit + "^^^RGH^MR~" + nhs_number +
         "^^^NHS^NH||Smith^Ann||19450312|F|||1 High Street^^Lowtown^^LT1 2AB\r"
         "PV1|1|I|WARD7^^B3||||C123^Jones^Rhys^^^Dr||||||||||||" + visit + "\r"
         "DG1|1||J18.9^Pneumonia^I10|||W\r";
}

// One sender: a blocking loopback TCP connection whose every read is bounded.
class Sender {
 public:
  explicit Sender(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Sender() { ::close(fd_); }
  Sender(const Sender&) = delete;
  Sender& operator=(const Sender&) = delete;

  bool connected() const { return connected_; }

  bool SendRaw(const std::string& bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(bytes.size());
  }
  bool Send(const std::string& message) { return SendRaw(MllpFrame(message)); }

  // The next framed answer, or nullopt when none arrives within `timeout`.
  std::optional<std::string> Receive(std::chrono::milliseconds timeout = kWait) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    MllpDecoder decoder(1 << 20);
    std::vector<MllpMessage> out;
    if (!pending_.empty()) decoder.Feed(std::exchange(pending_, {}), out);
    while (out.empty() && std::chrono::steady_clock::now() < deadline) {
      char buffer[4096];
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n == 0) return std::nullopt;
      if (n > 0) decoder.Feed(std::string_view(buffer, static_cast<size_t>(n)), out);
    }
    if (out.empty()) return std::nullopt;
    return out.front().payload;
  }

  // True when the adapter closes the connection within `timeout`.
  bool ClosedByPeer(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      char c;
      const ssize_t n = ::recv(fd_, &c, 1, 0);
      if (n == 0) return true;
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return true;
    }
    return false;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  std::string pending_;
};

// The segments of an ACK.
std::vector<std::string> Segments(const std::string& ack) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= ack.size(); ++i) {
    if (i == ack.size() || ack[i] == '\r') {
      if (i > start) out.push_back(ack.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

class AdapterHl7v2Test : public ::testing::Test {
 protected:
  void StartAdapter(const std::string& endpoint) {
    log_ = (region_.dir() / "adapter-hl7v2.log").string();
    std::vector<std::string> argv = {TestRegion::Binary("adapter-hl7v2"), "--hub", endpoint,
                                     "--mapping", test_util::DemoMappingPath(), "--listen",
                                     "127.0.0.1:0", "--confirm-timeout-ms", "3000",
                                     "--read-timeout-ms", "1500", "--max-message-bytes", "4096"};
    const std::vector<std::string> keys = region_.KeyFlags("hosp-general");
    argv.insert(argv.end(), keys.begin(), keys.end());
    adapter_ = std::make_unique<ChildProcess>(argv, log_);
    std::string log;
    ASSERT_TRUE(WaitFor(
        [&] {
          log = test_util::ReadAll(log_);
          return log.find("listening on 127.0.0.1:") != std::string::npos;
        },
        kWait))
        << log;
    const size_t at = log.find("listening on 127.0.0.1:") + 23;
    port_ = static_cast<uint16_t>(std::stoi(log.substr(at)));
  }

  // Sends `message` on a new connection and returns the ACK's segments.
  std::vector<std::string> Exchange(const std::string& message) {
    Sender sender(port_);
    EXPECT_TRUE(sender.connected());
    EXPECT_TRUE(sender.Send(message));
    auto ack = sender.Receive();
    EXPECT_TRUE(ack.has_value()) << "no ACK; see " << log_;
    return ack ? Segments(*ack) : std::vector<std::string>();
  }

  TestRegion region_{"adapter-hl7v2", kAgencies, kRules};
  std::string log_;
  std::unique_ptr<ChildProcess> adapter_;
  uint16_t port_ = 0;
};

TEST_F(AdapterHl7v2Test, AcknowledgesOnlyWhatTheHubHasAndDeliversItRedacted) {
  const std::string endpoint = region_.StartHub();
  region_.StartSink("asc-county");
  StartAdapter(endpoint);

  const auto aa = Exchange(Admission("MSG1", "9990000018", "V1"));
  ASSERT_EQ(aa.size(), 2u);
  EXPECT_THAT(aa[0], StartsWith("MSH|^~\\&|GALLERY|REGION|PAS|RGH|"));
  EXPECT_THAT(aa[0], HasSubstr("|ACK^A01^ACK|GA"));
  EXPECT_THAT(aa[0], Not(HasSubstr("|MSG1|")));  // the ACK has a control id of its own
  EXPECT_EQ(aa[1], "MSA|AA|MSG1");
  // A resend is the same record: acknowledged again, stored once.
  EXPECT_EQ(Exchange(Admission("MSG1", "9990000018", "V1")).at(1), "MSA|AA|MSG1");

  // A wrong check digit is the sender's to fix: AE naming the place, never the value.
  const auto ae = Exchange(Admission("MSG2", "9990000019", "V2"));
  ASSERT_EQ(ae.size(), 3u);
  EXPECT_EQ(ae[1], "MSA|AE|MSG2|message 1, segment 3 (PID), field 3: NHS number: check digit "
                   "does not match");
  EXPECT_EQ(ae[2], "ERR||PID^1^3|102^Data type error^HL70357|E||||message 1, segment 3 (PID), "
                   "field 3: NHS number: check digit does not match");
  const auto unmapped = Exchange(
      "MSH|^~\\&|PAS|RGH|GALLERY|REGION|20240611||SIU^S12|MSG3|P|2.5\rPID|1||H9^^^RGH^MR\r");
  // The reason's '^' is escaped, as the ACK is HL7 too.
  EXPECT_EQ(unmapped.at(1), "MSA|AE|MSG3|message 1, segment 1 (MSH), field 9: message type "
                            "SIU\\S\\S12 is not in the mapping of agency hosp-general");
  EXPECT_THAT(Exchange("not hl7 at all").at(1), StartsWith("MSA|AE||segment 1 (?) of the input"));
  EXPECT_EQ(Exchange(Admission("MSG4", "9990000026", "V4") + std::string(5000, 'x')).at(1),
            "MSA|AE|MSG4|message is larger than the limit of 4096 bytes");

  // Several senders at once, each answered on its own connection, in order.
  {
    Sender a(port_);
    Sender b(port_);
    ASSERT_TRUE(a.connected() && b.connected());
    ASSERT_TRUE(a.Send(Admission("A-1", "9990000034", "V5")));
    ASSERT_TRUE(b.Send(Admission("B-1", "9990000042", "V6")));
    ASSERT_TRUE(a.Send(Admission("A-2", "9990000050", "V7")));
    auto a1 = a.Receive();
    auto b1 = b.Receive();
    auto a2 = a.Receive();
    ASSERT_TRUE(a1 && b1 && a2) << "see " << log_;
    EXPECT_EQ(Segments(*a1).at(1), "MSA|AA|A-1");
    EXPECT_EQ(Segments(*b1).at(1), "MSA|AA|B-1");
    EXPECT_EQ(Segments(*a2).at(1), "MSA|AA|A-2");
  }

  ASSERT_TRUE(WaitFor([&] {
    return region_.JournaledRecords() == 4 && region_.PendingDeliveries() == 0;
  }, kWait)) << "see " << region_.dir();
  region_.StopSinks();
  const std::vector<v1::Deliver> inbox = region_.Inbox("asc-county");
  std::vector<std::string> ids;
  for (const auto& d : inbox) ids.push_back(d.record().record_id());
  EXPECT_THAT(ids, UnorderedElementsAre("hosp-general:hl7:RGH:visit:V1:admission",
                                        "hosp-general:hl7:RGH:visit:V5:admission",
                                        "hosp-general:hl7:RGH:visit:V6:admission",
                                        "hosp-general:hl7:RGH:visit:V7:admission"));
  for (const auto& d : inbox) {
    const v1::Record& r = d.record();
    EXPECT_EQ(r.source_agency(), "hosp-general");
    EXPECT_EQ(r.record_type(), "adt.admission");
    ASSERT_EQ(r.sections_size(), 1);  // Diagnoses withheld by the rule
    EXPECT_EQ(r.sections(0).heading(), "Admission");
    EXPECT_EQ(r.subject().demographics().family_name(), "Smith");
    EXPECT_EQ(r.subject().demographics().given_name(), "");
    EXPECT_EQ(r.subject().demographics().postcode(), "");
    EXPECT_EQ(r.subject().demographics().birth_date(), "");
    EXPECT_FALSE(r.subject().nhs_number().empty());
  }

  // Logs carry ids, never patient values.
  const std::string log = test_util::ReadAll(log_);
  EXPECT_THAT(log, HasSubstr("record hosp-general:hl7:RGH:visit:V1:admission confirmed"));
  for (const char* value : {"Smith", "9990000018", "9990000019", "LT1 2AB", "19450312"}) {
    EXPECT_THAT(log, Not(HasSubstr(value))) << value;
  }
  EXPECT_EQ(adapter_->Stop(SIGTERM), 0);
}

TEST_F(AdapterHl7v2Test, HubUnavailableMeansArSoTheSenderRetries) {
  const std::string endpoint = region_.StartHub();
  StartAdapter(endpoint);
  EXPECT_EQ(Exchange(Admission("UP-1", "9990000018", "V1")).at(1), "MSA|AA|UP-1");
  region_.StopHub(SIGKILL);
  const auto started = std::chrono::steady_clock::now();
  const auto ar = Exchange(Admission("DOWN-1", "9990000026", "V2"));
  EXPECT_THAT(ar.at(1), StartsWith("MSA|AR|DOWN-1|hub unavailable, send again later"));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  // The record is still on its way: once the hub is back, the sender's retry is confirmed.
  region_.StartHub(endpoint);
  EXPECT_TRUE(WaitFor([&] {
    return Exchange(Admission("DOWN-1", "9990000026", "V2")).at(1) == "MSA|AA|DOWN-1";
  }, std::chrono::seconds(30), std::chrono::milliseconds(200)));
  EXPECT_EQ(adapter_->Stop(SIGTERM), 0);
}

TEST_F(AdapterHl7v2Test, SilentConnectionIsClosedAfterTheReadTimeout) {
  const std::string endpoint = region_.StartHub();
  StartAdapter(endpoint);
  Sender idle(port_);
  ASSERT_TRUE(idle.connected());
  ASSERT_TRUE(idle.SendRaw(std::string(1, kMllpStart) + "MSH|^~\\&|half a message"));
  EXPECT_TRUE(idle.ClosedByPeer(std::chrono::seconds(10)));
  EXPECT_THAT(test_util::ReadAll(log_), HasSubstr("(in the middle of a message)"));
  EXPECT_EQ(adapter_->Stop(SIGTERM), 0);
}

TEST(AdapterHl7v2CheckTest, CheckReportsEveryMessageAndPublishesNothing) {
  const std::string out_path = ::testing::TempDir() + "hl7v2_check_" + std::to_string(::getpid());
  const std::string command =
      TestRegion::Binary("adapter-hl7v2") + " --mapping '" +
      test_util::SourcePath("tests/testdata/hl7v2/fixtures.yaml") + "' --check '" +
      test_util::UpstreamPath("pyhl7__sample_file1_fhs_two_batches.hl7") + "' '" +
      test_util::UpstreamPath("pyhl7__two_messages_crlf.hl7") + "' >'" + out_path + "' 2>&1";
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
  const std::string out = test_util::ReadAll(out_path);
  std::remove(out_path.c_str());
  EXPECT_THAT(out, HasSubstr("pyhl7__sample_file1_fhs_two_batches.hl7: message 1 (ADT^A04, "
                             "control 12334456778890): record sample-senders:ABCHS:12334456778890"));
  EXPECT_THAT(out, HasSubstr("pyhl7__sample_file1_fhs_two_batches.hl7: 3 messages, 3 mapped, 0 refused"));
  EXPECT_THAT(out, HasSubstr("pyhl7__two_messages_crlf.hl7: message 2: refused: message 2, "
                             "segment 1 (MSH), field 9: message type is empty"));
  EXPECT_THAT(out, HasSubstr("pyhl7__two_messages_crlf.hl7: 2 messages, 0 mapped, 2 refused"));
}

}  // namespace
}  // namespace gallery::hl7v2
