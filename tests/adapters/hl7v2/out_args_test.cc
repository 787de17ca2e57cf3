// adapter-hl7v2-out's command line: defaults, both flag forms, and refusals naming the flag.
#include "adapters/hl7v2/out/out_args.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace gallery::hl7v2 {
namespace {

using ::testing::HasSubstr;

const std::vector<std::string> kRequired = {
    "--hub",   "tcp://127.0.0.1:5555",    "--agency", "gp-riverside", "--mapping",
    "gp.yaml", "--send-to=127.0.0.1:2575"};

Result<OutArgs> Parse(std::vector<std::string> extra) {
  std::vector<std::string> args = kRequired;
  args.insert(args.end(), extra.begin(), extra.end());
  return ParseOutArgs(args);
}

TEST(OutArgsTest, DefaultsAndValues) {
  auto args = Parse({});
  ASSERT_TRUE(args.ok()) << args.status().ToString();
  EXPECT_EQ(args->host, "127.0.0.1");
  EXPECT_EQ(args->port, 2575);
  EXPECT_EQ(args->ack_timeout.count(), 10000);
  EXPECT_EQ(args->first_retry.count(), 500);
  EXPECT_EQ(args->max_retry.count(), 30000);
  EXPECT_EQ(args->max_attempts, 0);

  args = Parse({"--ack-timeout-ms=2000", "--retry-initial-ms", "100", "--retry-max-ms", "400",
                "--max-attempts", "5", "--verbose"});
  ASSERT_TRUE(args.ok()) << args.status().ToString();
  EXPECT_EQ(args->ack_timeout.count(), 2000);
  EXPECT_EQ(args->first_retry.count(), 100);
  EXPECT_EQ(args->max_retry.count(), 400);
  EXPECT_EQ(args->max_attempts, 5);
  EXPECT_TRUE(args->verbose);
  EXPECT_TRUE(ParseOutArgs({"--help"})->help);
}

TEST(OutArgsTest, RefusesNamingTheFlag) {
  auto error = [](std::vector<std::string> args) {
    auto parsed = ParseOutArgs(args);
    return parsed.ok() ? std::string("accepted") : parsed.status().message();
  };
  auto with = [](std::vector<std::string> extra) {
    std::vector<std::string> args = kRequired;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  EXPECT_EQ(error({"--hub", "tcp://127.0.0.1:5555"}),
            "--hub, --agency, --mapping and --send-to are required");
  EXPECT_THAT(error(with({"--send-to", "127.0.0.1"})), HasSubstr("--send-to must be HOST:PORT"));
  EXPECT_THAT(error(with({"--send-to", "host:0"})), HasSubstr("--send-to must be HOST:PORT"));
  EXPECT_THAT(error(with({"--send-to", ":2575"})), HasSubstr("--send-to must be HOST:PORT"));
  EXPECT_THAT(error(with({"--ack-timeout-ms", "0"})), HasSubstr("--ack-timeout-ms"));
  EXPECT_EQ(error(with({"--retry-initial-ms", "5000", "--retry-max-ms", "1000"})),
            "--retry-max-ms must not be less than --retry-initial-ms");
  EXPECT_EQ(error(with({"--max-attempts", "-1"})),
            "--max-attempts must be a whole number from 0 to 1000000");
  EXPECT_EQ(error(with({"--colour", "blue"})), "unknown option '--colour'");
  EXPECT_EQ(error(with({"--key", "a.key"})), "--key and --hub-key go together");
  EXPECT_EQ(error(with({"--mapping"})), "option '--mapping' needs a value");
}

}  // namespace
}  // namespace gallery::hl7v2
