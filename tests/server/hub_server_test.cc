// HubServer in process, spoken to over a raw DEALER socket as any client would: batched
// confirms and deliveries go only to clients whose Hello accepts them.
#include "hub/server/hub_server.h"

#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>
#include <zmq.hpp>

#include "adapters/sdk/publisher.h"
#include "adapters/sdk/subscriber.h"
#include "gallery/v1/wire.pb.h"
#include "hub/store/store_factory.h"

namespace gallery::server {
namespace {

namespace fs = std::filesystem;

constexpr int kRecords = 50;

// hubd with a fresh SQLite store in a temporary folder, serving on its own thread.
class HubFixture {
 public:
  HubFixture() {
    std::string pattern = (fs::temp_directory_path() / "hub-server-test-XXXXXX").string();
    dir_ = ::mkdtemp(pattern.data());
    config::HubConfig config;
    config.endpoint = "tcp://127.0.0.1:*";
    // Frames, not authentication, are under test here: tests/integration/security_auth_test.cc
    // covers CURVE.
    config.security.allow_plaintext = true;
    config.store_backend = "sqlite";
    config.store_path = (fs::path(dir_) / "hub.db").string();
    config.audit_subject_key_file = (fs::path(dir_) / "audit-subject.key").string();
    config.agencies = {{"src", "Source", "hospital", ""}, {"dst", "Recipient", "housing", ""}};
    auto rules = router::RuleSet::LoadString(
        "protocol: t\nversion: 1\nrules:\n  - id: all\n    from: src\n    types: \"*\"\n"
        "    to: dst\n    include: [\"*\"]\n",
        "t.yaml", config.agencies);
    EXPECT_TRUE(rules.ok()) << rules.status().ToString();
    auto store = store::OpenStore(config);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    auto server = HubServer::Create(config, *rules, std::move(store).value());
    EXPECT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
    endpoint_ = server_->endpoint();
    thread_ = std::thread([this] { (void)server_->Run(stop_); });
  }
  ~HubFixture() {
    stop_.store(true);
    thread_.join();
    server_.reset();
    fs::remove_all(dir_);
  }
  const std::string& endpoint() const { return endpoint_; }

 private:
  std::string dir_;
  std::unique_ptr<HubServer> server_;
  std::string endpoint_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// A client speaking the wire protocol by hand.
class RawClient {
 public:
  RawClient(const std::string& endpoint, const std::string& agency, bool accepts_batches)
      : socket_(context_, zmq::socket_type::dealer) {
    socket_.set(zmq::sockopt::linger, 0);
    socket_.connect(endpoint);
    v1::Frame hello;
    hello.mutable_hello()->set_agency(agency);
    hello.mutable_hello()->set_protocol_version(1);
    hello.mutable_hello()->set_accepts_batches(accepts_batches);
    Send(hello);
  }
  void Send(const v1::Frame& frame) {
    (void)socket_.send(zmq::buffer(frame.SerializeAsString()), zmq::send_flags::none);
  }
  // The next frame other than a heartbeat, or nullopt after 5 s.
  std::optional<v1::Frame> Receive() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
      zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
      zmq::poll(&item, 1, std::chrono::milliseconds(100));
      zmq::message_t message;
      if (!socket_.recv(message, zmq::recv_flags::dontwait)) continue;
      v1::Frame frame;
      EXPECT_TRUE(frame.ParseFromArray(message.data(), static_cast<int>(message.size())));
      if (!frame.has_heartbeat()) return frame;
    }
    return std::nullopt;
  }

