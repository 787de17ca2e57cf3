#include "tests/integration/test_region.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cctype>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string_view>

#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include "adapters/sdk/client_keys.h"
#include "hub/config/hub_config.h"
#include "hub/security/curve_key.h"
#include "hub/store/store_factory.h"

namespace gallery::testing {
namespace {

// The region's store, opened for reading beside the running hub, as hubctl's reports open
// it (a journal read-only and without its lock; SQLite allows a second connection in WAL
// mode; PostgreSQL any number).
Result<std::unique_ptr<store::Store>> OpenRegionStore(const TestRegion& region) {
  config::HubConfig config;
  config.store_backend = BackendName(region.backend());
  if (region.backend() == StoreBackend::kPostgresql) {
    config.store_dsn = region.store_dsn();
  } else {
    config.store_path = region.store_path();
  }
  return store::OpenStoreForReading(config);
}

// Runs `sql` on a connection to `dsn` (expanded, then `overrides` applied on top of it).
// Returns "" or the error.
std::string RunSql(const std::string& dsn, const std::vector<std::pair<const char*, const char*>>& overrides,
                   const std::string& sql) {
  std::vector<const char*> keys = {"dbname", "connect_timeout"};
  std::vector<const char*> values = {dsn.c_str(), "10"};
  for (const auto& [key, value] : overrides) {
    keys.push_back(key);  // after the expanded DSN: overrides it (dbname a plain name now)
    values.push_back(value);
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* conn = PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1);
  std::string error;
  if (PQstatus(conn) != CONNECTION_OK) {
    error = PQerrorMessage(conn);
  } else {
    PGresult* result = PQexec(conn, sql.c_str());
    if (PQresultStatus(result) != PGRES_COMMAND_OK) error = PQerrorMessage(conn);
    PQclear(result);
  }
  PQfinish(conn);
  return error;
}

// The `user` of a DSN, "gallery" when it names none.
std::string DsnUser(const std::string& dsn) {
  std::string user = "gallery";
  PQconninfoOption* options = PQconninfoParse(dsn.c_str(), nullptr);
  for (PQconninfoOption* option = options; option != nullptr && option->keyword != nullptr; ++option) {
    if (std::string_view(option->keyword) == "user" && option->val != nullptr && *option->val != '\0') {
      user = option->val;
    }
  }
  PQconninfoFree(options);
  return user;
}

// Writes a fresh key pair as `dir`/`name`.key and .pub, as `hubctl keys new` does.
void WriteKeyPair(const std::filesystem::path& dir, const std::string& name) {
  auto pair = security::NewKeyPair();
  ASSERT_TRUE(pair.ok()) << pair.status().ToString();
  std::ofstream(dir / (name + ".key")) << pair->secret_key << "\n";
  std::ofstream(dir / (name + ".pub")) << pair->public_key << "\n";
}

// The keys folder of each region's running hub, by its endpoint: TestClient takes only an
// endpoint, and finds the keys of the region it belongs to here.
std::mutex g_keys_mu;
std::map<std::string, std::filesystem::path> g_keys_by_endpoint;

}  // namespace

const char* BackendName(StoreBackend backend) {
  switch (backend) {
    case StoreBackend::kJournal: return "journal";
    case StoreBackend::kSqlite: return "sqlite";
    case StoreBackend::kPostgresql: return "postgresql";
  }
  return "unknown";
}

std::string FixtureServerDsn() {
  const char* file = std::getenv("GALLERY_PG_DSN_FILE");
  std::string dsn;
  if (file != nullptr && *file != '\0') {
    std::ifstream in(file);
    std::getline(in, dsn);
  }
  EXPECT_FALSE(dsn.empty()) << "no PostgreSQL test server: $GALLERY_PG_DSN_FILE ("
                            << (file != nullptr ? file : "unset")
                            << ") names no DSN file. Run the PostgreSQL cases through ctest (its"
                               " fixture postgres_server starts one) or start one with"
                               " tests/store/pg_test_server.sh start DIR and set"
                               " GALLERY_PG_DSN_FILE=DIR/dsn";
  return dsn;
}

sdk::ClientOptions TestClient(const std::string& endpoint, const std::string& agency) {
  sdk::ClientOptions options;
  options.endpoint = endpoint;
  options.agency = agency;
  options.client_name = "gallery-test";
  options.heartbeat_interval = std::chrono::milliseconds(200);
  options.hub_silence_timeout = std::chrono::milliseconds(1000);
  options.confirm_timeout = std::chrono::milliseconds(1000);
  std::filesystem::path keys;
  {
    std::lock_guard lock(g_keys_mu);
    auto it = g_keys_by_endpoint.find(endpoint);
    if (it != g_keys_by_endpoint.end()) keys = it->second;
  }
  const std::filesystem::path key_file = keys / "agencies" / (agency + ".key");
  // An agency the region has no key for connects in plain ZeroMQ, and is refused.
  if (!keys.empty() && std::filesystem::exists(key_file)) {
    const Status loaded =
        sdk::LoadClientKeys(key_file.string(), (keys / "hub.pub").string(), options);
    EXPECT_TRUE(loaded.ok()) << loaded.ToString();
  }
  return options;
}

TestRegion::TestRegion(const std::string& name, const std::string& agencies_yaml,
                       const std::string& rules_yaml, const std::filesystem::path& store_dir,
                       const std::string& delivery_yaml)
    : TestRegion(name, agencies_yaml, rules_yaml,
                 RegionOptions{.backend = StoreBackend::kJournal,
                               .store_dir = store_dir,
                               .server_dsn = "",
                               .delivery_yaml = delivery_yaml}) {}

TestRegion::TestRegion(const std::string& name, const std::string& agencies_yaml,
                       const std::string& rules_yaml, const RegionOptions& options)
    : dir_(std::filesystem::temp_directory_path() /
           ("gallery-" + name + "-" + std::to_string(::getpid()))),
      allow_plaintext_(options.allow_plaintext),
      backend_(options.backend) {
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_ / "rules");
  std::ofstream(dir_ / "rules" / "protocol.yaml") << rules_yaml;
  std::string store_yaml;
  const std::filesystem::path store_dir = options.store_dir.empty() ? dir_ : options.store_dir;
  if (backend_ == StoreBackend::kJournal) {
    store_path_ = store_dir / "journal";
    store_yaml = "\"" + store_path_.string() + "\"";  // a plain path: the journal
  } else if (backend_ == StoreBackend::kSqlite) {
    store_path_ = store_dir / "hub.db";
    store_yaml = "{backend: sqlite, path: \"" + store_path_.string() + "\"}";
  } else {
    const std::string server = options.server_dsn.empty() ? FixtureServerDsn() : options.server_dsn;
    // A database of the region's own: "g_<name>_<pid>", lowercase letters, digits and _.
    database_ = "g_";
    for (char c : name) database_ += std::isalnum(static_cast<unsigned char>(c)) ? std::tolower(c) : '_';
    database_ = database_.substr(0, 48) + "_" + std::to_string(::getpid());
    admin_dsn_ = server;
    const std::string owner = DsnUser(server);
    const std::vector<std::pair<const char*, const char*>> as_admin = {{"dbname", "postgres"},
                                                                       {"user", "postgres"}};
    const std::string dropped = RunSql(admin_dsn_, as_admin, "DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)");
    const std::string created =
        dropped.empty() ? RunSql(admin_dsn_, as_admin, "CREATE DATABASE " + database_ + " OWNER \"" + owner + "\"")
                        : dropped;
    EXPECT_EQ(created, "") << "creating the region's database " << database_ << " on " << server;
    store_dsn_ = server + " dbname=" + database_;  // a later keyword overrides an earlier one
    store_yaml = "{backend: postgresql, dsn: \"" + store_dsn_ + "\"}";
  }
  std::ofstream(dir_ / "hub.yaml") << "hub:\n"
                                   << "  id: test-hub\n"
                                   << "  endpoint: \"tcp://127.0.0.1:*\"\n"
                                   << "  store: " << store_yaml << "\n"
                                   << "  rules: rules\n"
                                   << "  log_level: debug\n"
                                   << "delivery:\n"
                                   << "  heartbeat_interval_ms: 200\n"
                                   << "  session_timeout_ms: 2000\n"
                                   << "  ack_timeout_ms: 3000\n"
                                   << options.delivery_yaml
                                   << (allow_plaintext_ ? "security:\n"
                                                          "  allow_plaintext: true\n"
                                                        : "security:\n"
                                                          "  server_secret_key_file: keys/hub.key\n"
                                                          "  agency_keys_dir: keys/agencies\n")
                                   << "agencies:\n"
                                   << agencies_yaml;
  std::filesystem::create_directories(agency_keys_dir());
  WriteKeyPair(keys_dir(), "hub");
  auto config = config::LoadHubConfig(config_path());
  EXPECT_TRUE(config.ok()) << config.status().ToString();
  if (!config.ok()) return;
  for (const Agency& agency : config->agencies) WriteKeyPair(agency_keys_dir(), agency.id);
}

