// What is particular to the PostgreSQL backend: connection handling, errors, sharing one
// schema between hub instances. The Store contract is in store_conformance_test.cc.
#include "hub/store/postgres_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/store/store_test_backends.h"

namespace gallery::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A direct connection for checks behind the store's back. Not thread-safe.
class Sql {
 public:
  explicit Sql(const std::string& dsn) : conn_(PQconnectdb(dsn.c_str())) {
    EXPECT_EQ(PQstatus(conn_), CONNECTION_OK) << PQerrorMessage(conn_);
  }
  ~Sql() { PQfinish(conn_); }
  // The first column of the first row, as text ("" when none or on error).
  std::string Value(const std::string& query) {
    pg::ResultPtr result(PQexec(conn_, query.c_str()));
    EXPECT_EQ(PQresultStatus(result.get()), PGRES_TUPLES_OK) << PQerrorMessage(conn_);
    if (PQresultStatus(result.get()) != PGRES_TUPLES_OK || PQntuples(result.get()) == 0) return "";
    return PQgetvalue(result.get(), 0, 0);
  }
  void Run(const std::string& command) {
    pg::ResultPtr result(PQexec(conn_, command.c_str()));
    EXPECT_EQ(PQresultStatus(result.get()), PGRES_COMMAND_OK) << PQerrorMessage(conn_);
  }

 private:
  PGconn* conn_;
};

NewRecord Record(const std::string& id, std::vector<std::string> recipients) {
  NewRecord record;
  record.record_id = id;
  record.source_agency = "asc-county";
  record.record_type = "assessment.single";
  record.received_at_us = 1;
  record.payload = "payload of " + id;
  for (auto& recipient : recipients) {
    record.deliveries.push_back({recipient, {"sap-rule"}, {}, id + " to " + recipient});
  }
  return record;
}

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dsn = testing::TestServerDsn();
    ASSERT_TRUE(dsn.ok()) << dsn.status().ToString();  // no server fails, never skips
    dsn_ = *dsn;
    schema_ = "p_" + std::to_string(::getpid()) + "_" +
              std::to_string(std::hash<std::string>()(
                                 ::testing::UnitTest::GetInstance()->current_test_info()->name()) %
                             1000000007);
    Sql(dsn_).Run("SET client_min_messages = warning; DROP SCHEMA IF EXISTS " + schema_ +
                  " CASCADE");
  }
  void TearDown() override {
    if (!dsn_.empty()) {
      Sql(dsn_).Run("SET client_min_messages = warning; DROP SCHEMA IF EXISTS " + schema_ +
                    " CASCADE");
    }
  }

  std::unique_ptr<PostgresStore> Open(const std::string& dsn) {
    auto store = PostgresStore::Open({dsn, schema_});
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }
  std::unique_ptr<PostgresStore> Open() { return Open(dsn_); }

  static std::vector<uint64_t> PendingIds(Store& store, const std::string& recipient) {
    auto pending = store.Pending(recipient, 0, 100);
    EXPECT_TRUE(pending.ok()) << pending.status().ToString();
    std::vector<uint64_t> ids;
    if (pending.ok()) {
      for (const auto& delivery : *pending) ids.push_back(delivery.delivery_id);
    }
    return ids;
  }

  std::string dsn_;
  std::string schema_;
};

TEST(PostgresErrorTest, TroubleWorthRetryingIsUnavailableAndCorruptionIsDataLoss) {
  EXPECT_EQ(pg::CodeForSqlState("08006"), Code::kUnavailable);  // connection failure
  EXPECT_EQ(pg::CodeForSqlState("57P01"), Code::kUnavailable);  // admin shutdown
  EXPECT_EQ(pg::CodeForSqlState("57P03"), Code::kUnavailable);  // cannot connect now
  EXPECT_EQ(pg::CodeForSqlState("53100"), Code::kUnavailable);  // disk full
  EXPECT_EQ(pg::CodeForSqlState("58030"), Code::kUnavailable);  // I/O error
  EXPECT_EQ(pg::CodeForSqlState("40001"), Code::kUnavailable);  // serialization failure
  EXPECT_EQ(pg::CodeForSqlState("25006"), Code::kUnavailable);  // read-only (a standby)
  EXPECT_EQ(pg::CodeForSqlState(""), Code::kUnavailable);       // no answer at all
  EXPECT_EQ(pg::CodeForSqlState("XX001"), Code::kDataLoss);
  EXPECT_EQ(pg::CodeForSqlState("23505"), Code::kInternal);  // unique violation
  EXPECT_EQ(pg::CodeForSqlState("42P01"), Code::kInternal);  // undefined table
}

