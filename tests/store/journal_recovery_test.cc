// The journal store at open: torn tails, damage, segments, the directory lock.
#include <gmock/gmock.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "hub/store/journal_frame.h"
#include "tests/store/journal_test_util.h"

namespace gallery::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<uint64_t> PendingIds(Store& store, const std::string& recipient) {
  auto pending = store.Pending(recipient, 0, 1000000);
  EXPECT_TRUE(pending.ok()) << pending.status().ToString();
  std::vector<uint64_t> ids;
  if (pending.ok()) {
    for (const auto& delivery : *pending) ids.push_back(delivery.delivery_id);
  }
  return ids;
}

TEST_F(JournalTest, TornTailIsCutAndReported) {
  size_t confirmed_size = 0;
  {
    auto store = Open();
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    std::vector<NewRecord> batch = {Record("r1", {"dn"}), Record("r2", {"dn"})};
    ASSERT_OK((*store)->Commit(batch, {}, "hash"));
    confirmed_size = std::filesystem::file_size(Segments().back());
    std::vector<NewRecord> next = {Record("r3", {"dn"}), Record("r4", {"dn"})};
    ASSERT_OK((*store)->Commit(next, {}, "hash"));
  }
  // A crash in the middle of writing the second batch: part of it never reached the disk.
  const auto segment = Segments().back();
  const size_t full = std::filesystem::file_size(segment);
  std::filesystem::resize_file(segment, full - 30);

  auto store = Open();
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_THAT(PendingIds(**store, "dn"), ElementsAre(1u, 2u));
  EXPECT_EQ(std::filesystem::file_size(segment), confirmed_size);
  const std::string log = log_.str();
  EXPECT_THAT(log, HasSubstr("recovery drops " + std::to_string(full - 30 - confirmed_size) +
                             " bytes (2 entries)"));
  EXPECT_THAT(log, HasSubstr(segment.filename().string()));
  // The ids of the lost batch are given again: it was never confirmed.
  std::vector<NewRecord> again = {Record("r3", {"dn"})};
  ASSERT_OK((*store)->Commit(again, {}, "hash"));
  EXPECT_THAT(PendingIds(**store, "dn"), ElementsAre(1u, 2u, 3u));
}

TEST_F(JournalTest, ZerosAfterTheLastCommitArePreparedSpaceNotDamage) {
  {
    auto store = Open();
    ASSERT_TRUE(store.ok());
    std::vector<NewRecord> batch = {Record("r1", {"dn"})};
    ASSERT_OK((*store)->Commit(batch, {}, "hash"));
  }
  // A segment prepared ahead is full of zeros past its last commit.
  std::ofstream(Segments().back(), std::ios::binary | std::ios::app) << std::string(5000, '\0');
  auto store = Open();
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_THAT(PendingIds(**store, "dn"), ElementsAre(1u));
  EXPECT_THAT(log_.str(), Not(HasSubstr("recovery drops")));
  std::vector<NewRecord> next = {Record("r2", {"dn"})};
  ASSERT_OK((*store)->Commit(next, {}, "hash"));
  store->reset();
  store = Open();
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_THAT(PendingIds(**store, "dn"), ElementsAre(1u, 2u));
}

TEST_F(JournalTest, ATornCommitInPreparedSpaceIsCutAndReportedUpToTheZeros) {
  size_t confirmed_size = 0;
  {
    auto store = Open();
    ASSERT_TRUE(store.ok());
    std::vector<NewRecord> batch = {Record("r1", {"dn"})};
    ASSERT_OK((*store)->Commit(batch, {}, "hash"));
    confirmed_size = std::filesystem::file_size(Segments().back());
  }
  std::ofstream(Segments().back(), std::ios::binary | std::ios::app)
      << std::string("\x11\x22\x33\x44\x50\x00\x00\x00\x01partial", 16) << std::string(4000, '\0');
  auto store = Open();
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_THAT(PendingIds(**store, "dn"), ElementsAre(1u));
  EXPECT_THAT(log_.str(), HasSubstr("recovery drops 16 bytes (1 entries)"));
  EXPECT_EQ(std::filesystem::file_size(Segments().back()), confirmed_size);
}

