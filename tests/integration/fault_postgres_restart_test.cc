// Fault: the PostgreSQL server under a running hubd restarted twice while a publisher
// keeps sending and three sinks keep receiving: first a clean restart (pg_ctl restart -m
// fast), then a crash (the postmaster and its backends killed with SIGKILL, then started
// again, so the server runs its crash recovery). hubd is never restarted: its store must
// reconnect on the next call by itself. Every confirmed record must reach each of its
// recipients, copies only under the same record id, each subject's records in publish order.
//
// The server is private to this test (pg_test_server.sh start in the test's own folder),
// never the ctest fixture's, which other tests are using meanwhile.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/integration/fault_region.h"

namespace gallery::testing {
namespace {

constexpr size_t kMaxRecords = 20000;  // a bound; the run needs a few thousand
constexpr size_t kConfirmsBetweenFaults = 500;

// A PostgreSQL server of the test's own, stopped (by its PID, through the script) however the
// test ends.
class PrivateServer {
 public:
  explicit PrivateServer(std::filesystem::path dir) : dir_(std::move(dir)) {
    const char* script = std::getenv("GALLERY_PG_SERVER_SCRIPT");
    script_ = script != nullptr && *script != '\0' ? script : GALLERY_PG_SERVER_SCRIPT;
  }
  ~PrivateServer() {
    if (Run("stop") != 0) ADD_FAILURE() << "pg_test_server.sh stop " << dir_ << " failed";
    // The script stops the server by its PID; make sure of it.
    if (const int pid = Pid(); pid > 0 && ::kill(pid, 0) == 0 && !Zombie(pid)) ::kill(pid, SIGKILL);
    if (!::testing::Test::HasFailure()) std::filesystem::remove_all(dir_);
  }
  // pg_test_server.sh ACTION DIR; its output goes to DIR/control.log.
  int Run(const std::string& action) const {
    std::filesystem::create_directories(dir_);
    return std::system(("bash " + script_ + " " + action + " " + dir_.string() + " >>" +
                        (dir_ / "control.log").string() + " 2>&1")
                           .c_str());
  }
  std::string Dsn() const {
    std::string dsn;
    std::ifstream in(dir_ / "dsn");
    std::getline(in, dsn);
    return dsn;
  }
  int Pid() const {
    int pid = 0;
    std::ifstream(dir_ / "pid") >> pid;
    return pid;
  }
  std::filesystem::path PgData() const {
    std::string pgdata;
    std::ifstream in(dir_ / "pgdata");
    std::getline(in, pgdata);
    return pgdata;
  }

  // kill -9 of the postmaster and every process it started; returns how many were killed
  // once all are dead. Then clears the lock files that the dead (but perhaps unreaped, so
  // still "running" to kill(pid, 0)) postmaster left, so that the server can start again.
  int Crash() const {
    const int postmaster = Pid();
    if (postmaster <= 0) return 0;
    std::vector<int> pids = {postmaster};
    std::ifstream children("/proc/" + std::to_string(postmaster) + "/task/" + std::to_string(postmaster) +
                           "/children");
    for (int child; children >> child;) pids.push_back(child);
    for (int pid : pids) ::kill(pid, SIGKILL);
    const bool dead = WaitFor([&] {
      for (int pid : pids) {
        if (::kill(pid, 0) == 0 && !Zombie(pid)) return false;
      }
      return true;
    }, std::chrono::seconds(10), std::chrono::milliseconds(20));
    EXPECT_TRUE(dead) << "the server's processes outlived SIGKILL";
    const std::filesystem::path pgdata = PgData();
    std::filesystem::remove(pgdata / "data" / "postmaster.pid");
    for (const auto& entry : std::filesystem::directory_iterator(pgdata)) {
      const std::string file = entry.path().filename().string();
      if (file.starts_with(".s.PGSQL.")) std::filesystem::remove(entry.path());
    }
    return static_cast<int>(pids.size());
  }

  const std::filesystem::path& dir() const { return dir_; }

 private:
  static bool Zombie(int pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(stat, line);
    const size_t close = line.rfind(')');
    return close == std::string::npos || line.size() < close + 3 || line[close + 2] == 'Z';
  }

