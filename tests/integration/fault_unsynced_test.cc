// Fault: writes that were not synced are lost at a crash. hubd runs with
// libgallery_durable_sizes.so (durable_sizes_preload.cc), which notes each store file's
// size at its last fsync; three times, under sustained load, hubd is killed with SIGKILL
// and the test then leaves the store as a power loss would: each file cut back to its
// durable size, and hub.db-shm (shared memory that SQLite never syncs and rebuilds from
// the WAL) deleted. This is how leveldb's db/fault_injection_test.cc drops unsynced data.
// A new hubd on that store must keep every confirmed record (copies only under the same
// record id), and say in its log how much of the WAL it drops when a tail is left after
// the last commit.
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "hub/store/sqlite_wal_check.h"
#include "tests/integration/fault_region.h"

namespace gallery::testing {
namespace {

constexpr int kCrashes = 3;
constexpr size_t kMaxRecords = 20000;  // a bound; the run needs a few thousand
// Confirms to wait for before each kill; varied, so that the kills fall at different
// points of a batch and of the WAL's cycle.
constexpr size_t kConfirmsBetweenCrashes = 400;
const std::string kRecoveryDrops = "recovery drops ";

// The sidecar's "<size> <path>" lines, by path.
std::map<std::string, uintmax_t> ReadDurableSizes(const std::filesystem::path& sidecar) {
  std::map<std::string, uintmax_t> sizes;
  std::ifstream in(sidecar);
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    uintmax_t size = 0;
    std::string path;
    if (fields >> size && std::getline(fields >> std::ws, path)) sizes[path] = size;
  }
  return sizes;
}

// Waits up to `patience` for a moment when hubd has appended to its WAL and not yet synced
// it (mid-commit), so that the kill that follows most likely leaves unsynced bytes to drop.
// Returns false when no such moment came: the WAL is then being rewritten in place, within
// its durable size, after a checkpoint.
bool AwaitUnsyncedWal(const std::filesystem::path& store_dir, const std::filesystem::path& sidecar,
                      std::chrono::milliseconds patience) {
  const auto wal = store_dir / "hub.db-wal";
  const auto deadline = std::chrono::steady_clock::now() + patience;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto durable = ReadDurableSizes(sidecar);
    std::error_code error;
    const uintmax_t size = std::filesystem::file_size(wal, error);
    auto it = durable.find(wal.string());
    if (!error && it != durable.end() && size > it->second) return true;
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  return false;
}

// What one simulated power loss did to the store.
struct PowerLoss {
  std::map<std::string, uintmax_t> cut;  // file name: bytes cut off its end
  uintmax_t shm_deleted = 0;             // hub.db-shm's size when deleted
  store::WalTail wal_tail;               // what hubd's recovery will find after the cut WAL
};

// Cuts every store file back to its durable size and deletes the -shm file. A file the
// preload library never saw opened is a test failure (it cannot say what was durable).
PowerLoss SimulatePowerLoss(const std::filesystem::path& store_dir, const std::filesystem::path& sidecar) {
  PowerLoss loss;
  const auto durable = ReadDurableSizes(sidecar);
  EXPECT_FALSE(durable.empty()) << sidecar << " is missing or empty";
  for (const auto& entry : std::filesystem::directory_iterator(store_dir)) {
    const std::string name = entry.path().filename().string();
    const uintmax_t size = entry.file_size();
    if (name.ends_with("-shm")) {
      loss.shm_deleted = size;
      std::filesystem::remove(entry.path());
      continue;
    }
    auto it = durable.find(entry.path().string());
    if (it == durable.end()) {
      ADD_FAILURE() << entry.path() << " (" << size << " bytes) is not in " << sidecar;
      continue;
    }
    if (size > it->second) {
      std::filesystem::resize_file(entry.path(), it->second);
      loss.cut[name] = size - it->second;
    } else {
      loss.cut[name] = 0;
    }
  }
  auto tail = store::InspectWal((store_dir / "hub.db-wal").string());
  EXPECT_TRUE(tail.ok()) << tail.status().ToString();
  if (tail.ok()) loss.wal_tail = *tail;
  return loss;
}

std::string Describe(const PowerLoss& loss) {
  std::ostringstream out;
  for (const auto& [name, bytes] : loss.cut) out << name << " cut " << bytes << " bytes, ";
  out << "hub.db-shm deleted (" << loss.shm_deleted << " bytes); the WAL keeps " << loss.wal_tail.committed_frames
      << " committed frames and has a tail of " << loss.wal_tail.dropped_bytes << " bytes ("
      << loss.wal_tail.dropped_frames << " frames)";
  return out.str();
}

TEST(FaultUnsyncedTest, UnsyncedWritesLostAtThreeCrashesLoseNoConfirmedRecord) {
  // Not the region's own folder ("gallery-fault-unsynced-<pid>"), which it empties.
  const auto base = std::filesystem::temp_directory_path() / ("gallery-unsynced-store-" + std::to_string(::getpid()));
  std::filesystem::remove_all(base);
  std::filesystem::create_directories(base / "store");
  const auto store_dir = std::filesystem::canonical(base / "store");
  const auto sidecar = std::filesystem::canonical(base) / "durable-sizes";
  {
    TestRegion region("fault-unsynced", kFaultAgencies, kFaultRules, store_dir);
    const std::string asan_options = std::getenv("ASAN_OPTIONS") != nullptr ? std::getenv("ASAN_OPTIONS") : "";
    region.set_hub_environment({"LD_PRELOAD=" GALLERY_DURABLE_SIZES_LIB, "GALLERY_DURABLE_DIR=" + store_dir.string(),
                                "GALLERY_DURABLE_SIDECAR=" + sidecar.string(),
                                // The library is preloaded before the sanitizer runtime of an ASan build.
                                "ASAN_OPTIONS=" + asan_options + (asan_options.empty() ? "" : ":") +
                                    "verify_asan_link_order=0"});
    const std::string endpoint = region.StartHub();
    for (const auto& agency : kFaultSinks) region.StartSink(agency);
    LoadPublisher publisher(FaultClient(endpoint, "asc"), "asc:unsynced", kMaxRecords);

    uintmax_t wal_bytes_cut = 0;
    int tails_reported = 0;
    for (int crash = 1; crash <= kCrashes; ++crash) {
      const size_t target = publisher.confirmed() + kConfirmsBetweenCrashes + 137 * crash;
      ASSERT_TRUE(WaitFor([&] { return publisher.confirmed() >= target || publisher.done_sending(); },
                          std::chrono::seconds(20)))
          << "crash " << crash << ": only " << publisher.confirmed() << " confirmed, waiting for " << target;
      ASSERT_FALSE(publisher.done_sending())
          << "crash " << crash << ": the publisher stopped: " << publisher.Finish().ToString();
      const bool aimed = AwaitUnsyncedWal(store_dir, sidecar, std::chrono::seconds(1));
      const size_t sent = publisher.sent(), confirmed = publisher.confirmed();
      ASSERT_EQ(region.StopHub(SIGKILL), 128 + SIGKILL);

      const PowerLoss loss = SimulatePowerLoss(store_dir, sidecar);
      wal_bytes_cut += loss.cut.contains("hub.db-wal") ? loss.cut.at("hub.db-wal") : 0;
      std::cout << "crash " << crash << (aimed ? " (mid-commit)" : "") << ": " << sent << " sent, " << confirmed
                << " confirmed; " << Describe(loss)
                << "\n";

      const size_t log_before = region.HubLog().size();
      ASSERT_EQ(region.StartHub(endpoint), endpoint) << "crash " << crash;
      const std::string restart_log = region.HubLog().substr(log_before);
      const std::string reported = LastLineWith(restart_log, kRecoveryDrops);
      if (loss.wal_tail.dropped_bytes > 0) {
        ++tails_reported;
        EXPECT_NE(reported.find(kRecoveryDrops + std::to_string(loss.wal_tail.dropped_bytes) + " bytes"),
                  std::string::npos)
            << "crash " << crash << ": the WAL has a " << loss.wal_tail.dropped_bytes
            << "-byte tail after its last commit; hubd logged: '" << reported << "'";
        std::cout << "  hubd: " << reported << "\n";
      } else {
        EXPECT_EQ(reported, "") << "crash " << crash << ": the WAL ends at a commit";
      }
    }
    std::cout << kCrashes << " crashes: " << wal_bytes_cut << " unsynced WAL bytes cut in all, " << tails_reported
              << " WAL tails reported by hubd\n";
    // The first crashes fall while the WAL still grows, where unsynced appends lie past
    // the durable size: if none was cut, the test dropped nothing and proved nothing.
    EXPECT_GT(wal_bytes_cut, 0u) << "no crash left unsynced WAL bytes to drop";

    // The publisher gets going again after the last restart, then stops.
    const size_t after_last = publisher.confirmed() + kConfirmsBetweenCrashes;
    ASSERT_TRUE(WaitFor([&] { return publisher.confirmed() >= after_last || publisher.done_sending(); },
                        std::chrono::seconds(20)));
    FinishAndCountEveryRecord(region, publisher);
  }
  if (!::testing::Test::HasFailure()) std::filesystem::remove_all(base);
}

}  // namespace
}  // namespace gallery::testing
