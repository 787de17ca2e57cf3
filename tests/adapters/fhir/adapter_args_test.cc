// adapter-fhir's command line: defaults, both option spellings, and refusals that name
// the option.
#include "adapters/fhir/adapter_args.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace gallery::fhir {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(FhirAdapterArgsTest, ListenModeTakesEveryOption) {
  auto args = ParseAdapterArgs({"--hub", "tcp://127.0.0.1:5555", "--mapping=m.yaml", "--listen",
                                "0.0.0.0:8080", "--max-body-bytes", "2048",
                                "--request-timeout-ms=500", "--confirm-timeout-ms", "700",
                                "--retry-after-s", "9"});
  ASSERT_TRUE(args.ok()) << args.status().ToString();
  EXPECT_EQ(args->hub, "tcp://127.0.0.1:5555");
  EXPECT_EQ(args->mapping, "m.yaml");
  EXPECT_EQ(args->listen_host, "0.0.0.0");
  EXPECT_EQ(args->listen_port, 8080);
  EXPECT_EQ(args->max_body_bytes, 2048u);
  EXPECT_EQ(args->request_timeout.count(), 500);
  EXPECT_EQ(args->confirm_timeout.count(), 700);
  EXPECT_EQ(args->retry_after_seconds, 9);
}

TEST(FhirAdapterArgsTest, CheckModeNeedsNoHubOrListen) {
  auto args = ParseAdapterArgs({"--mapping", "m.yaml", "--check", "a.json", "b.json"});
  ASSERT_TRUE(args.ok()) << args.status().ToString();
  EXPECT_THAT(args->check, ElementsAre("a.json", "b.json"));
}

TEST(FhirAdapterArgsTest, MistakesAreRefusedNotClamped) {
  EXPECT_THAT(ParseAdapterArgs({"--mapping", "m.yaml", "--listen", "x:1"}).status().message(),
              HasSubstr("missing --hub"));
  EXPECT_THAT(ParseAdapterArgs({"--hub", "h", "--mapping", "m", "--listen", "8080"})
                  .status()
                  .message(),
              HasSubstr("--listen must be HOST:PORT"));
  EXPECT_THAT(ParseAdapterArgs({"--hub", "h", "--mapping", "m", "--listen", "a:1",
                                "--max-body-bytes", "10"})
                  .status()
                  .message(),
              HasSubstr("--max-body-bytes must be from 1024"));
  EXPECT_THAT(ParseAdapterArgs({"--mapping", "m", "--retry-after-s", "0"}).status().message(),
              HasSubstr("--retry-after-s must be from 1 to 3600"));
  EXPECT_THAT(ParseAdapterArgs({"--colour"}).status().message(),
              HasSubstr("unknown option '--colour'"));
}

}  // namespace
}  // namespace gallery::fhir