std::vector<std::string> TestRegion::KeyFlags(const std::string& agency) const {
  if (allow_plaintext_) return {};
  return {"--key", (agency_keys_dir() / (agency + ".key")).string(), "--hub-key",
          hub_public_key_file().string()};
}

TestRegion::~TestRegion() {
  StopSinks();
  if (hub_) hub_->Stop(SIGKILL);
  if (!database_.empty()) {
    // Always: the fixture's server is shared by every PostgreSQL test of the run.
    const std::string dropped = RunSql(admin_dsn_, {{"dbname", "postgres"}, {"user", "postgres"}},
                                       "DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)");
    if (!dropped.empty()) std::cerr << "dropping the region's database " << database_ << ": " << dropped;
  }
  if (!::testing::Test::HasFailure()) std::filesystem::remove_all(dir_);
}

std::string TestRegion::Binary(const std::string& name) { return std::string(GALLERY_BIN_DIR) + "/" + name; }

std::string TestRegion::StartHub(const std::string& endpoint) {
  const auto endpoint_file = dir_ / "endpoint";
  std::filesystem::remove(endpoint_file);
  std::vector<std::string> argv = {Binary("hubd"), "--config", config_path(), "--endpoint", endpoint,
                                   "--endpoint-file", endpoint_file.string(), "--admin-file",
                                   (dir_ / "admin").string()};
  hub_ = std::make_unique<ChildProcess>(argv, (dir_ / "hubd.log").string(), hub_env_);
  const bool up = WaitFor([&] { return std::filesystem::exists(endpoint_file) || !hub_->running(); },
                          std::chrono::seconds(20));
  EXPECT_TRUE(up && hub_->running()) << "hubd did not start; see " << (dir_ / "hubd.log");
  std::ifstream(endpoint_file) >> endpoint_;
  std::ifstream(dir_ / "admin") >> admin_address_;
  if (!allow_plaintext_) {
    std::lock_guard lock(g_keys_mu);
    g_keys_by_endpoint[endpoint_] = keys_dir();
  }
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
  std::vector<std::string> argv = {Binary("adapter-sink"), "--hub", endpoint_, "--agency", agency,
                                   "--inbox", (dir_ / "inbox" / agency).string(), "--log-level",
                                   "debug"};
  for (std::string& flag : KeyFlags(agency)) argv.push_back(std::move(flag));
  sinks_[agency] = std::make_unique<ChildProcess>(argv, (dir_ / ("sink-" + agency + ".log")).string());
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
    // The sink may be writing while a test waits on its inbox: a last line without its
    // newline is still being written.
    if (in.eof()) break;
    v1::Deliver deliver;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(line, &deliver).ok()) << line;
    out.push_back(std::move(deliver));
  }
  return out;
}

uint64_t TestRegion::PendingDeliveries(const std::string& agency) const {
  auto store = OpenRegionStore(*this);
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
  auto store = OpenRegionStore(*this);
  if (!store.ok()) return 0;
  auto summaries = (*store)->Summaries();
  return summaries.ok() ? summaries->size() : 0;
}

std::map<std::string, std::vector<std::string>> TestRegion::JournaledDeliveries() const {
  std::map<std::string, std::vector<std::string>> out;
  auto store = OpenRegionStore(*this);
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
