// TestRegion: a private Gallery region for one integration test — a temp folder with a
// hub config and rules, a real hubd process, and real adapter-sink processes.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "adapters/sdk/client_options.h"
#include "gallery/v1/wire.pb.h"
#include "tests/integration/child_process.h"

namespace gallery::testing {

// The hub's store backend (`hub.store`).
enum class StoreBackend { kJournal, kSqlite, kPostgresql };

// "journal", "sqlite" or "postgresql": as in the config, and as the suffix of
// parameterized tests.
const char* BackendName(StoreBackend backend);

// Every backend a backend-independent test runs against, for INSTANTIATE_TEST_SUITE_P: the
// embedded default and the server. SQLite is covered by the store conformance suites
// (tests/store).
inline constexpr StoreBackend kAllBackends[] = {StoreBackend::kJournal, StoreBackend::kPostgresql};

// For INSTANTIATE_TEST_SUITE_P's name generator: "journal", "postgresql". ctest runs the
// PostgreSQL instances apart (gtest filter "*/postgresql"), with the server fixture.
struct BackendParamName {
  template <typename ParamInfo>
  std::string operator()(const ParamInfo& info) const { return BackendName(info.param); }
};

// The DSN of the PostgreSQL server ctest's fixture started (tests/store/pg_test_server.sh):
// the first line of the file $GALLERY_PG_DSN_FILE names. "" (and a test failure naming the
// file) when there is none.
std::string FixtureServerDsn();

struct RegionOptions {
  StoreBackend backend = StoreBackend::kJournal;
  // Journal, SQLite: the store (folder "journal", file "hub.db") lives in the region's
  // folder, or in `store_dir` when given (e.g. a small tmpfs).
  std::filesystem::path store_dir;
  // PostgreSQL: a keyword/value DSN of the server (default: FixtureServerDsn()). The region
  // creates a database of its own there (the hub's tables live in schema "gallery" of the
  // database its DSN names, so a database per region keeps regions apart), owned by the
  // DSN's user and created as the superuser "postgres" (the test servers trust local
  // connections), and drops it when it goes.
  std::string server_dsn;
  // Lines added to the config's delivery section, e.g. "  max_attempts: 2\n".
  std::string delivery_yaml;
  // The hub speaks plain ZeroMQ (security.allow_plaintext) instead of CURVE.
  bool allow_plaintext = false;
};

// SDK settings for tests: heartbeats every 200 ms, a hub silent for 1 s presumed gone, a
// record unconfirmed for 1 s sent again, so that failures show within a test's time. When
// `endpoint` is a running region's hub, the client authenticates with `agency`'s CURVE key
// from that region.
sdk::ClientOptions TestClient(const std::string& endpoint, const std::string& agency);

class TestRegion {
 public:
  // `agencies_yaml` is the config's agencies list; `rules_yaml` one rule file. The store
  // lives in the region's folder, or in `store_dir` when given (e.g. a small tmpfs).
  // `delivery_yaml` adds lines to the config's delivery section, e.g. "  max_attempts: 2\n".
  TestRegion(const std::string& name, const std::string& agencies_yaml, const std::string& rules_yaml,
             const std::filesystem::path& store_dir = {}, const std::string& delivery_yaml = "");
  TestRegion(const std::string& name, const std::string& agencies_yaml, const std::string& rules_yaml,
             const RegionOptions& options);
  ~TestRegion();

  // Starts hubd on `endpoint` (default: a free loopback port) and waits until it serves.
  // Returns the bound endpoint.
  std::string StartHub(const std::string& endpoint = "tcp://127.0.0.1:*");
  ChildProcess& hub() { return *hub_; }
  // Kills hubd with `signal` and waits for it to go.
  int StopHub(int signal);
  // Extra environment ("NAME=value") for the hubd processes started from now on.
  void set_hub_environment(std::vector<std::string> env) { hub_env_ = std::move(env); }
  // Everything every hubd of this region has logged so far (they all append to one file).
  std::string HubLog() const;

  void StartSink(const std::string& agency);
  ChildProcess& sink(const std::string& agency) { return *sinks_.at(agency); }
  // Stops the agency's sink with `signal`; returns its exit code (see ChildProcess::Stop).
  int StopSink(const std::string& agency, int signal);
  void StopSinks();
  // The record id of every Deliver frame the agency's sinks have taken, in arrival order,
  // redeliveries included (read from their debug log). The inbox keeps one line per record
  // id, so only this shows copies.
  std::vector<std::string> SinkReceived(const std::string& agency) const;
  // Everything the agency's sinks have logged so far.
  std::string SinkLog(const std::string& agency) const;

  // Every delivery in the agency's inbox, in file order.
  std::vector<v1::Deliver> Inbox(const std::string& agency) const;
  // Unacked deliveries to `agency` (all recipients when empty), read from the hub's store.
  uint64_t PendingDeliveries(const std::string& agency = "") const;
  // Records journaled in the hub's store.
  size_t JournaledRecords() const;
  // For each recipient, the record id of each of its journaled deliveries, in journal
  // order. A record id twice for one recipient is a record queued twice as if new.
  std::map<std::string, std::vector<std::string>> JournaledDeliveries() const;

  const std::filesystem::path& dir() const { return dir_; }
  const std::string& endpoint() const { return endpoint_; }
  // CURVE keys: the region makes a key pair for the hub and one per agency of its config
  // (keys/hub.key, keys/hub.pub, keys/agencies/<agency>.key and .pub), and the hub reads
  // the agencies' public keys from keys/agencies.
  std::filesystem::path keys_dir() const { return dir_ / "keys"; }
  std::filesystem::path agency_keys_dir() const { return dir_ / "keys" / "agencies"; }
  std::filesystem::path hub_public_key_file() const { return dir_ / "keys" / "hub.pub"; }
  // An adapter's "--key FILE --hub-key FILE" for `agency` (nothing when allow_plaintext).
  std::vector<std::string> KeyFlags(const std::string& agency) const;
  // The admin HTTP server's "host:port", once the hub has started.
  const std::string& admin_address() const { return admin_address_; }
  std::string config_path() const { return (dir_ / "hub.yaml").string(); }
  // Journal: the store's folder. SQLite: the store file. PostgreSQL: empty.
  std::string store_path() const { return store_path_.string(); }
  StoreBackend backend() const { return backend_; }
  // PostgreSQL: the hub's DSN (the region's own database). Otherwise empty.
  const std::string& store_dsn() const { return store_dsn_; }
  // A built binary, e.g. "hubd".
  static std::string Binary(const std::string& name);

 private:
  std::filesystem::path dir_;
  bool allow_plaintext_ = false;
  StoreBackend backend_ = StoreBackend::kJournal;
  std::filesystem::path store_path_;
  std::string admin_dsn_;  // PostgreSQL: the server's "postgres" database, as superuser
  std::string database_;   // PostgreSQL: the region's database
  std::string store_dsn_;
  std::vector<std::string> hub_env_;
  std::string endpoint_;
  std::string admin_address_;
  std::unique_ptr<ChildProcess> hub_;
  std::map<std::string, std::unique_ptr<ChildProcess>> sinks_;
};

}  // namespace gallery::testing
