// Fault: writes that were not synced are lost at a crash. hubd runs with
// libgallery_durable_sizes.so (durable_sizes_preload.cc), which notes each store file's
// size at its last fsync; three times, under sustained load, hubd is killed with SIGKILL
// and the test then leaves the store as a power loss would: each file of the journal cut
// back to its durable size. This is how leveldb's db/fault_injection_test.cc drops
// unsynced data. A new hubd on that store must keep every confirmed record (copies only
// under the same record id), and say in its log how much it drops when a commit was cut
// short at the end of the journal.
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

#include "hub/store/journal_frame.h"
#include "tests/integration/fault_region.h"

namespace gallery::testing {
namespace {

constexpr int kCrashes = 3;
constexpr size_t kMaxRecords = 20000;  // a bound; the run needs a few thousand
// Confirms to wait for before each kill; varied, so that the kills fall at different
// points of a batch.
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

// The newest segment of the journal in `journal_dir`.
std::filesystem::path NewestSegment(const std::filesystem::path& journal_dir) {
  std::filesystem::path newest;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(journal_dir, error)) {
    if (entry.path().extension() == ".journal" && entry.path() > newest) newest = entry.path();
  }
  return newest;
}

// Waits up to `patience` for a moment when hubd has appended to its newest segment and not
// yet synced it (mid-commit), so that the kill that follows most likely leaves unsynced
// bytes to drop. Returns false when no such moment came.
bool AwaitUnsyncedCommit(const std::filesystem::path& journal_dir, const std::filesystem::path& sidecar,
                         std::chrono::milliseconds patience) {
  const auto deadline = std::chrono::steady_clock::now() + patience;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto segment = NewestSegment(journal_dir);
    const auto durable = ReadDurableSizes(sidecar);
    std::error_code error;
    const uintmax_t size = std::filesystem::file_size(segment, error);
    auto it = durable.find(segment.string());
    if (!error && it != durable.end() && size > it->second) return true;
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  return false;
}

// The bytes after the last whole commit of `segment`, zeros at the end (space the journal
// prepared for later commits) aside: what recovery will drop.
uintmax_t TornTail(const std::filesystem::path& segment) {
  std::ifstream in(segment, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  const std::string data = bytes.str();
  size_t offset = 0;
  size_t committed = 0;
  store::Frame frame;
  while (store::ReadFrame(data, offset, frame) == store::FrameRead::kOk) {
    offset += frame.size;
    if (frame.ends_commit) committed = offset;
  }
  size_t end = data.size();
  while (end > committed && data[end - 1] == '\0') --end;
  return end - committed;
}

// What one simulated power loss did to the store.
struct PowerLoss {
  std::map<std::string, uintmax_t> cut;  // file name: bytes cut off its end
  uintmax_t torn_tail = 0;               // bytes after the newest segment's last commit
};

// Cuts every journal file back to its durable size. A file the preload library never saw
// opened is a test failure (it cannot say what was durable).
PowerLoss SimulatePowerLoss(const std::filesystem::path& journal_dir, const std::filesystem::path& sidecar) {
  PowerLoss loss;
  const auto durable = ReadDurableSizes(sidecar);
  EXPECT_FALSE(durable.empty()) << sidecar << " is missing or empty";
  for (const auto& entry : std::filesystem::directory_iterator(journal_dir)) {
    const std::string name = entry.path().filename().string();
    const uintmax_t size = entry.file_size();
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
  loss.torn_tail = TornTail(NewestSegment(journal_dir));
  return loss;
}

std::string Describe(const PowerLoss& loss) {
  std::ostringstream out;
  for (const auto& [name, bytes] : loss.cut) out << name << " cut " << bytes << " bytes, ";
  out << "the newest segment has a tail of " << loss.torn_tail << " bytes after its last commit";
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
    const std::filesystem::path journal_dir = region.store_path();
    const std::string asan_options = std::getenv("ASAN_OPTIONS") != nullptr ? std::getenv("ASAN_OPTIONS") : "";
    region.set_hub_environment({"LD_PRELOAD=" GALLERY_DURABLE_SIZES_LIB, "GALLERY_DURABLE_DIR=" + store_dir.string(),
                                "GALLERY_DURABLE_SIDECAR=" + sidecar.string(),
                                // The library is preloaded before the sanitizer runtime of an ASan build.
                                "ASAN_OPTIONS=" + asan_options + (asan_options.empty() ? "" : ":") +
                                    "verify_asan_link_order=0"});
    const std::string endpoint = region.StartHub();
    for (const auto& agency : kFaultSinks) region.StartSink(agency);
    LoadPublisher publisher(FaultClient(endpoint, "asc"), "asc:unsynced", kMaxRecords);

    uintmax_t journal_bytes_cut = 0;
    int tails_reported = 0;
    for (int crash = 1; crash <= kCrashes; ++crash) {
      const size_t target = publisher.confirmed() + kConfirmsBetweenCrashes + 137 * crash;
      ASSERT_TRUE(WaitFor([&] { return publisher.confirmed() >= target || publisher.done_sending(); },
                          std::chrono::seconds(20)))
          << "crash " << crash << ": only " << publisher.confirmed() << " confirmed, waiting for " << target;
      ASSERT_FALSE(publisher.done_sending())
          << "crash " << crash << ": the publisher stopped: " << publisher.Finish().ToString();
      const bool aimed = AwaitUnsyncedCommit(journal_dir, sidecar, std::chrono::seconds(1));
      const size_t sent = publisher.sent(), confirmed = publisher.confirmed();
      ASSERT_EQ(region.StopHub(SIGKILL), 128 + SIGKILL);

      const PowerLoss loss = SimulatePowerLoss(journal_dir, sidecar);
      for (const auto& [name, bytes] : loss.cut) {
        if (name.ends_with(".journal")) journal_bytes_cut += bytes;
      }
      std::cout << "crash " << crash << (aimed ? " (mid-commit)" : "") << ": " << sent << " sent, " << confirmed
                << " confirmed; " << Describe(loss)
                << "\n";

      const size_t log_before = region.HubLog().size();
      ASSERT_EQ(region.StartHub(endpoint), endpoint) << "crash " << crash;
      const std::string restart_log = region.HubLog().substr(log_before);
      const std::string reported = LastLineWith(restart_log, kRecoveryDrops);
      if (loss.torn_tail > 0) {
        ++tails_reported;
        EXPECT_NE(reported.find(kRecoveryDrops + std::to_string(loss.torn_tail) + " bytes"), std::string::npos)
            << "crash " << crash << ": the newest segment has a " << loss.torn_tail
            << "-byte tail after its last commit; hubd logged: '" << reported << "'";
        std::cout << "  hubd: " << reported << "\n";
      } else {
        EXPECT_EQ(reported, "") << "crash " << crash << ": the journal ends at a commit";
      }
    }
    std::cout << kCrashes << " crashes: " << journal_bytes_cut << " unsynced journal bytes cut in all, "
              << tails_reported << " torn tails reported by hubd\n";
    // Every append lies past the durable size until its sync: if none was cut, the test
    // dropped nothing and proved nothing.
    EXPECT_GT(journal_bytes_cut, 0u) << "no crash left unsynced journal bytes to drop";

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
