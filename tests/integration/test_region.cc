#include "tests/integration/test_region.h"

#include <unistd.h>

#include <csignal>
#include <fstream>
#include <sstream>

#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include "hub/store/sqlite_store.h"

namespace gallery::testing {

TestRegion::TestRegion(const std::string& name, const std::string& agencies_yaml,
                       const std::string& rules_yaml)
    : dir_(std::filesystem::temp_directory_path() /
           ("gallery-" + name + "-" + std::to_string(::getpid()))) {
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_ / "rules");
  std::ofstream(dir_ / "rules" / "protocol.yaml") << rules_yaml;
  std::ofstream(dir_ / "hub.yaml") << "hub:\n"
                                   << "  id: test-hub\n"
                                   << "  endpoint: \"tcp://127.0.0.1:*\"\n"
                                   << "  store: hub.db\n"
                                   << "  rules: rules\n"
                                   << "  log_level: debug\n"
                                   << "delivery:\n"
                                   << "  heartbeat_interval_ms: 200\n"
                                   << "  session_timeout_ms: 2000\n"
                                   << "  ack_timeout_ms: 3000\n"
                                   << "agencies:\n"
                                   << agencies_yaml;
}

TestRegion::~TestRegion() {
  StopSinks();
  if (hub_) hub_->Stop(SIGKILL);
  if (!::testing::Test::HasFailure()) std::filesystem::remove_all(dir_);
}

std::string TestRegion::Binary(const std::string& name) { return std::string(GALLERY_BIN_DIR) + "/" + name; }

std::string TestRegion::StartHub(const std::string& endpoint) {
  const auto endpoint_file = dir_ / "endpoint";
  std::filesystem::remove(endpoint_file);
  hub_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{Binary("hubd"), "--config", config_path(), "--endpoint", endpoint,
                               "--endpoint-file", endpoint_file.string()},
      (dir_ / "hubd.log").string());
  const bool up = WaitFor([&] { return std::filesystem::exists(endpoint_file) || !hub_->running(); },
                          std::chrono::seconds(20));
  EXPECT_TRUE(up && hub_->running()) << "hubd did not start; see " << (dir_ / "hubd.log");
  std::ifstream(endpoint_file) >> endpoint_;
  return endpoint_;
}

int TestRegion::StopHub(int signal) { return hub_->Stop(signal); }

void TestRegion::StartSink(const std::string& agency) {
  sinks_[agency] = std::make_unique<ChildProcess>(
      std::vector<std::string>{Binary("adapter-sink"), "--hub", endpoint_, "--agency", agency,
                               "--inbox", (dir_ / "inbox" / agency).string(), "--log-level", "debug"},
      (dir_ / ("sink-" + agency + ".log")).string());
}

void TestRegion::StopSinks() {
  for (auto& [agency, sink] : sinks_) sink->Stop(SIGTERM);
  sinks_.clear();
}

std::vector<v1::Deliver> TestRegion::Inbox(const std::string& agency) const {
  std::vector<v1::Deliver> out;
  std::ifstream in(dir_ / "inbox" / agency / "deliveries.jsonl");
  for (std::string line; std::getline(in, line);) {
    v1::Deliver deliver;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(line, &deliver).ok()) << line;
    out.push_back(std::move(deliver));
  }
  return out;
}

uint64_t TestRegion::PendingDeliveries(const std::string& agency) const {
  auto store = store::SqliteStore::Open(store_path());
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return ~0ull;
  auto counts = (*store)->PendingCounts();
  EXPECT_TRUE(counts.ok()) << counts.status().ToString();
  uint64_t total = 0;
  if (counts.ok()) {
    for (const auto& [recipient, count] : *counts) {
      if (agency.empty() || agency == recipient) total += count;
    }
  }
  return total;
}

size_t TestRegion::JournaledRecords() const {
  auto store = store::SqliteStore::Open(store_path());
  if (!store.ok()) return 0;
  auto summaries = (*store)->Summaries();
  return summaries.ok() ? summaries->size() : 0;
}

}  // namespace gallery::testing
