// Authentication at hubd's endpoint with real processes: CurveZMQ keys checked by the ZAP
// handler, the session's agency taken from the key, key rotation on SIGHUP. Each case
// checks the specific refusal and that nothing was journaled.
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zmq.hpp>

#include "gallery/v1/wire.pb.h"
#include "hub/cli/admin_client.h"
#include "hub/security/curve_key.h"
#include "tests/integration/sample_records.h"
#include "tests/integration/test_region.h"

namespace gallery::testing {
namespace {

using ::testing::HasSubstr;

constexpr const char* kAgencies = R"(  - {id: asc, name: Adult Social Care, kind: adult-social-care}
  - {id: dn, name: District Nursing, kind: community-health}
)";

constexpr const char* kRules = R"(protocol: security
version: 1
rules:
  - id: asc-to-dn
    from: [asc]
    types: [assessment.single]
    to: [dn]
    include: ["*"]
)";

constexpr auto kReplyTimeout = std::chrono::seconds(10);
// How long a refused client waits to show that nothing answers it.
constexpr auto kNoReplyWait = std::chrono::seconds(1);

struct ClientKeys {
  std::string public_key;
  std::string secret_key;
};

ClientKeys ReadAgencyKeys(const std::filesystem::path& key_file) {
  auto secret = security::ReadKeyFile(key_file.string());
  EXPECT_TRUE(secret.ok()) << secret.status().ToString();
  auto public_key = security::PublicKeyOf(*secret);
  return {*public_key, *secret};
}

// A fresh pair written as `dir`/`name`.pub (with `valid_until` when given); the client's
// half is returned.
ClientKeys AddAgencyKey(const std::filesystem::path& dir, const std::string& name,
                        const std::string& valid_until = "") {
  auto pair = security::NewKeyPair();
  EXPECT_TRUE(pair.ok());
  std::ofstream out(dir / (name + ".pub"));
  out << pair->public_key << "\n";
  if (!valid_until.empty()) out << "valid_until: " << valid_until << "\n";
  return {pair->public_key, pair->secret_key};
}

// The outcome of a handshake, as the client's socket monitor reports it.
struct Handshake {
  int event = 0;     // ZMQ_EVENT_HANDSHAKE_*, 0 when none came in time
  uint32_t value = 0;  // the failure's detail: ZAP status code or protocol error
};

// One raw DEALER connection to the hub, speaking gallery.v1 frames directly, so that each
// case sees exactly what the hub answers.
class RawClient {
 public:
  RawClient(const std::string& endpoint, const std::optional<ClientKeys>& keys,
            const std::string& hub_public_key)
      : socket_(context_, zmq::socket_type::dealer), monitor_(context_, zmq::socket_type::pair) {
    static int next_monitor = 0;
    const std::string monitor = "inproc://handshake-" + std::to_string(++next_monitor);
    socket_.set(zmq::sockopt::linger, 0);
    if (keys) {
      socket_.set(zmq::sockopt::curve_serverkey, hub_public_key);
      socket_.set(zmq::sockopt::curve_publickey, keys->public_key);
      socket_.set(zmq::sockopt::curve_secretkey, keys->secret_key);
    }
    EXPECT_EQ(zmq_socket_monitor(socket_.handle(), monitor.c_str(),
                                 ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
                                     ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                                     ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL),
              0);
    monitor_.connect(monitor);
    socket_.connect(endpoint);
  }

  // The first handshake outcome, waiting up to kReplyTimeout.
  Handshake WaitHandshake() {
    zmq::pollitem_t item{monitor_.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, kReplyTimeout) == 0) return {};
    zmq::message_t event, address;
    (void)monitor_.recv(event);
    (void)monitor_.recv(address);
    Handshake out;
    uint16_t id = 0;
    std::memcpy(&id, event.data<char>(), sizeof(id));
    std::memcpy(&out.value, event.data<char>() + sizeof(id), sizeof(out.value));
    out.event = id;
    return out;
  }

  // Sends `frame` and returns the hub's answer, or nullopt after `wait`.
  std::optional<v1::Frame> Exchange(const v1::Frame& frame,
                                    std::chrono::milliseconds wait = kReplyTimeout) {
    (void)socket_.send(zmq::buffer(frame.SerializeAsString()), zmq::send_flags::dontwait);
    zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, wait) == 0) return std::nullopt;
    zmq::message_t reply;
    (void)socket_.recv(reply);
    v1::Frame out;
    EXPECT_TRUE(out.ParseFromArray(reply.data(), static_cast<int>(reply.size())));
    return out;
  }

  std::optional<v1::Frame> Hello(const std::string& agency,
                                 std::chrono::milliseconds wait = kReplyTimeout) {
    v1::Frame frame;
    frame.mutable_hello()->set_agency(agency);
    frame.mutable_hello()->set_protocol_version(1);
    frame.mutable_hello()->set_client_name("security-test");
    return Exchange(frame, wait);
  }

  std::optional<v1::Frame> Publish(const v1::Record& record) {
    v1::Frame frame;
    frame.mutable_publish()->set_sequence(1);
    *frame.mutable_publish()->mutable_record() = record;
    return Exchange(frame);
  }

 private:
  zmq::context_t context_;
  zmq::socket_t socket_;
  zmq::socket_t monitor_;
};

