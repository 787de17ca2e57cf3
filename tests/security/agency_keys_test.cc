#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "hub/config/hub_config.h"
#include "hub/security/agency_keys.h"
#include "hub/security/curve_key.h"
#include "hub/security/key_folder.h"
#include "hub/security/key_table.h"

namespace gallery::security {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string NewPublicKey() {
  auto pair = NewKeyPair();
  EXPECT_TRUE(pair.ok());
  return pair->public_key;
}

class KeyFolderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("gallery-keys-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  std::filesystem::path dir_;
};

TEST(ValidUntilTest, KeyIsValidThroughTheWholeDayInUtc) {
  EXPECT_EQ(ParseValidUntil("1970-01-01"), 86400);
  EXPECT_EQ(ParseValidUntil("2027-02-29"), std::nullopt);
  EXPECT_EQ(ParseValidUntil("27-01-31"), std::nullopt);
}

TEST(KeyTableTest, ExpiredKeysAreRefusedFromTheDayAfterValidUntil) {
  const std::string key = NewPublicKey();
  auto table = KeyTable::Build({{"asc", key, ParseValidUntil("2027-01-31"), "t:1"}}, {"asc"});
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  const int64_t last_second = *ParseValidUntil("2027-01-31") - 1;
  EXPECT_EQ((*table)->Find(key, last_second).verdict, KeyTable::Verdict::kAccepted);
  EXPECT_EQ((*table)->Find(key, last_second).agency, "asc");
  EXPECT_EQ((*table)->Find(key, last_second + 1).verdict, KeyTable::Verdict::kExpiredKey);
  EXPECT_EQ((*table)->Find(NewPublicKey(), 0).verdict, KeyTable::Verdict::kUnknownKey);
}

TEST(KeyTableTest, OneKeyForTwoAgenciesOrAnUnknownAgencyIsRefusedWithItsOrigin) {
  const std::string key = NewPublicKey();
  auto table = KeyTable::Build(
      {{"asc", key, std::nullopt, "a.pub:1"}, {"dn", key, std::nullopt, "b.pub:1"},
       {"nobody", NewPublicKey(), std::nullopt, "c.pub:1"}},
      {"asc", "dn"});
  ASSERT_EQ(table.status().code(), Code::kInvalidArgument);
  EXPECT_THAT(table.status().message(),
              HasSubstr("b.pub:1: key already given to agency 'asc' at a.pub:1"));
  EXPECT_THAT(table.status().message(), HasSubstr("c.pub:1: key for unknown agency 'nobody'"));
}

TEST_F(KeyFolderTest, ReadsAgencyKeysAndIgnoresOtherFiles) {
  const std::string first = NewPublicKey(), second = NewPublicKey();
  Write("asc.pub", first + "\n");
  Write("asc.2027.pub", second + "\nvalid_until: 2027-01-31\n");
  Write("asc.key", "a secret\n");
  auto keys = LoadKeyFolder(dir_.string());
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].agency, "asc");
  EXPECT_EQ((*keys)[0].public_key, second);
  EXPECT_EQ((*keys)[0].refused_from, ParseValidUntil("2027-01-31"));
  EXPECT_EQ((*keys)[1].public_key, first);
  EXPECT_EQ((*keys)[1].refused_from, std::nullopt);
}

TEST_F(KeyFolderTest, MalformedKeyFilesAreAllReportedWithFileAndLine) {
  Write("asc.pub", "not,a,key\n");
  Write("dn.pub", NewPublicKey() + "\nvalid_until: 31/01/2027\n");
  auto keys = LoadKeyFolder(dir_.string());
  ASSERT_EQ(keys.status().code(), Code::kInvalidArgument);
  EXPECT_THAT(keys.status().message(),
              HasSubstr((dir_ / "asc.pub").string() + ":1: expected a Z85 CURVE public key"));
  EXPECT_THAT(keys.status().message(),
              HasSubstr((dir_ / "dn.pub").string() + ":2: valid_until must be a date"));
  EXPECT_THAT(keys.status().message(), Not(HasSubstr("not,a,key")));
}

TEST_F(KeyFolderTest, ConfigKeysAndFolderKeysMakeOneTable) {
  const std::string in_config = NewPublicKey(), in_folder = NewPublicKey();
  Write("dn.pub", in_folder + "\n");
  const std::string yaml =
      "hub: {endpoint: 'tcp://127.0.0.1:*', store: j, rules: r}\n"
      "security: {server_secret_key_file: hub.key, agency_keys_dir: " + dir_.string() + "}\n"
      "agencies:\n"
      "  - id: asc\n"
      "    name: A\n"
      "    kind: adult-social-care\n"
      "    public_keys: [{key: \"" + in_config + "\", valid_until: 2027-01-31}]\n"
      "  - {id: dn, name: D, kind: community-health}\n";
  auto config = config::ParseHubConfig(yaml, "hub.yaml", "/etc/gallery");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->security.server_secret_key_file, "/etc/gallery/hub.key");
  auto table = LoadAgencyKeys(*config);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ((*table)->Find(in_config, 0).agency, "asc");
  EXPECT_EQ((*table)->Find(in_folder, 0).agency, "dn");
}

TEST(SecurityConfigTest, MalformedPublicKeyIsAnErrorWithLineAndColumn) {
  const std::string yaml =
      "hub: {endpoint: 'tcp://127.0.0.1:*', store: j, rules: r}\n"
      "security: {allow_plaintext: maybe}\n"
      "agencies:\n"
      "  - id: asc\n"
      "    name: A\n"
      "    kind: adult-social-care\n"
      "    public_keys: [{key: short, valid_until: 2027-13-01, colour: red}]\n";
  auto config = config::ParseHubConfig(yaml, "hub.yaml", "");
  ASSERT_EQ(config.status().code(), Code::kInvalidArgument);
  EXPECT_THAT(config.status().message(),
              HasSubstr("hub.yaml:2:29: 'allow_plaintext' must be true or false"));
  EXPECT_THAT(config.status().message(), HasSubstr("hub.yaml:7:57: unknown key 'colour'"));
  EXPECT_THAT(config.status().message(),
              HasSubstr("hub.yaml:7:25: 'key' must be a Z85 CURVE public key"));
}

}  // namespace
}  // namespace gallery::security
