// The journal store on a full disk: a small tmpfs (root needed; a failed mount fails the
// test) filled by a ballast file.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/store/journal_test_util.h"

namespace gallery::store {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// Writes `path` until the filesystem has no byte left.
void FillWithBallast(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  const std::string chunk(64 * 1024, 'b');
  for (size_t size = chunk.size(); size > 0;) {
    if (::write(fd, chunk.data(), size) <= 0) size /= 2;
  }
  ::fsync(fd);
  ::close(fd);
}

class JournalDiskFullTest : public JournalTest {
 protected:
  void SetUp() override {
    JournalTest::SetUp();
    mount_ = std::filesystem::temp_directory_path() /
             ("gallery-journal-full-" + std::to_string(::getpid()));
    std::filesystem::create_directories(mount_);
    const std::string command = "mount -t tmpfs -o size=512k tmpfs " + mount_.string();
    mounted_ = std::system(command.c_str()) == 0;
    dir_ = mount_ / "journal";
  }
  void TearDown() override {
    if (mounted_) (void)std::system(("umount " + mount_.string()).c_str());
    std::filesystem::remove_all(mount_);
    JournalTest::TearDown();
  }

  std::filesystem::path mount_;
  bool mounted_ = false;
};

TEST_F(JournalDiskFullTest, FullDiskRefusesTheWholeBatchAndLaterCommitsSucceed) {
  ASSERT_TRUE(mounted_) << "this test mounts a tmpfs and needs root";
  // Without a next segment prepared in the background, which would take the disk's last
  // bytes at a moment of its own (fault_disk_test covers a full disk with it).
  auto store = Open({.preallocate = false});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  std::vector<NewRecord> first = {Record("r1", {"dn"}), Record("r2", {"dn"})};
  ASSERT_OK((*store)->Commit(first, {}, "hash"));
  const auto segment = Segments().back();
  const auto size = std::filesystem::file_size(segment);
  FillWithBallast(mount_ / "ballast");

  std::vector<NewRecord> batch;
  for (int i = 3; i < 40; ++i) batch.push_back(Record("r" + std::to_string(i), {"dn", "gp"}, 2000));
  std::vector<AckedDelivery> acks = {{"dn", 1}};
  const Status refused = (*store)->Commit(batch, acks, "hash");
  EXPECT_EQ(refused.code(), Code::kUnavailable) << refused.ToString();
  EXPECT_THAT(refused.message(), HasSubstr("disk full"));
  EXPECT_EQ(std::filesystem::file_size(segment), size) << "cut back to the last commit";
  std::vector<std::string> ids = {"r3", "r39"};
  auto existing = (*store)->FindExisting(ids);
  ASSERT_TRUE(existing.ok());
  EXPECT_THAT(*existing, IsEmpty());
  auto pending = (*store)->Pending("dn", 0, 100);
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->size(), 2u) << "the ack was not kept either";

  std::filesystem::remove(mount_ / "ballast");
  ASSERT_OK((*store)->Commit(batch, acks, "hash"));
  pending = (*store)->Pending("gp", 0, 100);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 37u);
  EXPECT_EQ(pending->front().delivery_id, 1u) << "no id was used up by the refused batch";
  store->reset();
  auto reopened = Open({.preallocate = false});
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  auto dn = (*reopened)->Pending("dn", 0, 100);
  ASSERT_TRUE(dn.ok());
  EXPECT_EQ(dn->size(), 38u);
  EXPECT_EQ(dn->front().delivery_id, 2u);
  EXPECT_THAT(log_.str(), Not(HasSubstr("recovery drops")));
}

TEST_F(JournalDiskFullTest, ACommitRefusedInTheBackgroundIsRefusedWholeWhenFinished) {
  ASSERT_TRUE(mounted_) << "this test mounts a tmpfs and needs root";
  auto store = Open({.preallocate = false});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  std::vector<NewRecord> first = {Record("r1", {"dn"})};
  ASSERT_OK((*store)->Commit(first, {}, "hash"));
  FillWithBallast(mount_ / "ballast");

  std::vector<NewRecord> batch;
  for (int i = 2; i < 40; ++i) batch.push_back(Record("r" + std::to_string(i), {"dn"}, 2000));
  // The write itself is in the background: the refusal comes when the commit is finished.
  ASSERT_OK((*store)->StartCommit(batch, {}, "hash"));
  EXPECT_EQ((*store)->StartCommit(batch, {}, "hash").code(), Code::kFailedPrecondition)
      << "one commit at a time";
  const Status refused = (*store)->FinishCommit();
  EXPECT_EQ(refused.code(), Code::kUnavailable) << refused.ToString();
  EXPECT_THAT(refused.message(), HasSubstr("disk full"));
  std::vector<std::string> ids = {"r2", "r39"};
  auto existing = (*store)->FindExisting(ids);
  ASSERT_TRUE(existing.ok());
  EXPECT_THAT(*existing, IsEmpty()) << "a refused commit counts for nothing";
  auto pending = (*store)->Pending("dn", 0, 100);
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->size(), 1u);

  std::filesystem::remove(mount_ / "ballast");
  ASSERT_OK((*store)->StartCommit(batch, {}, "hash"));
  // A change made before the commit is finished waits for it: the dead letter names a
  // delivery of the started commit.
  ASSERT_OK((*store)->DeadLetterDelivery("dn", 39, 5, "refused", 1));
  ASSERT_OK((*store)->FinishCommit());
  pending = (*store)->Pending("dn", 0, 100);
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->size(), 38u) << "39 journaled, one of them dead-lettered";
}

}  // namespace
}  // namespace gallery::store
