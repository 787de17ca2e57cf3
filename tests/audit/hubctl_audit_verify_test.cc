// hubctl audit verify on a real journal store: an intact chain passes; each kind of
// tampering (an edited byte, a removed, inserted or reordered entry, a cut-off tail) is
// found and the first bad entry named. The tampered logs are written back with valid
// checksums, as someone rewriting the journal would.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "hub/audit/audit_chain.h"
#include "hub/audit/audit_events.h"
#include "hub/audit/audit_hash.h"
#include "hub/store/journal_store.h"
#include "tests/common/command.h"

namespace gallery::audit {
namespace {

using ::testing::HasSubstr;

using test_support::CommandResult;
using test_support::Hubctl;

class AuditVerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "gallery-audit-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    std::filesystem::create_directories(dir_ / "rules");
    config_ = (dir_ / "hub.yaml").string();
    std::ofstream(config_) << "hub:\n  endpoint: tcp://127.0.0.1:0\n  store: journal\n"
                              "  rules: rules\nagencies:\n"
                              "  - {id: dn, name: District Nursing, kind: community-health}\n";
    // Ten sealed entries, as the hub would write them.
    auto pseudonym = SubjectPseudonym::Open((dir_ / "audit-subject.key").string(), true);
    ASSERT_TRUE(pseudonym.ok()) << pseudonym.status().ToString();
    auto scratch = store::JournalStore::Open((dir_ / "scratch").string());
    ASSERT_TRUE(scratch.ok());
    AuditChain chain(**scratch, {0, ZeroHash()}, std::move(pseudonym).value());
    for (int i = 1; i <= 10; ++i) {
      audit_log::v1::Entry entry =
          DeadLettered("r" + std::to_string(i), "dn", "reason-" + std::to_string(i));
      entries_.push_back(chain.Seal(entry));
    }
    head_ = Hex(chain.head().hash);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Writes `entries` as the hub's journal (the config's store), replacing any before.
  void WriteJournal(const std::vector<std::string>& entries) {
    std::filesystem::remove_all(dir_ / "journal");
    auto store = store::JournalStore::Open((dir_ / "journal").string());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    // Several commits, so that entries span frames.
    for (size_t i = 0; i < entries.size(); i += 3) {
      std::vector<std::string> part(
          entries.begin() + static_cast<long>(i),
          entries.begin() + static_cast<long>(std::min(i + 3, entries.size())));
      ASSERT_TRUE((*store)->AppendAudit(part).ok());
    }
  }

  CommandResult Verify(const std::string& extra = "") {
    return Hubctl("audit verify --config " + config_ + extra);
  }

  std::filesystem::path dir_;
  std::string config_;
  std::vector<std::string> entries_;
  std::string head_;
};

TEST_F(AuditVerifyTest, AnIntactChainVerifiesWithAndWithoutItsHead) {
  WriteJournal(entries_);
  CommandResult run = Verify();
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("audit log ok: 10 entries, head " + head_));
  run = Verify(" --head " + head_);
  EXPECT_EQ(run.exit_code, 0) << run.output;
}

TEST_F(AuditVerifyTest, AnEditedByteIsFoundAtItsEntry) {
  std::vector<std::string> tampered = entries_;
  const size_t at = tampered[3].find("reason-4");
  ASSERT_NE(at, std::string::npos);
  tampered[3][at + 7] = '9';
  WriteJournal(tampered);
  const CommandResult run = Verify();
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_THAT(run.output, HasSubstr("BROKEN at entry 4:"));
  EXPECT_THAT(run.output, HasSubstr("entry 4 edited"));
}

TEST_F(AuditVerifyTest, AnEditThatBreaksParsingIsFoundAtItsEntry) {
  std::vector<std::string> tampered = entries_;
  tampered[6][0] = '\xff';
  WriteJournal(tampered);
  const CommandResult run = Verify();
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_THAT(run.output, HasSubstr("BROKEN at entry 7:"));
}