TEST_F(JournalTest, CommitsGoIntoSegmentsPreparedAhead) {
  constexpr uint64_t kSegment = 64 * 1024;
  auto store = Open({.segment_bytes = kSegment});
  ASSERT_TRUE(store.ok());
  // The first segment grows as written; once the next is prepared, commits move into it.
  bool prepared = false;
  for (int i = 0; i < 2000 && !prepared; ++i) {
    std::vector<NewRecord> batch = {Record("r" + std::to_string(i), {"dn"}, 200)};
    ASSERT_OK((*store)->Commit(batch, {}, "hash"));
    prepared = Segments().size() >= 2 && std::filesystem::file_size(Segments().back()) == kSegment;
    if (!prepared) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_TRUE(prepared) << "no commit went into a prepared segment";
  const auto first = Segments().front();
  const std::string closed = ReadAll(first);
  size_t offset = 0;
  Frame frame;
  while (ReadFrame(closed, offset, frame) == FrameRead::kOk) offset += frame.size;
  EXPECT_EQ(offset, closed.size()) << "a closed segment ends with its last commit";
  EXPECT_TRUE(frame.ends_commit);
  const size_t records = (*store)->Summaries()->size();
  store->reset();
  EXPECT_FALSE(std::filesystem::exists(dir_ / "next-segment.spare"));
  store = Open({.segment_bytes = kSegment});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ(PendingIds(**store, "dn").size(), records);
  EXPECT_THAT(log_.str(), Not(HasSubstr("recovery drops")));
}

TEST_F(JournalTest, DamageBeforeTheLastCommitIsDataLossNamingFileAndOffset) {
  size_t first_batch = 0;
  {
    auto store = Open();
    ASSERT_TRUE(store.ok());
    for (int i = 0; i < 3; ++i) {
      std::vector<NewRecord> batch = {Record("r" + std::to_string(i), {"dn"})};
      ASSERT_OK((*store)->Commit(batch, {}, "hash"));
      if (i == 0) first_batch = std::filesystem::file_size(Segments().back());
    }
  }
  const auto segment = Segments().back();
  std::string bytes = ReadAll(segment);
  bytes[first_batch + 40] ^= 0x01;  // inside the second commit's record
  std::ofstream(segment, std::ios::binary | std::ios::trunc) << bytes;

  auto store = Open();
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Code::kDataLoss);
  EXPECT_THAT(store.status().message(), HasSubstr(segment.string()));
  EXPECT_THAT(store.status().message(), HasSubstr("offset " + std::to_string(first_batch)));
  EXPECT_EQ(ReadAll(segment), bytes) << "a damaged journal is left as it is";
}

TEST_F(JournalTest, DamageInAClosedSegmentIsDataLoss) {
  {
    auto store = Open({.segment_bytes = 1000});
    ASSERT_TRUE(store.ok());
    for (int i = 0; i < 5; ++i) {
      std::vector<NewRecord> batch = {Record("r" + std::to_string(i), {"dn"}, 600)};
      ASSERT_OK((*store)->Commit(batch, {}, "hash"));
    }
  }
  ASSERT_GE(Segments().size(), 3u);
  const auto closed = Segments()[1];
  // Cut short: a closed segment always ends with a whole commit.
  std::filesystem::resize_file(closed, std::filesystem::file_size(closed) - 1);
  auto store = Open({.segment_bytes = 1000});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Code::kDataLoss);
  EXPECT_THAT(store.status().message(), HasSubstr(closed.string() + ": bad entry at offset 0"));
}