TEST(PostgresOpenTest, MalformedDsnOrSchemaIsInvalidArgument) {
  auto dsn = PostgresStore::Open({"host=127.0.0.1 port", "gallery"});
  ASSERT_FALSE(dsn.ok());
  EXPECT_EQ(dsn.status().code(), Code::kInvalidArgument);
  EXPECT_THAT(dsn.status().message(), HasSubstr("postgresql dsn"));
  auto schema = PostgresStore::Open({"host=127.0.0.1", "Gallery; DROP"});
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.status().code(), Code::kInvalidArgument);
}

TEST(PostgresOpenTest, UnreachableServerIsUnavailable) {
  // Port 1 on loopback: nothing listens there, the connection is refused at once.
  auto store =
      PostgresStore::Open({"host=127.0.0.1 port=1 dbname=gallery connect_timeout=5", "gallery"});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Code::kUnavailable);
  EXPECT_THAT(store.status().message(), HasSubstr("cannot connect to postgresql"));
}

TEST_F(PostgresStoreTest, SchemaOfAnotherFormatIsRefused) {
  { ASSERT_TRUE(Open()); }
  Sql(dsn_).Run("UPDATE " + schema_ + ".meta SET value = 'gallery-store-99'");
  auto store = PostgresStore::Open({dsn_, schema_});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Code::kFailedPrecondition);
  EXPECT_THAT(store.status().message(), HasSubstr("gallery-store-99"));
}

TEST_F(PostgresStoreTest, SchemaFromBeforeRegistryFactsOpensAndKeepsThem) {
  {
    auto store = Open();
    ASSERT_TRUE(store);
    std::vector<NewRecord> batch = {Record("r1", {"dn-central"})};
    ASSERT_TRUE(store->Commit(batch, {}, "hash").ok());
  }
  Sql(dsn_).Run("DROP TABLE " + schema_ + ".registry_facts");
  auto store = Open();
  ASSERT_TRUE(store);
  NewRecord record = Record("r2", {});
  record.registry_facts = {"fact"};
  std::vector<NewRecord> batch = {record};
  ASSERT_TRUE(store->Commit(batch, {}, "hash").ok());
  auto facts = store->RegistryFacts();
  ASSERT_TRUE(facts.ok()) << facts.status().ToString();
  EXPECT_THAT(*facts, ElementsAre("fact"));
  EXPECT_THAT(PendingIds(*store, "dn-central"), ElementsAre(1u));
}

TEST_F(PostgresStoreTest, SchemaOfThePreviousFormatIsUpgradedAndKeepsItsAuditLog) {
  {
    auto store = Open();
    ASSERT_TRUE(store);
    NewRecord record = Record("r1", {"dn-central"});
    record.audit_entry = "entry 1";
    std::vector<NewRecord> batch = {record};
    ASSERT_TRUE(store->Commit(batch, {}, "hash").ok());
  }
  // As gallery-store-2 left it: audit entries unique by an index over their md5, no marks.
  Sql(dsn_).Run("UPDATE " + schema_ + ".meta SET value = 'gallery-store-2'; DROP TABLE " +
                schema_ + ".commit_marks; CREATE UNIQUE INDEX audit_log_entries ON " + schema_ +
                ".audit_log(md5(entry))");
  auto store = Open();
  ASSERT_TRUE(store);
  EXPECT_EQ(Sql(dsn_).Value("SELECT value FROM " + schema_ + ".meta WHERE key = 'format'"),
            "gallery-store-3");
  EXPECT_EQ(Sql(dsn_).Value("SELECT count(*) FROM pg_indexes WHERE schemaname = '" + schema_ +
                            "' AND indexname = 'audit_log_entries'"),
            "0");
  const std::vector<std::string> entries = {"entry 2"};
  ASSERT_TRUE(store->AppendAudit(entries).ok());
  auto log = store->AuditEntries(0, 10);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_THAT(*log, ElementsAre("entry 1", "entry 2"));
  EXPECT_THAT(PendingIds(*store, "dn-central"), ElementsAre(1u));
}

