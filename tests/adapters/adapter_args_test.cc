#include "adapters/csv/adapter_args.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace gallery::csv {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string ArgsError(const std::vector<std::string>& args) {
  auto parsed = ParseAdapterArgs(args);
  EXPECT_FALSE(parsed.ok());
  if (parsed.ok()) return "";
  EXPECT_EQ(parsed.status().code(), Code::kInvalidArgument);
  return parsed.status().message();
}

TEST(AdapterArgsTest, ReadsEveryOptionInBothSpellings) {
  auto args = ParseAdapterArgs({"--hub", "tcp://127.0.0.1:5555", "--mapping=m.yaml", "a.csv",
                                "--agency", "asc-west", "--timeout-ms=1500", "--verbose", "b.csv"});
  ASSERT_TRUE(args.ok()) << args.status().ToString();
  EXPECT_EQ(args->hub, "tcp://127.0.0.1:5555");
  EXPECT_EQ(args->mapping, "m.yaml");
  EXPECT_EQ(args->agency, "asc-west");
  EXPECT_EQ(args->timeout.count(), 1500);
  EXPECT_TRUE(args->verbose);
  EXPECT_FALSE(args->check);
  EXPECT_THAT(args->files, ElementsAre("a.csv", "b.csv"));
}

TEST(AdapterArgsTest, WatchTakesAFolderInsteadOfFiles) {
  auto args = ParseAdapterArgs({"--watch", "/drop", "--hub", "tcp://h:1", "--mapping", "m.yaml",
                                "--state=/state", "--rescan-ms", "2500"});
  ASSERT_TRUE(args.ok()) << args.status().ToString();
  EXPECT_EQ(args->watch_dir, "/drop");
  EXPECT_EQ(args->state_dir, "/state");
  EXPECT_EQ(args->rescan.count(), 2500);
  EXPECT_TRUE(args->files.empty());
}

TEST(AdapterArgsTest, WatchRefusesFilesAndCheckAndItsFlagsNeedIt) {
  EXPECT_EQ(ArgsError({"--watch", "/d", "--hub", "h", "--mapping", "m", "a.csv"}),
            "--watch takes no FILE arguments");
  EXPECT_EQ(ArgsError({"--watch", "/d", "--check", "--mapping", "m"}),
            "--watch cannot be used with --check");
  EXPECT_EQ(ArgsError({"--hub", "h", "--mapping", "m", "--state", "/s", "a.csv"}),
            "--state and --rescan-ms need --watch");
  EXPECT_THAT(ArgsError({"--watch", "/d", "--hub", "h", "--mapping", "m", "--rescan-ms", "0"}),
              HasSubstr("--rescan-ms must be a whole number of milliseconds"));
}

TEST(AdapterArgsTest, DefaultsApply) {
  auto args = ParseAdapterArgs({"--hub", "h", "--mapping", "m", "f.csv"});
  ASSERT_TRUE(args.ok());
  EXPECT_EQ(args->timeout.count(), 30000);
  EXPECT_EQ(args->agency, "");
}

TEST(AdapterArgsTest, CheckNeedsNoHub) {
  auto args = ParseAdapterArgs({"--check", "--mapping", "m", "f.csv"});
  ASSERT_TRUE(args.ok()) << args.status().ToString();
  EXPECT_TRUE(args->check);
}

TEST(AdapterArgsTest, DoubleDashEndsOptions) {
  auto args = ParseAdapterArgs({"--hub", "h", "--mapping", "m", "--", "--odd-name.csv"});
  ASSERT_TRUE(args.ok());
  EXPECT_THAT(args->files, ElementsAre("--odd-name.csv"));
}

TEST(AdapterArgsTest, HelpNeedsNothingElse) {
  auto args = ParseAdapterArgs({"--help"});
  ASSERT_TRUE(args.ok());
  EXPECT_TRUE(args->help);
  EXPECT_THAT(AdapterUsage(), HasSubstr("usage: adapter-csv --hub ENDPOINT --mapping"));
}

TEST(AdapterArgsTest, MistakesAreNamed) {
  EXPECT_EQ(ArgsError({"--mapping", "m", "f.csv"}), "missing --hub (or use --check)");
  EXPECT_EQ(ArgsError({"--hub", "h", "f.csv"}), "missing --mapping");
  EXPECT_EQ(ArgsError({"--hub", "h", "--mapping", "m"}), "no CSV files given");
  EXPECT_EQ(ArgsError({"--hub", "h", "--mapping"}), "option '--mapping' needs a value");
  EXPECT_EQ(ArgsError({"--hub=", "--mapping", "m", "f"}), "option '--hub' needs a value");
  EXPECT_EQ(ArgsError({"--hb", "h"}), "unknown option '--hb'");
  EXPECT_EQ(ArgsError({"-h"}), "unknown option '-h'");
  EXPECT_EQ(ArgsError({"--check=yes"}), "option '--check' takes no value");
}

TEST(AdapterArgsTest, TimeoutOutOfRangeIsRejectedNotClamped) {
  for (const char* bad : {"0", "-5", "abc", "1.5", "86400001"}) {
    EXPECT_THAT(ArgsError({"--hub", "h", "--mapping", "m", "--timeout-ms", bad, "f"}),
                HasSubstr("--timeout-ms must be a whole number of milliseconds from 1 to 86400000"))
        << bad;
  }
}

}  // namespace
}  // namespace gallery::csv
