// The audit chain's writer: numbering, linking, rolling back, and the head read back from
// a store; the subject pseudonym's key file.
#include "hub/audit/audit_chain.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "hub/audit/audit_events.h"
#include "hub/audit/audit_hash.h"
#include "hub/audit/sha256_context.h"
#include "hub/store/journal_store.h"

namespace gallery::audit {
namespace {

using ::testing::HasSubstr;

class AuditChainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "gallery-audit-chain-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  SubjectPseudonym Pseudonym() {
    auto pseudonym = SubjectPseudonym::Open((dir_ / "subject.key").string(), true);
    EXPECT_TRUE(pseudonym.ok()) << pseudonym.status().ToString();
    return std::move(pseudonym).value();
  }

  std::filesystem::path dir_;
};

TEST(AuditHashTest, Sha256AndHmacMatchTheirPublishedTestVectors) {
  // FIPS 180-2 appendix B.1 and B.2.
  EXPECT_EQ(Hex(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Hex(ChainHash("abcdbcdecdefdefgefghfghighij", "hijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  // RFC 4231 test case 2.
  EXPECT_EQ(Hex(HmacSha256("Jefe").Of("what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // RFC 4231 test case 1: a 20-byte key of 0x0b.
  EXPECT_EQ(Hex(HmacSha256(std::string(20, '\x0b')).Of("Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST_F(AuditChainTest, SealedEntriesAreNumberedAndEachLinksToTheHashOfTheOneBefore) {
  auto store = store::JournalStore::Open((dir_ / "journal").string());
  ASSERT_TRUE(store.ok());
  AuditChain chain(**store, {0, ZeroHash()}, Pseudonym());
  audit_log::v1::Entry first = DeadLettered("r1", "dn", "refused");
  const std::string first_bytes = chain.Seal(first);
  audit_log::v1::Entry second = AdminAction("POST", "/admin/rules/reload", 200, "");
  const std::string second_bytes = chain.Seal(second);

  audit_log::v1::Entry parsed;
  ASSERT_TRUE(parsed.ParseFromString(first_bytes));
  EXPECT_EQ(parsed.seq(), 1u);
  EXPECT_EQ(parsed.prev_hash(), ZeroHash());
  EXPECT_GT(parsed.time_us(), 0);
  ASSERT_TRUE(parsed.ParseFromString(second_bytes));
  EXPECT_EQ(parsed.seq(), 2u);
  EXPECT_EQ(parsed.prev_hash(), ChainHash(ZeroHash(), first_bytes));
  EXPECT_EQ(chain.head().seq, 2u);
  EXPECT_EQ(chain.head().hash, ChainHash(parsed.prev_hash(), second_bytes));
}

TEST_F(AuditChainTest, RestoringTheHeadUndoesSealsWhoseCommitFailed) {
  auto store = store::JournalStore::Open((dir_ / "journal").string());
  ASSERT_TRUE(store.ok());
  AuditChain chain(**store, {0, ZeroHash()}, Pseudonym());
  ASSERT_TRUE(chain.Append(DeadLettered("r1", "dn", "refused")).ok());
  const ChainHead before = chain.head();
  audit_log::v1::Entry lost = DeadLettered("r2", "dn", "refused");
  (void)chain.Seal(lost);
  chain.Restore(before);
  audit_log::v1::Entry next = DeadLettered("r3", "dn", "refused");
  audit_log::v1::Entry parsed;
  ASSERT_TRUE(parsed.ParseFromString(chain.Seal(next)));
  EXPECT_EQ(parsed.seq(), 2u);
  EXPECT_EQ(parsed.prev_hash(), before.hash);
}

TEST_F(AuditChainTest, TheHeadIsReadBackFromTheStore) {
  ChainHead written;
  {
    auto store = store::JournalStore::Open((dir_ / "journal").string());
    ASSERT_TRUE(store.ok());
    auto empty = LoadHead(**store);
    ASSERT_TRUE(empty.ok());
    EXPECT_EQ(empty->seq, 0u);
    EXPECT_EQ(empty->hash, ZeroHash());
    AuditChain chain(**store, *empty, Pseudonym());
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(chain.Append(Purge({"r" + std::to_string(i)})).ok());
    written = chain.head();
  }
  auto store = store::JournalStore::Open((dir_ / "journal").string());
  ASSERT_TRUE(store.ok());
  auto head = LoadHead(**store);
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->seq, 3u);
  EXPECT_EQ(head->hash, written.hash);
}

TEST_F(AuditChainTest, AFailedAppendLeavesTheHeadWhereItWas) {
  { auto created = store::JournalStore::Open((dir_ / "journal").string()); }
  auto store = store::JournalStore::Open((dir_ / "journal").string(), {.read_only = true});
  ASSERT_TRUE(store.ok());
  AuditChain chain(**store, {0, ZeroHash()}, Pseudonym());
  EXPECT_FALSE(chain.Append(DeadLettered("r1", "dn", "refused")).ok());
  EXPECT_EQ(chain.head().seq, 0u);
  EXPECT_EQ(chain.head().hash, ZeroHash());
}

TEST_F(AuditChainTest, TheSubjectKeyIsCreatedOnceOwnerOnlyAndGivesStablePseudonyms) {
  const std::string path = (dir_ / "subject.key").string();
  auto created = SubjectPseudonym::Open(path, true);
  ASSERT_TRUE(created.ok());
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_EQ(info.st_size, 32);
  auto reopened = SubjectPseudonym::Open(path, false);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(created->Of("9434765919"), reopened->Of("9434765919"));
  EXPECT_EQ(created->Of("9434765919").size(), kHashBytes);
  EXPECT_NE(created->Of("9434765919"), created->Of("local:asc:123"));
  EXPECT_EQ(created->Of(""), "");
  // Another hub's key gives other pseudonyms: they mean nothing outside this hub.
  auto other = SubjectPseudonym::Open((dir_ / "other.key").string(), true);
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->Of("9434765919"), created->Of("9434765919"));
}

TEST_F(AuditChainTest, AMissingOrMalformedSubjectKeyIsRefused) {
  auto missing = SubjectPseudonym::Open((dir_ / "none.key").string(), false);
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  std::ofstream((dir_ / "short.key").string()) << "short";
  auto short_key = SubjectPseudonym::Open((dir_ / "short.key").string(), false);
  EXPECT_EQ(short_key.status().code(), Code::kFailedPrecondition);
  EXPECT_THAT(short_key.status().message(), HasSubstr("must hold 32 bytes"));
}

}  // namespace
}  // namespace gallery::audit