  std::filesystem::path dir_;
  std::string script_;
};

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

using Clock = std::chrono::steady_clock;

long long MillisSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

TEST(FaultPostgresRestartTest, ServerRestartedAndCrashedUnderLoadLosesNoConfirmedRecord) {
  PrivateServer server(std::filesystem::temp_directory_path() /
                       ("gallery-fault-pg-restart-server-" + std::to_string(::getpid())));
  ASSERT_EQ(server.Run("start"), 0) << "pg_test_server.sh start failed; see " << server.dir() / "control.log";
  ASSERT_FALSE(server.Dsn().empty());

  // Declared after the server: the region (its database) goes first.
  RegionOptions options;
  options.backend = StoreBackend::kPostgresql;
  options.server_dsn = server.Dsn();
  TestRegion region("fault-pg-restart", kFaultAgencies, kFaultRules, options);
  const std::string endpoint = region.StartHub();
  ASSERT_TRUE(region.hub().running());
  for (const auto& agency : kFaultSinks) region.StartSink(agency);
  LoadPublisher publisher(FaultClient(endpoint, "asc"), "asc:pg-restart", kMaxRecords);

  const auto wait_for_load = [&](const std::string& when) {
    const size_t target = publisher.confirmed() + kConfirmsBetweenFaults;
    const auto start = Clock::now();
    const bool flowing = WaitFor([&] { return publisher.confirmed() >= target || publisher.done_sending(); },
                                 std::chrono::seconds(30));
    EXPECT_TRUE(flowing) << when << ": only " << publisher.confirmed() << " confirmed, waiting for " << target
                         << "; hubd's last error: " << LastLineWith(region.HubLog(), "[error]");
    EXPECT_FALSE(publisher.done_sending()) << when << ": the publisher stopped";
    std::cout << when << ": " << kConfirmsBetweenFaults << " more confirms in " << MillisSince(start) << " ms\n";
    return flowing && !publisher.done_sending();
  };
  const auto commit_failures = [&] { return Count(region.HubLog(), "journal commit failed"); };

  ASSERT_TRUE(wait_for_load("before the faults"));

  // 1. A clean restart (fast shutdown: sessions terminated, then started again).
  size_t failures_before = commit_failures();
  size_t sent = publisher.sent(), confirmed = publisher.confirmed();
  auto start = Clock::now();
  ASSERT_EQ(server.Run("restart"), 0) << "pg_test_server.sh restart failed; see " << server.dir() / "control.log";
  std::cout << "restart: " << sent << " sent, " << confirmed << " confirmed before; server back after "
            << MillisSince(start) << " ms\n";
  ASSERT_TRUE(wait_for_load("after the restart"));
  ASSERT_TRUE(region.hub().running()) << "hubd died with the server";
  const size_t restart_failures = commit_failures() - failures_before;
  std::cout << "restart: hubd refused " << restart_failures << " batches meanwhile\n";

  // 2. A crash: SIGKILL to the postmaster and its backends; down a second under load; then
  // started on the same data (crash recovery) and port.
  failures_before = commit_failures();
  sent = publisher.sent(), confirmed = publisher.confirmed();
  start = Clock::now();
  const int killed = server.Crash();
  ::usleep(1000 * 1000);
  ASSERT_EQ(server.Run("restart"), 0) << "starting the crashed server failed; see " << server.dir() / "control.log";
  std::cout << "crash: " << killed << " server processes killed; " << sent << " sent, " << confirmed
            << " confirmed before; server back after " << MillisSince(start) << " ms\n";
  ASSERT_TRUE(wait_for_load("after the crash"));
  ASSERT_TRUE(region.hub().running()) << "hubd died with the server";
  const size_t crash_failures = commit_failures() - failures_before;
  std::cout << "crash: hubd refused " << crash_failures << " batches meanwhile\n";
  EXPECT_GT(crash_failures, 0u) << "the crash was not noticed: the test shows nothing";

  FinishAndCountEveryRecord(region, publisher);

  auto journaled = region.JournaledDeliveries();
  for (const auto& agency : kFaultSinks) {
    const auto queued = OrderViolations(publisher.published(), journaled[agency]);
    EXPECT_TRUE(queued.empty()) << agency << ": " << queued.size()
                                << " records queued out of publish order, first: " << queued.front();
    const auto received = OrderViolations(publisher.published(), InboxIds(region, agency));
    EXPECT_TRUE(received.empty()) << agency << ": " << received.size()
                                  << " records received out of publish order, first: " << received.front();
  }
}

}  // namespace
}  // namespace gallery::testing