TEST_F(AuditVerifyTest, ARemovedEntryIsNamed) {
  std::vector<std::string> tampered = entries_;
  tampered.erase(tampered.begin() + 4);
  WriteJournal(tampered);
  const CommandResult run = Verify();
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_THAT(run.output, HasSubstr("BROKEN at entry 5: entry 5 is missing or out of place: "
                                    "entry 6 stands where it should be (removed or reordered)"));
}

TEST_F(AuditVerifyTest, AnInsertedEntryIsFoundEvenWhenNumberedAndLinkedToItsPredecessor) {
  // A forger who numbers the new entry 5 and links it to entry 4 still breaks entry 5's
  // successor, which links to the real entry 5.
  audit_log::v1::Entry forged = DeadLettered("r-forged", "dn", "forged");
  forged.set_seq(5);
  forged.set_time_us(1);
  forged.set_prev_hash(
      ChainHash(ChainHash(ChainHash(ChainHash(ZeroHash(), entries_[0]), entries_[1]), entries_[2]),
                entries_[3]));
  std::vector<std::string> tampered = entries_;
  tampered.insert(tampered.begin() + 4, forged.SerializeAsString());
  WriteJournal(tampered);
  const CommandResult run = Verify();
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_THAT(run.output, HasSubstr("BROKEN at entry 6: entry 6 is missing or out of place: "
                                    "entry 5 stands where it should be (inserted or reordered)"));
}

TEST_F(AuditVerifyTest, ReorderedEntriesAreNamed) {
  std::vector<std::string> tampered = entries_;
  std::swap(tampered[2], tampered[3]);
  WriteJournal(tampered);
  const CommandResult run = Verify();
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_THAT(run.output, HasSubstr("BROKEN at entry 3: entry 3 is missing or out of place: "
                                    "entry 4 stands where it should be"));
}

TEST_F(AuditVerifyTest, ACutOffTailIsFoundOnlyAgainstAnEarlierHead) {
  std::vector<std::string> tampered(entries_.begin(), entries_.begin() + 7);
  WriteJournal(tampered);
  CommandResult run = Verify();
  EXPECT_EQ(run.exit_code, 0) << run.output;  // a shorter chain is still a chain
  run = Verify(" --head " + head_);
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_THAT(run.output, HasSubstr("BROKEN at entry 8: no entry hashes to the head given"));
}

TEST_F(AuditVerifyTest, AnEarlierHeadOfAChainThatGrewSinceVerifies) {
  WriteJournal(entries_);
  const std::string earlier = Hex(ChainHash(ChainHash(ZeroHash(), entries_[0]), entries_[1]));
  const CommandResult run = Verify(" --head " + earlier);
  EXPECT_EQ(run.exit_code, 0) << run.output;
}

// hubctl opens the journal as a reader beside the hub, which stops at the newest segment's
// last whole commit (the hub may be writing the next): a bad checksum there ends what it
// reads, so only the head shows the entries that went.
TEST_F(AuditVerifyTest, ABytePatchedOnDiskWithoutItsChecksumIsFoundAgainstTheHead) {
  WriteJournal(entries_);
  std::filesystem::path segment;
  for (const auto& file : std::filesystem::directory_iterator(dir_ / "journal")) {
    if (file.path().extension() == ".journal") segment = file.path();
  }
  ASSERT_FALSE(segment.empty());
  FILE* file = std::fopen(segment.c_str(), "r+b");
  ASSERT_NE(file, nullptr);
  std::string bytes(std::filesystem::file_size(segment), '\0');
  ASSERT_EQ(std::fread(bytes.data(), 1, bytes.size(), file), bytes.size());
  const size_t at = bytes.find("reason-5");
  ASSERT_NE(at, std::string::npos);
  std::fseek(file, static_cast<long>(at), SEEK_SET);
  std::fputc('X', file);
  std::fclose(file);
  const CommandResult run = Verify(" --head " + head_);
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_THAT(run.output, HasSubstr("BROKEN at entry 4: no entry hashes to the head given"));
}

}  // namespace
}  // namespace gallery::audit