TEST_F(PostgresStoreTest, EachCommitLeavesOneMarkInPlaceOfItsPrevious) {
  auto store = Open();
  ASSERT_TRUE(store);
  for (int i = 0; i < 3; ++i) {
    std::vector<NewRecord> batch = {Record("r" + std::to_string(i), {"dn-central"})};
    ASSERT_TRUE(store->Commit(batch, {}, "hash").ok());
  }
  const std::vector<std::string> entries = {"entry"};
  ASSERT_TRUE(store->AppendAudit(entries).ok());
  EXPECT_EQ(Sql(dsn_).Value("SELECT count(*) FROM " + schema_ + ".commit_marks"), "1");
}

TEST_F(PostgresStoreTest, QueueReadFromMemoryFollowsAcksDeadLettersAndRetries) {
  auto store = Open();
  ASSERT_TRUE(store);
  std::vector<NewRecord> batch = {Record("r1", {"dn-central"}), Record("r2", {"dn-central"}),
                                  Record("r3", {"dn-central"})};
  ASSERT_TRUE(store->Commit(batch, {}, "hash").ok());
  const std::vector<AckedDelivery> acks = {{"dn-central", 2}};
  ASSERT_TRUE(store->Commit({}, acks, "hash").ok());
  EXPECT_THAT(PendingIds(*store, "dn-central"), ElementsAre(1u, 3u));
  ASSERT_TRUE(store->DeadLetterDelivery("dn-central", 1, 3, "refused", 1).ok());
  EXPECT_THAT(PendingIds(*store, "dn-central"), ElementsAre(3u));
  auto letters = store->DeadLetters();
  ASSERT_TRUE(letters.ok() && letters->size() == 1u);
  auto retried = store->RetryDeadLetter(letters->front().id);
  ASSERT_TRUE(retried.ok()) << retried.status().ToString();
  EXPECT_EQ(*retried, 4u);
  EXPECT_THAT(PendingIds(*store, "dn-central"), ElementsAre(3u, 4u));
  std::vector<NewRecord> more = {Record("r4", {"dn-central"})};
  ASSERT_TRUE(store->Commit(more, {}, "hash").ok());
  EXPECT_THAT(PendingIds(*store, "dn-central"), ElementsAre(3u, 4u, 5u));
  auto pending = store->Pending("dn-central", 3, 1);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ(pending->front().record_id, "r1");
  EXPECT_EQ(pending->front().payload, "r1 to dn-central");
}

TEST_F(PostgresStoreTest, IdenticalRedactionsOfOneRecordAreStoredOnce) {
  auto store = Open();
  ASSERT_TRUE(store);
  NewRecord record = Record("r1", {"dn-central", "gp-riverside", "gp-hillview"});
  record.deliveries[0].payload = "shared";
  record.deliveries[1].payload = "different";
  record.deliveries[2].payload = "shared";
  std::vector<NewRecord> batch = {record, Record("r2", {"dn-central"})};
  ASSERT_TRUE(store->Commit(batch, {}, "hash").ok());
  EXPECT_EQ(Sql(dsn_).Value("SELECT sum(cardinality(redacted)) FROM " + schema_ + ".records"),
            "3");
}

TEST_F(PostgresStoreTest, HubInstancesSharingASchemaCountDeliveryIdsTogether) {
  auto first = Open();
  auto second = Open();
  ASSERT_TRUE(first && second);
  std::vector<NewRecord> a = {Record("r1", {"dn-central"})};
  std::vector<NewRecord> b = {Record("r2", {"dn-central", "gp-riverside"})};
  std::vector<NewRecord> c = {Record("r3", {"dn-central"}), Record("r2", {"dn-central"})};
  ASSERT_TRUE(first->Commit(a, {}, "hash").ok());
  ASSERT_TRUE(second->Commit(b, {}, "hash").ok());
  ASSERT_TRUE(first->Commit(c, {}, "hash").ok());
  EXPECT_THAT(PendingIds(*second, "dn-central"), ElementsAre(1u, 2u, 3u));
  EXPECT_THAT(PendingIds(*first, "gp-riverside"), ElementsAre(1u));
}

