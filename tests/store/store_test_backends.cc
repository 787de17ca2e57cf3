#include "tests/store/store_test_backends.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "hub/store/journal_store.h"
#include "hub/store/postgres_store.h"
#include "hub/store/sqlite_store.h"

namespace gallery::store::testing {
namespace {

class SqliteBackend final : public TestBackend {
 public:
  explicit SqliteBackend(std::filesystem::path dir) : dir_(std::move(dir)) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  ~SqliteBackend() override { std::filesystem::remove_all(dir_); }

  Result<std::unique_ptr<Store>> Open() override {
    GALLERY_ASSIGN_OR_RETURN(std::unique_ptr<SqliteStore> store,
                             SqliteStore::Open((dir_ / "hub.db").string()));
    return std::unique_ptr<Store>(std::move(store));
  }

 private:
  std::filesystem::path dir_;
};

class JournalBackend final : public TestBackend {
 public:
  explicit JournalBackend(std::filesystem::path dir) : dir_(std::move(dir)) {
    std::filesystem::remove_all(dir_);
  }
  ~JournalBackend() override { std::filesystem::remove_all(dir_); }

  Result<std::unique_ptr<Store>> Open() override {
    GALLERY_ASSIGN_OR_RETURN(std::unique_ptr<JournalStore> store,
                             JournalStore::Open(dir_.string()));
    return std::unique_ptr<Store>(std::move(store));
  }

 private:
  std::filesystem::path dir_;
};

class PostgresBackend final : public TestBackend {
 public:
  PostgresBackend(std::string dsn, std::string schema)
      : dsn_(std::move(dsn)), schema_(std::move(schema)) {
    DropSchema();
  }
  ~PostgresBackend() override { DropSchema(); }

  Result<std::unique_ptr<Store>> Open() override {
    GALLERY_ASSIGN_OR_RETURN(std::unique_ptr<PostgresStore> store,
                             PostgresStore::Open({dsn_, schema_}));
    return std::unique_ptr<Store>(std::move(store));
  }

 private:
  void DropSchema() {
    PGconn* conn = PQconnectdb(dsn_.c_str());
    if (PQstatus(conn) == CONNECTION_OK) {
      PQclear(PQexec(
          conn, ("SET client_min_messages = warning; DROP SCHEMA IF EXISTS " + schema_ + " CASCADE")
                    .c_str()));
    }
    PQfinish(conn);
  }

  std::string dsn_;
  std::string schema_;
};

// FNV-1a, to fit any test name in PostgreSQL's 63-byte identifiers.
uint64_t Hash(const std::string& text) {
  uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : text) hash = (hash ^ c) * 1099511628211ull;
  return hash;
}

}  // namespace

Result<std::string> TestServerDsn() {
  const char* env = std::getenv("GALLERY_PG_DSN_FILE");
  const std::string file = env != nullptr && *env != '\0' ? env : GALLERY_PG_DSN_FILE;
  std::ifstream in(file);
  std::string dsn;
  if (!in.is_open() || !std::getline(in, dsn) || dsn.empty()) {
    return Unavailable("no PostgreSQL test server: " + file +
                       " is missing. Run the tests through ctest, whose fixture starts one, or"
                       " start one with tests/store/pg_test_server.sh start " +
                       std::filesystem::path(file).parent_path().string());
  }
  return dsn;
}

Result<std::unique_ptr<TestBackend>> MakeTestBackend(const std::string& backend,
                                                     const std::string& test_name) {
  const std::string unique =
      std::to_string(::getpid()) + "_" + std::to_string(Hash(test_name) % 1000000007);
  if (backend == "journal") {
    return std::unique_ptr<TestBackend>(std::make_unique<JournalBackend>(
        std::filesystem::temp_directory_path() / ("gallery-journal-test-" + unique)));
  }
  if (backend == "sqlite") {
    return std::unique_ptr<TestBackend>(std::make_unique<SqliteBackend>(
        std::filesystem::temp_directory_path() / ("gallery-store-test-" + unique)));
  }
  if (backend == "postgresql") {
    GALLERY_ASSIGN_OR_RETURN(std::string dsn, TestServerDsn());
    return std::unique_ptr<TestBackend>(std::make_unique<PostgresBackend>(dsn, "t_" + unique));
  }
  return InvalidArgument("unknown backend " + backend);
}

}  // namespace gallery::store::testing