class SecurityAuthTest : public ::testing::Test {
 protected:
  std::string HubPublicKey() const {
    auto key = security::ReadKeyFile(region_.hub_public_key_file().string());
    return key.ok() ? *key : "";
  }
  std::string Metrics() const {
    auto reply = cli::CallAdmin(region_.admin_address(), "GET", "/metrics");
    return reply.ok() ? reply->body : "";
  }
  // A Hello and a valid record from `agency`, over a connection with `keys`; expects both
  // accepted.
  void ExpectPublishes(const std::string& agency, const ClientKeys& keys, const std::string& id) {
    RawClient client(region_.endpoint(), keys, HubPublicKey());
    EXPECT_EQ(client.WaitHandshake().event, ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
    auto welcome = client.Hello(agency);
    ASSERT_TRUE(welcome.has_value());
    EXPECT_TRUE(welcome->has_welcome()) << welcome->DebugString();
    v1::Record record = SingleAssessment(id, kNhsNumbers[0], "");
    record.set_source_agency(agency);
    auto confirm = client.Publish(record);
    ASSERT_TRUE(confirm.has_value());
    EXPECT_TRUE(confirm->has_confirm_batch() || confirm->has_confirm()) << confirm->DebugString();
  }

  TestRegion region_{"security-auth", kAgencies, kRules};
};

TEST_F(SecurityAuthTest, PlainClientIsRefusedByTheCurveEndpoint) {
  region_.StartHub();
  RawClient client(region_.endpoint(), std::nullopt, "");
  // The client sees the mechanism mismatch, or the hub closing on it first; the hub's own
  // count below names the cause either way.
  const Handshake handshake = client.WaitHandshake();
  if (handshake.event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL) {
    EXPECT_EQ(handshake.value, static_cast<uint32_t>(ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH));
  } else {
    EXPECT_EQ(handshake.event, ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL);
  }
  EXPECT_FALSE(client.Hello("asc", kNoReplyWait).has_value());  // nothing reaches the hub
  EXPECT_EQ(region_.JournaledRecords(), 0u);
  // The hub learns of the failed handshake from its socket's monitor, a moment later: as a
  // mismatch, or as a handshake the client cut short when it noticed first.
  EXPECT_TRUE(WaitFor(
      [&] {
        const std::string metrics = Metrics();
        return metrics.find("gallery_auth_refusals_total{reason=\"mechanism\"} ") !=
                   std::string::npos ||
               metrics.find("gallery_auth_refusals_total{reason=\"handshake\"} ") !=
                   std::string::npos;
      },
      kReplyTimeout))
      << Metrics();
  EXPECT_THAT(region_.HubLog(), HasSubstr("(handshake error"));
}

TEST_F(SecurityAuthTest, UnknownKeyIsRefusedAndCounted) {
  region_.StartHub();
  auto stranger = security::NewKeyPair();
  ASSERT_TRUE(stranger.ok());
  RawClient client(region_.endpoint(), ClientKeys{stranger->public_key, stranger->secret_key},
                   HubPublicKey());
  const Handshake handshake = client.WaitHandshake();
  EXPECT_EQ(handshake.event, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH);
  EXPECT_EQ(handshake.value, 400u);
  EXPECT_FALSE(client.Hello("asc", kNoReplyWait).has_value());
  EXPECT_EQ(region_.JournaledRecords(), 0u);
  EXPECT_THAT(Metrics(), HasSubstr("gallery_auth_refusals_total{reason=\"unknown_key\"} "));
  const std::string log = region_.HubLog();
  EXPECT_THAT(log, HasSubstr("unknown_key (mechanism CURVE, key " +
                             security::KeyPrefix(stranger->public_key) + "...)"));
  EXPECT_THAT(log, ::testing::Not(HasSubstr(stranger->secret_key)));
}

TEST_F(SecurityAuthTest, ExpiredKeyIsRefused) {
  const ClientKeys expired = AddAgencyKey(region_.agency_keys_dir(), "asc.2019", "2020-01-31");
  region_.StartHub();
  RawClient client(region_.endpoint(), expired, HubPublicKey());
  const Handshake handshake = client.WaitHandshake();
  EXPECT_EQ(handshake.event, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH);
  EXPECT_EQ(handshake.value, 400u);
  EXPECT_FALSE(client.Hello("asc", kNoReplyWait).has_value());
  EXPECT_EQ(region_.JournaledRecords(), 0u);
  EXPECT_THAT(Metrics(), HasSubstr("gallery_auth_refusals_total{reason=\"expired_key\"} "));
}

TEST_F(SecurityAuthTest, RotatedKeysOverlapThenTheOldOneIsRefusedAfterSighup) {
  const ClientKeys old_key = ReadAgencyKeys(region_.agency_keys_dir() / "asc.key");
  const ClientKeys new_key = AddAgencyKey(region_.agency_keys_dir(), "asc.2027", "2099-12-31");
  region_.StartHub();
  const pid_t hub = region_.hub().pid();
  ExpectPublishes("asc", old_key, "asc:old-key");
  ExpectPublishes("asc", new_key, "asc:new-key");

  std::filesystem::remove(region_.agency_keys_dir() / "asc.pub");
  ASSERT_EQ(::kill(hub, SIGHUP), 0);
  ASSERT_TRUE(WaitFor([&] { return region_.HubLog().find("agency key reload (SIGHUP)") !=
                                   std::string::npos; },
                      std::chrono::seconds(10)));
  RawClient refused(region_.endpoint(), old_key, HubPublicKey());
  const Handshake handshake = refused.WaitHandshake();
  EXPECT_EQ(handshake.event, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH);
  EXPECT_EQ(handshake.value, 400u);
  ExpectPublishes("asc", new_key, "asc:after-rotation");
  EXPECT_EQ(region_.hub().pid(), hub);
  EXPECT_TRUE(region_.hub().running());
  EXPECT_EQ(region_.JournaledRecords(), 3u);
}

TEST_F(SecurityAuthTest, HelloClaimingAnotherAgencyIsRefused) {
  region_.StartHub();
  RawClient client(region_.endpoint(), ReadAgencyKeys(region_.agency_keys_dir() / "dn.key"),
                   HubPublicKey());
  EXPECT_EQ(client.WaitHandshake().event, ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
  auto reply = client.Hello("asc");
  ASSERT_TRUE(reply.has_value());
  ASSERT_TRUE(reply->has_reject()) << reply->DebugString();
  EXPECT_EQ(reply->reject().code(), v1::UNAUTHENTICATED);
  EXPECT_THAT(reply->reject().reason(),
              HasSubstr("Hello names agency 'asc' but this connection's key belongs to agency "
                        "'dn'"));
  // Without a session nothing is taken.
  v1::Record record = SingleAssessment("asc:claimed", kNhsNumbers[0], "");
  auto refused = client.Publish(record);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->reject().code(), v1::FAILED_PRECONDITION);
  EXPECT_EQ(region_.JournaledRecords(), 0u);
  EXPECT_THAT(Metrics(), HasSubstr("gallery_auth_refusals_total{reason=\"agency_mismatch\"} 1"));
  EXPECT_THAT(region_.HubLog(), HasSubstr("refused session: Hello names agency 'asc'"));
}

TEST_F(SecurityAuthTest, RecordClaimingAnotherSourceIsRejectedAndNotJournaled) {
  region_.StartHub();
  RawClient client(region_.endpoint(), ReadAgencyKeys(region_.agency_keys_dir() / "dn.key"),
                   HubPublicKey());
  auto welcome = client.Hello("dn");
  ASSERT_TRUE(welcome.has_value());
  ASSERT_TRUE(welcome->has_welcome()) << welcome->DebugString();
  v1::Record record = SingleAssessment("asc:forged", kNhsNumbers[0], "");
  record.set_source_agency("asc");
  auto reply = client.Publish(record);
  ASSERT_TRUE(reply.has_value());
  ASSERT_TRUE(reply->has_reject()) << reply->DebugString();
  EXPECT_EQ(reply->reject().code(), v1::PERMISSION_DENIED);
  EXPECT_EQ(reply->reject().record_id(), "asc:forged");
  EXPECT_EQ(region_.JournaledRecords(), 0u);
  EXPECT_THAT(Metrics(),
              HasSubstr("gallery_records_rejected_total{source=\"dn\",code=\"PERMISSION_DENIED\"} "
                        "1"));
}

TEST(SecurityPlaintextTest, AllowPlaintextWarnsAndAcceptsPlainClients) {
  TestRegion region("security-plaintext", kAgencies, kRules,
                    RegionOptions{.backend = StoreBackend::kJournal,
                                  .store_dir = {},
                                  .server_dsn = "",
                                  .delivery_yaml = "",
                                  .allow_plaintext = true});
  region.StartHub();
  EXPECT_THAT(region.HubLog(), HasSubstr("security.allow_plaintext is set"));
  EXPECT_THAT(region.HubLog(), HasSubstr("[warning]"));
  RawClient client(region.endpoint(), std::nullopt, "");
  auto welcome = client.Hello("asc");
  ASSERT_TRUE(welcome.has_value());
  EXPECT_TRUE(welcome->has_welcome()) << welcome->DebugString();
}

}  // namespace
}  // namespace gallery::testing
