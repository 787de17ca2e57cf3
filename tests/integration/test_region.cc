#include "tests/integration/test_region.h"

#include <unistd.h>

#include <csignal>
#include <fstream>
#include <sstream>
#include <string_view>

#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include "hub/store/store_factory.h"

namespace gallery::testing {
namespace {

// The region's embedded store, opened beside the running hub (SQLite allows it in WAL mode).
Result<std::unique_ptr<store::Store>> OpenRegionStore(const std::string& path) {
  config::HubConfig config;
  config.store_path = path;
  return store::OpenStore(config);
}

}  // namespace

TestRegion::TestRegion(const std::string& name, const std::string& agencies_yaml,
                       const std::string& rules_yaml, const std::filesystem::path& store_dir,
                       const std::string& delivery_yaml)
    : dir_(std::filesystem::temp_directory_path() /
           ("gallery-" + name + "-" + std::to_string(::getpid()))),
      store_path_((store_dir.empty() ? dir_ : store_dir) / "hub.db") {
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
                                   << delivery_yaml
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
                               "--store", store_path(), "--endpoint-file", endpoint_file.string(),
                               "--admin-file", (dir_ / "admin").string()},
      (dir_ / "hubd.log").string(), hub_env_);
  const bool up = WaitFor([&] { return std::filesystem::exists(endpoint_file) || !hub_->running(); },
                          std::chrono::seconds(20));
  EXPECT_TRUE(up && hub_->running()) << "hubd did not start; see " << (dir_ / "hubd.log");
  std::ifstream(endpoint_file) >> endpoint_;
  std::ifstream(dir_ / "admin") >> admin_address_;
  return endpoint_;
}

int TestRegion::StopHub(int signal) { return hub_->Stop(signal); }

namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

std::string TestRegion::HubLog() const { return ReadFile(dir_ / "hubd.log"); }

void TestRegion::StartSink(const std::string& agency) {
  sinks_[agency] = std::make_unique<ChildProcess>(
      std::vector<std::string>{Binary("adapter-sink"), "--hub", endpoint_, "--agency", agency,
                               "--inbox", (dir_ / "inbox" / agency).string(), "--log-level", "debug"},
      (dir_ / ("sink-" + agency + ".log")).string());
}

int TestRegion::StopSink(const std::string& agency, int signal) {
  return sinks_.at(agency)->Stop(signal);
}

std::vector<std::string> TestRegion::SinkReceived(const std::string& agency) const {
  // adapter-sink logs at debug level, once per Deliver frame:
  //   "agency <id>: record <record id> written" or "... already in inbox".
  const std::string prefix = "agency " + agency + ": record ";
  std::vector<std::string> out;
  std::ifstream in(dir_ / ("sink-" + agency + ".log"));
  for (std::string line; std::getline(in, line);) {
    const size_t at = line.find(prefix);
    if (at == std::string::npos) continue;
    const size_t start = at + prefix.size();
    const size_t end = line.find(' ', start);
    if (end == std::string::npos) continue;  // a line cut short by a kill
    const std::string_view outcome = std::string_view(line).substr(end + 1);
    if (outcome != "written" && outcome != "already in inbox") continue;
    out.push_back(line.substr(start, end - start));
  }
  return out;
}

std::string TestRegion::SinkLog(const std::string& agency) const {
  return ReadFile(dir_ / ("sink-" + agency + ".log"));
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
  auto store = OpenRegionStore(store_path());
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
  auto store = OpenRegionStore(store_path());
  if (!store.ok()) return 0;
  auto summaries = (*store)->Summaries();
  return summaries.ok() ? summaries->size() : 0;
}

std::map<std::string, std::vector<std::string>> TestRegion::JournaledDeliveries() const {
  std::map<std::string, std::vector<std::string>> out;
  auto store = OpenRegionStore(store_path());
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return out;
  auto summaries = (*store)->Summaries();
  EXPECT_TRUE(summaries.ok()) << summaries.status().ToString();
  if (!summaries.ok()) return out;
  for (const auto& record : *summaries) {
    for (const auto& disclosed : record.disclosures) out[disclosed.recipient].push_back(record.record_id);
  }
  return out;
}

}  // namespace gallery::testing
