// A delivery its recipient keeps refusing goes to the dead letters; hubctl lists, shows,
// retries and drops it through the real hubd's admin API.
#include <cstdio>
#include <memory>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/sdk/publisher.h"
#include "adapters/sdk/subscriber.h"
#include "tests/common/command.h"
#include "tests/integration/sample_records.h"
#include "tests/integration/test_region.h"

namespace gallery::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kAgencies = R"(  - {id: dn, name: District Nursing, kind: community-health}
  - {id: asc, name: Adult Social Care, kind: adult-social-care}
)";

constexpr const char* kRules = R"(protocol: dead-letters
version: 1
rules:
  - id: asc-to-dn
    from: [asc]
    types: [assessment.single]
    to: [dn]
    include: ["*"]
)";

using test_support::CommandResult;
using test_support::Hubctl;

class DeadLetterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    endpoint_ = region_.StartHub();
    admin_ = " --admin " + region_.admin_address();
    sdk::Publisher publisher(TestClient(endpoint_, "asc"));
    ASSERT_TRUE(publisher.Send(SingleAssessment("asc:poison", kNhsNumbers[0], "")).ok());
    ASSERT_TRUE(publisher.Send(SingleAssessment("asc:fine", kNhsNumbers[1], "")).ok());
    auto outcomes = publisher.Flush(std::chrono::seconds(20));
    ASSERT_TRUE(outcomes.ok()) << outcomes.status().ToString();
    subscriber_ = std::make_unique<sdk::Subscriber>(TestClient(endpoint_, "dn"));
  }

  // Takes deliveries for up to `timeout`: refuses "asc:poison" unless `accept_poison`,
  // acks the rest. Returns how many times the poison record came.
  int Serve(std::chrono::milliseconds timeout, bool accept_poison) {
    int poison_seen = 0;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto next = subscriber_->Next(std::chrono::milliseconds(100));
      if (!next.ok() || !next->has_value()) continue;
      const sdk::Delivery& delivery = **next;
      if (delivery.record.record_id() == "asc:poison") {
        ++poison_seen;
        if (!accept_poison) {
          (void)subscriber_->Nack(delivery.delivery_id, "no mapping for section 'Finances'");
          continue;
        }
      }
      (void)subscriber_->Ack(delivery.delivery_id);
    }
    return poison_seen;
  }

  TestRegion region_{"deadletters", kAgencies, kRules, {}, "  max_attempts: 2\n"};
  std::string endpoint_;
  std::string admin_;
  std::unique_ptr<sdk::Subscriber> subscriber_;
};

TEST_F(DeadLetterTest, RefusedDeliveryIsDeadLetteredListedShownAndRetried) {
  EXPECT_EQ(Serve(std::chrono::seconds(3), /*accept_poison=*/false), 2);
  EXPECT_EQ(region_.PendingDeliveries("dn"), 0u);

  const CommandResult list = Hubctl("deadletter list" + admin_);
  EXPECT_EQ(list.exit_code, 0) << list.output;
  EXPECT_THAT(list.output, HasSubstr("asc:poison"));
  EXPECT_THAT(list.output, HasSubstr("refused by recipient: no mapping for section 'Finances'"));
  EXPECT_THAT(list.output, Not(HasSubstr("asc:fine")));
  EXPECT_THAT(list.output, HasSubstr("1 dead letters"));

  const CommandResult show = Hubctl("deadletter show 1" + admin_);
  EXPECT_EQ(show.exit_code, 0) << show.output;
  EXPECT_THAT(show.output, HasSubstr("attempts:      2"));
  EXPECT_THAT(show.output, HasSubstr("recipient:     dn"));
  EXPECT_THAT(show.output, Not(HasSubstr("Edith")));  // no contents unless asked

  const CommandResult contents = Hubctl("deadletter show 1 --contents" + admin_);
  EXPECT_EQ(contents.exit_code, 0) << contents.output;
  EXPECT_THAT(contents.output, HasSubstr("Edith"));

  const CommandResult retry = Hubctl("deadletter retry 1" + admin_);
  EXPECT_EQ(retry.exit_code, 0) << retry.output;
  EXPECT_THAT(retry.output, HasSubstr("requeued to dn as delivery 3"));
  EXPECT_EQ(Serve(std::chrono::seconds(2), /*accept_poison=*/true), 1);
  EXPECT_TRUE(WaitFor([&] { return region_.PendingDeliveries("dn") == 0; }, std::chrono::seconds(10)));
  EXPECT_THAT(Hubctl("deadletter list" + admin_).output, HasSubstr("0 dead letters"));

  const CommandResult again = Hubctl("deadletter retry 1" + admin_);
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.output, HasSubstr("404: no dead letter 1"));
}

TEST_F(DeadLetterTest, DroppedDeadLetterIsNeverDeliveredAgain) {
  EXPECT_EQ(Serve(std::chrono::seconds(3), /*accept_poison=*/false), 2);
  const CommandResult drop = Hubctl("deadletter drop 1" + admin_);
  EXPECT_EQ(drop.exit_code, 0) << drop.output;
  EXPECT_THAT(drop.output, HasSubstr("dead letter 1 dropped"));
  EXPECT_EQ(Serve(std::chrono::seconds(1), /*accept_poison=*/true), 0);
  EXPECT_THAT(Hubctl("deadletter list" + admin_).output, HasSubstr("0 dead letters"));
  EXPECT_EQ(region_.PendingDeliveries("dn"), 0u);
}

TEST_F(DeadLetterTest, UnknownIdsAndCommandsAreClearErrors) {
  EXPECT_EQ(Hubctl("deadletter show 99" + admin_).exit_code, 1);
  EXPECT_THAT(Hubctl("deadletter show 99" + admin_).output, HasSubstr("no dead letter 99"));
  EXPECT_EQ(Hubctl("deadletter show abc" + admin_).exit_code, 2);
  EXPECT_EQ(Hubctl("deadletter list --admin 127.0.0.1:1").exit_code, 1);
}

}  // namespace
}  // namespace gallery::testing
