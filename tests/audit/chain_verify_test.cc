// VerifyChainTail: the bounded check hubd runs at start, over the audit log's last entries.
#include "hub/audit/chain_verify.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "hub/audit/audit_chain.h"
#include "hub/audit/audit_events.h"
#include "hub/audit/audit_hash.h"
#include "hub/store/journal_store.h"

namespace gallery::audit {
namespace {

class ChainVerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "gallery-chain-verify-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    auto store = store::JournalStore::Open((dir_ / "journal").string());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Stores ten chained entries; entry `edited` (0: none) changed after it was sealed.
  void StoreEntries(uint64_t edited) {
    auto pseudonym = SubjectPseudonym::Open((dir_ / "subject.key").string(), true);
    ASSERT_TRUE(pseudonym.ok());
    AuditChain chain(*store_, {0, ZeroHash()}, std::move(pseudonym).value());
    std::vector<std::string> entries;
    for (int i = 1; i <= 10; ++i) {
      audit_log::v1::Entry entry = DeadLettered("r" + std::to_string(i), "dn", "refused");
      entries.push_back(chain.Seal(entry));
      if (static_cast<uint64_t>(i) == edited) {
        entry.set_time_us(entry.time_us() + 1);
        entries.back() = entry.SerializeAsString();
      }
    }
    ASSERT_TRUE(store_->AppendAudit(entries).ok());
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(ChainVerifyTest, AnIntactLogIsIntactWhateverTheTail) {
  StoreEntries(0);
  for (uint64_t tail : {1, 4, 10, 1000}) {
    auto report = VerifyChainTail(*store_, tail);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_FALSE(report->broken.has_value()) << tail << ": " << report->broken->what;
    EXPECT_EQ(report->length, 10u) << tail;
  }
  auto full = VerifyChain(*store_, "");
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(VerifyChainTail(*store_, 4)->head_hash, full->head_hash);
}

TEST_F(ChainVerifyTest, AnEditWithinTheTailIsFoundAndOneBeforeItIsNot) {
  StoreEntries(3);
  for (uint64_t tail : {8, 10, 1000}) {
    auto report = VerifyChainTail(*store_, tail);
    ASSERT_TRUE(report.ok());
    ASSERT_TRUE(report->broken.has_value()) << tail;
    EXPECT_EQ(report->broken->seq, 3u) << tail;
  }
  // Entries 5 to 10 link up; entry 3 is the full check's to find (hubctl audit verify).
  auto tail = VerifyChainTail(*store_, 6);
  ASSERT_TRUE(tail.ok());
  EXPECT_FALSE(tail->broken.has_value());
  auto full = VerifyChain(*store_, "");
  ASSERT_TRUE(full.ok());
  ASSERT_TRUE(full->broken.has_value());
  EXPECT_EQ(full->broken->seq, 3u);
}

}  // namespace
}  // namespace gallery::audit