TEST_F(PostgresStoreTest, ReconnectsAfterTheServerEndsItsConnection) {
  auto store = Open();
  ASSERT_TRUE(store);
  std::vector<NewRecord> r1 = {Record("r1", {"dn-central"})};
  ASSERT_TRUE(store->Commit(r1, {}, "hash").ok());

  // As when an administrator or a restart ends the session while the hub is idle.
  const int pid = store->BackendPid();
  ASSERT_NE(pid, 0);
  EXPECT_EQ(Sql(dsn_).Value("SELECT pg_terminate_backend(" + std::to_string(pid) + ")"), "t");
  std::vector<NewRecord> r2 = {Record("r2", {"dn-central"})};
  Status commit = store->Commit(r2, {}, "hash");
  EXPECT_TRUE(commit.ok()) << commit.ToString();
  EXPECT_NE(store->BackendPid(), pid);
  EXPECT_THAT(PendingIds(*store, "dn-central"), ElementsAre(1u, 2u));

  // A change that is not repeated on its own fails as retryable, and the next call works.
  Sql(dsn_).Value("SELECT pg_terminate_backend(" + std::to_string(store->BackendPid()) + ")");
  Status dead = store->DeadLetterDelivery("dn-central", 1, 1, "refused", 1);
  EXPECT_TRUE(dead.ok() || dead.code() == Code::kUnavailable) << dead.ToString();
  if (!dead.ok()) {
    ASSERT_TRUE(store->DeadLetterDelivery("dn-central", 1, 1, "refused", 1).ok());
  }
  EXPECT_THAT(PendingIds(*store, "dn-central"), ElementsAre(2u));
}

// Stops a private test server however the test ends, once any restart is over.
class PrivateServer {
 public:
  PrivateServer(std::string control, std::filesystem::path dir)
      : control_(std::move(control)), dir_(std::move(dir)) {}
  ~PrivateServer() {
    for (int i = 0; i < 600 && std::filesystem::exists(dir_ / "restarting"); ++i) {
      ::usleep(100 * 1000);
    }
    EXPECT_EQ(std::system((control_ + "stop " + dir_.string() + " >/dev/null").c_str()), 0);
    std::filesystem::remove_all(dir_);
  }
  int Run(const std::string& action, const std::string& redirect) const {
    return std::system((control_ + action + " " + dir_.string() + " " + redirect).c_str());
  }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::string control_;
  std::filesystem::path dir_;
};

// A private server, restarted while a store commits to it: the store must carry on without
// being reopened, every confirmed record kept, each record once.
TEST(PostgresRestartTest, StoreRecoversWhenTheServerRestartsUnderLoad) {
  const char* script = std::getenv("GALLERY_PG_SERVER_SCRIPT");
  ASSERT_NE(script, nullptr) << "GALLERY_PG_SERVER_SCRIPT is not set (run through ctest)";
  PrivateServer server(std::string("bash ") + script + " ",
                       std::filesystem::temp_directory_path() /
                           ("gallery-pg-restart-" + std::to_string(::getpid())));
  ASSERT_EQ(server.Run("start", ">/dev/null"), 0);
  std::string dsn;
  std::getline(std::ifstream(server.dir() / "dsn"), dsn);
  auto opened = PostgresStore::Open({dsn, "gallery"});
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  auto store = std::move(opened).value();

  int confirmed = 0;
  int refused = 0;
  bool restarted = false;
  while (confirmed < 300) {
    if (confirmed == 100 && !restarted) {
      // In the background, so that commits go on while the server stops and starts.
      ASSERT_EQ(server.Run("restart", ">/dev/null 2>&1 &"), 0);
      restarted = true;
      for (int i = 0; i < 10000 && !std::filesystem::exists(server.dir() / "restarting"); ++i) {
        ::usleep(1000);
      }
    }
    std::vector<NewRecord> batch = {Record("r" + std::to_string(confirmed), {"dn-central"})};
    Status status = store->Commit(batch, {}, "hash");
    if (status.ok()) {
      ++confirmed;
    } else {
      // Retryable, and retried as a publisher would, after a pause.
      EXPECT_EQ(status.code(), Code::kUnavailable) << status.ToString();
      ASSERT_LT(++refused, 200) << status.ToString();
      ::usleep(50 * 1000);
    }
  }
  EXPECT_GT(refused, 0) << "the restart was not noticed";
  auto pending = store->Pending("dn-central", 0, 1000);
  ASSERT_TRUE(pending.ok()) << pending.status().ToString();
  ASSERT_EQ(pending->size(), 300u);
  EXPECT_EQ(pending->back().delivery_id, 300u);
  EXPECT_EQ(pending->back().record_id, "r299");
}

}  // namespace
}  // namespace gallery::store