 private:
  zmq::context_t context_;
  zmq::socket_t socket_;
};

v1::Frame PublishFrame(uint64_t sequence) {
  v1::Frame frame;
  frame.mutable_publish()->set_sequence(sequence);
  v1::Record& record = *frame.mutable_publish()->mutable_record();
  record.set_record_id("src:" + std::to_string(sequence));
  record.set_record_type("test.record");
  record.mutable_subject()->set_nhs_number("9990000018");
  auto* field = record.add_sections()->add_fields();
  record.mutable_sections(0)->set_heading("Notes");
  field->set_name("Text");
  field->set_text("record " + std::to_string(sequence));
  return frame;
}

// Publishes kRecords, subscribes, and returns what came back, counting the frames of each
// kind; the confirms' sequences and the deliveries' ids in arrival order.
struct Seen {
  int confirm_frames = 0, confirm_batches = 0, deliver_frames = 0, deliver_batches = 0;
  std::vector<uint64_t> confirmed;
  std::vector<uint64_t> delivered;
  std::vector<std::string> delivered_ids;
};

Seen Exchange(const std::string& endpoint, bool accepts_batches) {
  Seen seen;
  RawClient publisher(endpoint, "src", accepts_batches);
  auto welcome = publisher.Receive();
  EXPECT_TRUE(welcome && welcome->has_welcome());
  if (welcome) {
    EXPECT_EQ(welcome->welcome().sends_batches(), accepts_batches);
  }
  for (uint64_t sequence = 1; sequence <= kRecords; ++sequence) {
    publisher.Send(PublishFrame(sequence));
  }
  while (seen.confirmed.size() < kRecords) {
    auto frame = publisher.Receive();
    if (!frame) break;
    if (frame->has_confirm()) {
      ++seen.confirm_frames;
      seen.confirmed.push_back(frame->confirm().sequence());
    } else if (frame->has_confirm_batch()) {
      ++seen.confirm_batches;
      for (const auto& confirm : frame->confirm_batch().confirms()) {
        seen.confirmed.push_back(confirm.sequence());
      }
    } else {
      ADD_FAILURE() << "unexpected frame " << frame->ShortDebugString();
      break;
    }
  }

  RawClient subscriber(endpoint, "dst", accepts_batches);
  v1::Frame subscribe;
  subscribe.mutable_subscribe();
  subscriber.Send(subscribe);
  while (seen.delivered.size() < kRecords) {
    auto frame = subscriber.Receive();
    if (!frame) break;
    if (frame->has_welcome()) continue;
    v1::Frame ack;
    if (frame->has_deliver()) {
      ++seen.deliver_frames;
      seen.delivered.push_back(frame->deliver().delivery_id());
      seen.delivered_ids.push_back(frame->deliver().record().record_id());
      ack.mutable_ack()->add_delivery_ids(frame->deliver().delivery_id());
    } else if (frame->has_deliver_batch()) {
      ++seen.deliver_batches;
      for (const auto& deliver : frame->deliver_batch().deliveries()) {
        seen.delivered.push_back(deliver.delivery_id());
        seen.delivered_ids.push_back(deliver.record().record_id());
        ack.mutable_ack()->add_delivery_ids(deliver.delivery_id());
      }
    } else {
      ADD_FAILURE() << "unexpected frame " << frame->ShortDebugString();
      break;
    }
    subscriber.Send(ack);
  }
  return seen;
}

void ExpectInOrder(const Seen& seen) {
  ASSERT_EQ(seen.confirmed.size(), static_cast<size_t>(kRecords));
  ASSERT_EQ(seen.delivered.size(), static_cast<size_t>(kRecords));
  for (int i = 0; i < kRecords; ++i) {
    EXPECT_EQ(seen.confirmed[i], static_cast<uint64_t>(i + 1));
    EXPECT_EQ(seen.delivered[i], static_cast<uint64_t>(i + 1));
    EXPECT_EQ(seen.delivered_ids[i], "src:" + std::to_string(i + 1));
  }
}

TEST(HubServerTest, AClientThatAcceptsNoBatchesGetsOneConfirmAndOneDeliverPerFrame) {
  HubFixture hub;
  const Seen seen = Exchange(hub.endpoint(), false);
  ExpectInOrder(seen);
  EXPECT_EQ(seen.confirm_frames, kRecords);
  EXPECT_EQ(seen.confirm_batches, 0);
  EXPECT_EQ(seen.deliver_frames, kRecords);
  EXPECT_EQ(seen.deliver_batches, 0);
}

TEST(HubServerTest, AClientThatAcceptsBatchesGetsConfirmsAndDeliveriesInBatches) {
  HubFixture hub;
  const Seen seen = Exchange(hub.endpoint(), true);
  ExpectInOrder(seen);
  EXPECT_EQ(seen.confirm_frames, 0);
  EXPECT_GE(seen.confirm_batches, 1);
  EXPECT_LT(seen.confirm_batches, kRecords);  // the records came in one burst
  EXPECT_EQ(seen.deliver_frames, 0);
  EXPECT_GE(seen.deliver_batches, 1);
  EXPECT_LT(seen.deliver_batches, kRecords);  // all were queued before the Subscribe
}

TEST(HubServerTest, TheSdkPublishesAndReceivesThroughBatches) {
  HubFixture hub;
  sdk::ClientOptions options;
  options.endpoint = hub.endpoint();
  options.agency = "src";
  sdk::Publisher publisher(options);
  for (uint64_t sequence = 1; sequence <= kRecords; ++sequence) {
    ASSERT_TRUE(publisher.Send(PublishFrame(sequence).publish().record()).ok());
  }
  auto outcomes = publisher.Flush(std::chrono::seconds(10));
  ASSERT_TRUE(outcomes.ok()) << outcomes.status().ToString();
  ASSERT_EQ(outcomes->size(), static_cast<size_t>(kRecords));
  for (const auto& outcome : *outcomes) EXPECT_TRUE(outcome.status.ok()) << outcome.record_id;

  options.agency = "dst";
  sdk::Subscriber subscriber(options);
  std::vector<std::string> received;
  sdk::Delivery delivery;  // reused: the second form of Next
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (received.size() < static_cast<size_t>(kRecords) &&
         std::chrono::steady_clock::now() < deadline) {
    if (received.size() % 2 == 0) {
      auto next = subscriber.Next(std::chrono::milliseconds(100));
      ASSERT_TRUE(next.ok()) << next.status().ToString();
      if (!next->has_value()) continue;
      received.push_back((*next)->record.record_id());
      EXPECT_EQ((*next)->delivery_id, received.size());
      EXPECT_EQ((*next)->rule_ids, std::vector<std::string>{"all"});
      ASSERT_TRUE(subscriber.Ack((*next)->delivery_id).ok());
    } else {
      auto next = subscriber.Next(std::chrono::milliseconds(100), delivery);
      ASSERT_TRUE(next.ok()) << next.status().ToString();
      if (!*next) continue;
      received.push_back(delivery.record.record_id());
      EXPECT_EQ(delivery.delivery_id, received.size());
      EXPECT_EQ(delivery.record.sections(0).fields(0).text(),
                "record " + std::to_string(received.size()));
      ASSERT_TRUE(subscriber.Ack(delivery.delivery_id).ok());
    }
  }
  ASSERT_EQ(received.size(), static_cast<size_t>(kRecords));
  for (int i = 0; i < kRecords; ++i) EXPECT_EQ(received[i], "src:" + std::to_string(i + 1));
}

}  // namespace
}  // namespace gallery::server
