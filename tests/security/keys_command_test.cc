#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hub/cli/keys_command.h"
#include "hub/security/curve_key.h"

namespace gallery::cli {
namespace {

using ::testing::HasSubstr;

mode_t Mode(const std::filesystem::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

TEST(KeysCommandTest, WritesASecretKeyOnlyItsOwnerReadsAndThePublicKeyItPrints) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("gallery-keys-new-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ostringstream out, err;
  ASSERT_EQ(RunKeysCommand({"new", "asc", "--dir", dir.string()}, out, err), 0) << err.str();
  EXPECT_EQ(Mode(dir / "asc.key"), 0600u);
  auto secret = security::ReadKeyFile((dir / "asc.key").string());
  auto public_key = security::ReadKeyFile((dir / "asc.pub").string());
  ASSERT_TRUE(secret.ok() && public_key.ok());
  EXPECT_EQ(*security::PublicKeyOf(*secret), *public_key);
  EXPECT_EQ(out.str(), *public_key + "\n");

  std::ostringstream again_out, again_err;
  EXPECT_EQ(RunKeysCommand({"new", "asc", "--dir", dir.string()}, again_out, again_err), 1);
  EXPECT_THAT(again_err.str(), HasSubstr("asc.key already exists"));
  EXPECT_EQ(*security::ReadKeyFile((dir / "asc.key").string()), *secret);
  std::filesystem::remove_all(dir);
}

TEST(KeysCommandTest, AgencyMustBeAnAgencyId) {
  std::ostringstream out, err;
  EXPECT_EQ(RunKeysCommand({"new", "../etc"}, out, err), 2);
  EXPECT_THAT(err.str(), HasSubstr("AGENCY must match"));
}

}  // namespace
}  // namespace gallery::cli