TEST_F(JournalTest, SegmentsRollAndEverythingSurvivesReopening) {
  constexpr int kRecords = 300;
  {
    auto store = Open({.segment_bytes = 4096});
    ASSERT_TRUE(store.ok());
    for (int i = 0; i < kRecords; i += 3) {
      std::vector<NewRecord> batch;
      for (int k = i; k < i + 3; ++k)
        batch.push_back(Record("r" + std::to_string(k), {"dn", "gp"}, 300));
      std::vector<AckedDelivery> acks;
      if (i > 0) acks.push_back({"gp", static_cast<uint64_t>(i)});  // one of the previous batch
      ASSERT_OK((*store)->Commit(batch, acks, "hash"));
    }
    EXPECT_GE((*store)->segment_count(), 40u);
  }
  EXPECT_GE(Segments().size(), 40u);
  EXPECT_EQ(Segments().front().filename(), "000001.journal");
  // Small cache: most payloads come back from the segments.
  auto store = Open({.segment_bytes = 4096, .cache_bytes = 0});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto dn = (*store)->Pending("dn", 0, 1000);
  ASSERT_TRUE(dn.ok());
  ASSERT_EQ(dn->size(), static_cast<size_t>(kRecords));
  for (int i = 0; i < kRecords; ++i) {
    EXPECT_EQ((*dn)[i].delivery_id, static_cast<uint64_t>(i + 1));
    EXPECT_EQ((*dn)[i].record_id, "r" + std::to_string(i));
    EXPECT_EQ((*dn)[i].payload, "redacted r" + std::to_string(i) + std::string(300, 'p'));
  }
  EXPECT_EQ(PendingIds(**store, "gp").size(), static_cast<size_t>(kRecords - kRecords / 3 + 1));
  auto summaries = (*store)->Summaries();
  ASSERT_TRUE(summaries.ok());
  EXPECT_EQ(summaries->size(), static_cast<size_t>(kRecords));
  std::vector<std::string> ids = {"r0", "r299", "r300"};
  auto existing = (*store)->FindExisting(ids);
  ASSERT_TRUE(existing.ok());
  EXPECT_THAT(*existing, ElementsAre("r0", "r299"));
  // New deliveries continue the counts.
  std::vector<NewRecord> more = {Record("r300", {"dn"})};
  ASSERT_OK((*store)->Commit(more, {}, "hash"));
  EXPECT_EQ(PendingIds(**store, "dn").back(), static_cast<uint64_t>(kRecords + 1));
}

TEST_F(JournalTest, ASecondOpenerIsRefusedByTheLock) {
  auto first = Open();
  ASSERT_TRUE(first.ok());
  auto second = Open();
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Code::kFailedPrecondition);
  EXPECT_THAT(second.status().message(),
              HasSubstr("in use by another process (pid " + std::to_string(::getpid()) + ")"));
  // A reader beside the writer sees what was committed when it opened, and changes nothing.
  std::vector<NewRecord> batch = {Record("r1", {"dn"})};
  ASSERT_OK((*first)->Commit(batch, {}, "hash"));
  auto reader = Open({.read_only = true});
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_THAT(PendingIds(**reader, "dn"), ElementsAre(1u));
  EXPECT_EQ((*reader)->Commit(batch, {}, "hash").code(), Code::kFailedPrecondition);
  first->reset();
  EXPECT_TRUE(Open().ok()) << "the lock goes with its holder";
}

TEST_F(JournalTest, AReaderIgnoresACommitBeingWritten) {
  auto writer = Open();
  ASSERT_TRUE(writer.ok());
  std::vector<NewRecord> batch = {Record("r1", {"dn"})};
  ASSERT_OK((*writer)->Commit(batch, {}, "hash"));
  const auto segment = Segments().back();
  const auto size = std::filesystem::file_size(segment);
  std::ofstream(segment, std::ios::binary | std::ios::app) << std::string("\x10\x20\x30", 3);
  auto reader = Open({.read_only = true});
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_THAT(PendingIds(**reader, "dn"), ElementsAre(1u));
  EXPECT_EQ(std::filesystem::file_size(segment), size + 3) << "a reader never cuts";
}

}  // namespace
}  // namespace gallery::store
