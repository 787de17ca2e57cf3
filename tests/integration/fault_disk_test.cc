// Fault: the hub's store cannot take writes, first because its disk is full (a small tmpfs
// that the test mounts, root needed, a failed mount fails the test; a ballast file takes the
// last free byte), then because it turned read-only. Either way hubd must refuse what it
// cannot journal (UNAVAILABLE, said in its log) without confirming it, lose nothing it
// confirmed, and once the fault is gone take every record and deliver it, without a restart.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>

#include <gtest/gtest.h>

#include "adapters/sdk/publisher.h"
#include "tests/integration/fault_region.h"
#include "tests/integration/sample_records.h"

namespace gallery::testing {
namespace {

// Runs `command` through the shell; returns its exit code and, in `output`, what it printed.
int Shell(const std::string& command, std::string& output) {
  output.clear();
  std::FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return -1;
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  const int status = ::pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A tmpfs of `size_kib` KiB mounted on a new folder for the life of the object; always
// unmounted (lazily if something still holds it) and removed by the destructor.
class TmpfsMount {
 public:
  TmpfsMount(std::filesystem::path dir, size_t size_kib) : dir_(std::move(dir)) {
    std::filesystem::create_directories(dir_);
    std::string output;
    const int rc = Shell("mount -t tmpfs -o size=" + std::to_string(size_kib) + "k tmpfs " + dir_.string(), output);
    mounted_ = rc == 0;
    if (!mounted_) error_ = "mount -t tmpfs on " + dir_.string() + " exited " + std::to_string(rc) + ": " + output;
  }
  ~TmpfsMount() {
    std::string output;
    if (mounted_ && Shell("umount " + dir_.string(), output) != 0) {
      std::cerr << "umount " << dir_ << ": " << output << "; unmounting lazily\n";
      (void)Shell("umount -l " + dir_.string(), output);
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;

  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  bool mounted_ = false;
  std::string error_;
};

// Writes `path` until the filesystem has no byte left. Returns the bytes written.
size_t FillWithBallast(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return 0;
  const std::string chunk(64 * 1024, '\0');
  size_t total = 0;
  for (size_t size = chunk.size(); size > 0;) {
    const ssize_t n = ::write(fd, chunk.data(), size);
    if (n > 0) {
      total += static_cast<size_t>(n);
    } else {
      size /= 2;  // ENOSPC: try smaller pieces down to the last byte
    }
  }
  ::fsync(fd);
  ::close(fd);
  return total;
}

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// Sends records `<prefix>:<first>` .. `<prefix>:<first + count - 1>`, noting them in `ledger`.
void SendRecords(sdk::Publisher& publisher, const std::string& prefix, size_t first, size_t count,
                 PublishLedger& ledger) {
  for (size_t n = first; n < first + count; ++n) {
    PublishedRecord record = NumberedRecord(prefix, n);
    ASSERT_TRUE(publisher.Send(SingleAssessment(record.record_id, record.nhs_number, record.gp_ods)).ok());
    ledger.published.push_back(std::move(record));
  }
}

void NoteOutcomes(const std::vector<sdk::PublishOutcome>& outcomes, PublishLedger& ledger) {
  for (const auto& outcome : outcomes) {
    EXPECT_TRUE(outcome.status.ok()) << outcome.record_id << ": " << outcome.status.ToString();
    if (outcome.status.ok()) ledger.confirmed.insert(outcome.record_id);
    if (outcome.duplicate) ++ledger.duplicate_confirms;
  }
}

constexpr size_t kStoreKib = 8 * 1024;
constexpr size_t kRound = 100;      // records sent before each Flush
constexpr size_t kMaxRounds = 100;  // a bound on filling the store
const std::string kCommitFailed = "journal commit failed";

// The last line where hubd refused records (not just acks) for want of a commit.
std::string LastRecordRefusal(const std::string& log) {
  std::string last;
  for (size_t at = log.find(kCommitFailed); at != std::string::npos; at = log.find(kCommitFailed, at + 1)) {
    if (log.compare(at + kCommitFailed.size(), 4, ", 0 ") == 0) continue;
    last = LastLineWith(log.substr(0, log.find('\n', at)), kCommitFailed);
  }
  return last;
}

// One region whose store is in `store_dir`, and one publisher for the whole test.
class FaultDiskTest : public ::testing::Test {
 protected:
  void Start(const std::string& name, const std::filesystem::path& store_dir,
             std::vector<std::string> hub_env = {},
             std::chrono::milliseconds confirm_timeout = std::chrono::seconds(1)) {
    region_ = std::make_unique<TestRegion>(name, kFaultAgencies, kFaultRules, store_dir);
    region_->set_hub_environment(std::move(hub_env));
    const std::string endpoint = region_->StartHub();
    for (const auto& agency : kFaultSinks) region_->StartSink(agency);
    hub_pid_ = region_->hub().pid();
    sdk::ClientOptions options = FaultClient(endpoint, "asc");
    options.confirm_timeout = confirm_timeout;
    publisher_ = std::make_unique<sdk::Publisher>(options);
  }

  // Mounts a small tmpfs for the store, starts the region on it, publishes a round, then
  // fills the tmpfs with a ballast file and publishes until hubd refuses.
  void FillStoreUntilRefused(const std::string& name,
                             std::chrono::milliseconds confirm_timeout = std::chrono::seconds(1)) {
    store_fs_ = std::make_unique<TmpfsMount>(
        std::filesystem::temp_directory_path() / ("gallery-" + name + "-store-" + std::to_string(::getpid())),
        kStoreKib);
    ASSERT_TRUE(store_fs_->mounted()) << "this test mounts a tmpfs for the hub's store and needs root: "
                                      << store_fs_->error();
    Start(name, store_fs_->dir(), {}, confirm_timeout);
    ASSERT_TRUE(PublishRound(std::chrono::seconds(20)).ok());

    const size_t ballast = FillWithBallast(store_fs_->dir() / "ballast");
    std::cout << "ballast: " << ballast << " bytes; the store's tmpfs is now full\n";
    // The store may still have room inside its files: publish until the hub refuses.
    size_t rounds = 0;
    for (Status status; rounds < kMaxRounds; ++rounds) {
      status = PublishRound(std::chrono::milliseconds(1500));
      if (status.ok()) continue;
      ASSERT_EQ(status.code(), Code::kUnavailable) << status.ToString();
      break;
    }
    ASSERT_LT(rounds, kMaxRounds) << "the hub never refused a record on a full disk";
    // A refused commit gives back the blocks its partial write took, where a smaller
    // resend would fit (and be confirmed, rightly). Take them too, so the fault lasts.
    const size_t more = FillWithBallast(store_fs_->dir() / "ballast-2");
    std::cout << "ballast: " << more << " more bytes given back by the refused commit\n";
  }

  // Sends a round of records and flushes for `timeout`. Returns Flush's status.
  Status PublishRound(std::chrono::milliseconds timeout) {
    SendRecords(*publisher_, "asc:disk", next_, kRound, ledger_);
    next_ += kRound;
    return FlushFor(timeout);
  }

  Status FlushFor(std::chrono::milliseconds timeout) {
    auto flushed = publisher_->Flush(timeout);
    NoteOutcomes(flushed.ok() ? *flushed : publisher_->TakeOutcomes(), ledger_);
    return flushed.ok() ? OkStatus() : flushed.status();
  }

  // Once hubd has refused records: while the fault lasts, the publisher's resends (every
  // confirm_timeout) are refused too; what was confirmed before still reaches its
  // recipients. A resend may still fit into blocks the hub's own files give back (a
  // rolled-back write, a finished segment): it is then journaled and rightly confirmed, so
  // the check is that the unconfirmed never grow and the hub keeps refusing, not that no
  // single resend gets through.
  void ExpectRefusedWhileFaulty() {
    const std::string log = region_->HubLog();
    const std::string refusal = LastRecordRefusal(log);
    ASSERT_FALSE(refusal.empty()) << "hubd did not log why it refused the records";
    EXPECT_NE(refusal.find("UNAVAILABLE"), std::string::npos) << refusal;
    std::cout << "hubd: " << refusal << "\n";
    const size_t refusals = Count(log, kCommitFailed);
    const size_t unconfirmed = publisher_->in_flight();
    EXPECT_GT(unconfirmed, 0u);
    EXPECT_EQ(FlushFor(std::chrono::milliseconds(2500)).code(), Code::kUnavailable)
        << "every record was confirmed while the store was full";
    EXPECT_LE(publisher_->in_flight(), unconfirmed);
    EXPECT_EQ(ledger_.published.size() - ledger_.confirmed.size(), publisher_->in_flight());
    EXPECT_GT(Count(region_->HubLog(), kCommitFailed), refusals) << "the resends were not refused";
    EXPECT_TRUE(WaitFor([&] { return region_->SinkReceived("dn").size() >= ledger_.confirmed.size(); },
                        std::chrono::seconds(10), std::chrono::milliseconds(50)))
        << "dn took " << region_->SinkReceived("dn").size() << " of " << ledger_.confirmed.size();
    std::cout << "while faulty: " << ledger_.confirmed.size() << " confirmed, "
              << publisher_->in_flight() << " refused and unconfirmed; "
              << Count(region_->HubLog(), kCommitFailed) << " commits refused so far\n";
  }

  // Once the fault is gone: the same hubd takes every record and delivers it.
  void ExpectRecovered() {
    // Flushed in short slices, as an adapter that also reads its input would: a long Flush
    // resends nothing before its deadline (see FaultFlushKillTest).
    const auto fixed_at = std::chrono::steady_clock::now();
    Status flushed;
    ASSERT_TRUE(WaitFor([&] { return (flushed = FlushFor(std::chrono::milliseconds(200))).ok(); },
                        std::chrono::seconds(20), std::chrono::milliseconds(0)))
        << "after the fault was gone: " << flushed.ToString();
    std::cout << "all confirmed " << std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::steady_clock::now() - fixed_at).count()
              << " ms after the fault was gone\n";
    EXPECT_EQ(ledger_.confirmed.size(), ledger_.published.size());
    EXPECT_TRUE(region_->hub().running());
    EXPECT_EQ(region_->hub().pid(), hub_pid_) << "hubd was restarted";
    EXPECT_TRUE(WaitFor([&] { return region_->PendingDeliveries() == 0; }, std::chrono::seconds(20),
                        std::chrono::milliseconds(100)))
        << region_->PendingDeliveries() << " deliveries unacked";
    region_->StopSinks();
    CountEveryRecipient(*region_, ledger_, kFaultSinks);
  }

  std::unique_ptr<TmpfsMount> store_fs_;  // outlives region_, so hubd is gone before the unmount
  std::unique_ptr<TestRegion> region_;
  pid_t hub_pid_ = -1;
  std::unique_ptr<sdk::Publisher> publisher_;
  PublishLedger ledger_;
  size_t next_ = 0;
};

TEST_F(FaultDiskTest, FullStoreRefusesWithoutConfirmingAndRecoversWithoutRestart) {
  ASSERT_NO_FATAL_FAILURE(FillStoreUntilRefused("fault-disk-full"));
  ASSERT_NO_FATAL_FAILURE(ExpectRefusedWhileFaulty());
  EXPECT_NE(LastRecordRefusal(region_->HubLog()).find("full"), std::string::npos)
      << "the reason should say the disk is full";

  std::filesystem::remove(store_fs_->dir() / "ballast");
  std::filesystem::remove(store_fs_->dir() / "ballast-2");
  ExpectRecovered();
}

// A subject's records reach each recipient in the order published, also when the store
// was full for a while and the publisher goes on sending once it has room again. With a
// confirm_timeout of 5 s the refused records are certainly still waiting for their resend
// when the newer ones are sent.
TEST_F(FaultDiskTest, FullStoreKeepsEachSubjectsOrderWhenRoomReturns) {
  ASSERT_NO_FATAL_FAILURE(FillStoreUntilRefused("fault-disk-order", std::chrono::seconds(5)));
  std::filesystem::remove(store_fs_->dir() / "ballast");
  std::filesystem::remove(store_fs_->dir() / "ballast-2");
  SendRecords(*publisher_, "asc:disk", next_, kRound, ledger_);  // newer records for the same subjects
  next_ += kRound;
  ExpectRecovered();
  auto journaled = region_->JournaledDeliveries();
  for (const auto& agency : kFaultSinks) {
    const auto queued = OrderViolations(ledger_.published, journaled[agency]);
    EXPECT_TRUE(queued.empty()) << agency << ": " << queued.size()
                                << " records queued out of publish order, first: " << queued.front();
    const auto received = OrderViolations(ledger_.published, InboxIds(*region_, agency));
    EXPECT_TRUE(received.empty()) << agency << ": " << received.size()
                                  << " records received out of publish order, first: " << received.front();
  }
}

TEST_F(FaultDiskTest, ReadOnlyStoreRefusesWithoutConfirmingAndRecoversWithoutRestart) {
  // The store turns read-only under the running hubd, then writable again. `mount -o
  // remount,ro` cannot do that (busy: hubd holds the store open for writing), so hubd runs
  // with libgallery_store_faults.so, which fails its writes to the store's folder with
  // EROFS while the switch file says so (see store_faults_preload.cc).
  const auto base = std::filesystem::temp_directory_path() / ("gallery-fault-ro-" + std::to_string(::getpid()));
  std::filesystem::remove_all(base);
  std::filesystem::create_directories(base / "store");
  const auto switch_path = base / "switch";
  auto set_switch = [&](const std::string& word) {
    char bytes[16] = {};
    std::memcpy(bytes, word.data(), std::min(word.size(), sizeof bytes));
    const int fd = ::open(switch_path.c_str(), O_WRONLY | O_CREAT, 0644);  // never truncated: hubd maps it
    ASSERT_GE(fd, 0) << std::strerror(errno);
    ASSERT_EQ(::pwrite(fd, bytes, sizeof bytes, 0), static_cast<ssize_t>(sizeof bytes));
    ::close(fd);
  };
  set_switch("");
  std::string asan_options = std::getenv("ASAN_OPTIONS") != nullptr ? std::getenv("ASAN_OPTIONS") : "";
  Start("fault-disk-read-only", base / "store", {"LD_PRELOAD=" GALLERY_STORE_FAULTS_LIB, "GALLERY_FAULT_DIR=" + (base / "store").string(),
                         "GALLERY_FAULT_SWITCH=" + switch_path.string(),
                         // The library is preloaded before the sanitizer runtime of an ASan build.
                         "ASAN_OPTIONS=" + asan_options + (asan_options.empty() ? "" : ":") +
                             "verify_asan_link_order=0"});
  ASSERT_TRUE(PublishRound(std::chrono::seconds(20)).ok());

  set_switch("EROFS");
  const Status status = PublishRound(std::chrono::milliseconds(1500));
  ASSERT_EQ(status.code(), Code::kUnavailable) << "records confirmed on a read-only store: " << status.ToString();
  ASSERT_NO_FATAL_FAILURE(ExpectRefusedWhileFaulty());

  set_switch("");
  ExpectRecovered();
  region_.reset();
  if (!HasFailure()) std::filesystem::remove_all(base);
}

}  // namespace
}  // namespace gallery::testing
