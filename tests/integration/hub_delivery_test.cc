// A real hubd and real sink processes on loopback: what each agency's inbox receives.
#include <csignal>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/sdk/publisher.h"
#include "adapters/sdk/subscriber.h"
#include "tests/integration/sample_records.h"
#include "tests/integration/test_region.h"

namespace gallery::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

constexpr const char* kAgencies = R"(  - {id: gp-a, name: Practice A, kind: gp-practice, ods: A00001}
  - {id: gp-b, name: Practice B, kind: gp-practice, ods: A00002}
  - {id: dn, name: District Nursing, kind: community-health}
  - {id: asc, name: Adult Social Care, kind: adult-social-care}
  - {id: housing, name: Housing Association, kind: housing}
)";

constexpr const char* kRules = R"(protocol: test-region
version: 1
rules:
  - id: asc-to-gp
    from: [asc]
    types: [assessment.single]
    to: ["relationship:registered-gp"]
    include: ["*"]
    exclude: ["Finances"]
  - id: asc-to-dn
    from: [asc]
    types: [assessment.single]
    to: [dn]
    include: ["Personal care", "Mobility", "@subject/given_name", "@subject/family_name"]
  - id: asc-to-housing
    from: [asc]
    types: [assessment.single]
    to: [housing]
    include: ["Home environment", "@subject/address", "@subject/postcode"]
)";

const std::vector<std::string> kRecipients = {"gp-a", "gp-b", "dn", "housing"};

std::set<std::string> RecordIds(const std::vector<v1::Deliver>& inbox) {
  std::set<std::string> ids;
  for (const auto& d : inbox) ids.insert(d.record().record_id());
  return ids;
}

std::vector<std::string> Headings(const v1::Record& record) {
  std::vector<std::string> out;
  for (const auto& s : record.sections()) out.push_back(s.heading());
  return out;
}

class HubDeliveryTest : public ::testing::Test {
 protected:
  bool AllAcked(size_t expected_records) {
    return WaitFor([&] { return region_.JournaledRecords() == expected_records &&
                                region_.PendingDeliveries() == 0; },
                   std::chrono::seconds(30));
  }
  TestRegion region_{"delivery", kAgencies, kRules};
};

TEST_F(HubDeliveryTest, EachAgencyReceivesOnlyWhatTheProtocolLetsThrough) {
  const std::string endpoint = region_.StartHub();
  for (const auto& agency : kRecipients) region_.StartSink(agency);

  sdk::Publisher publisher(TestClient(endpoint, "asc"));
  ASSERT_TRUE(publisher.Send(SingleAssessment("asc:1", kNhsNumbers[0], "A00001")).ok());
  ASSERT_TRUE(publisher.Send(SingleAssessment("asc:2", kNhsNumbers[1], "A00002")).ok());
  ASSERT_TRUE(publisher.Send(SingleAssessment("asc:3", kNhsNumbers[2], "A00001")).ok());
  ASSERT_TRUE(publisher.Send(SingleAssessment("asc:4", kNhsNumbers[3], "")).ok());
  auto outcomes = publisher.Flush(std::chrono::seconds(20));
  ASSERT_TRUE(outcomes.ok()) << outcomes.status().ToString();
  ASSERT_EQ(outcomes->size(), 4u);
  for (const auto& outcome : *outcomes) EXPECT_TRUE(outcome.status.ok()) << outcome.status.ToString();
  ASSERT_TRUE(AllAcked(4));
  region_.StopSinks();

  // A practice receives its own registered patients only.
  EXPECT_THAT(RecordIds(region_.Inbox("gp-a")), UnorderedElementsAre("asc:1", "asc:3"));
  EXPECT_THAT(RecordIds(region_.Inbox("gp-b")), UnorderedElementsAre("asc:2"));
  EXPECT_THAT(RecordIds(region_.Inbox("dn")), UnorderedElementsAre("asc:1", "asc:2", "asc:3", "asc:4"));
  EXPECT_THAT(RecordIds(region_.Inbox("housing")).size(), 4u);

  const v1::Deliver gp = region_.Inbox("gp-a")[0];
  EXPECT_THAT(gp.rule_ids(), ElementsAre("asc-to-gp"));
  EXPECT_THAT(Headings(gp.record()), ElementsAre("Personal care", "Mobility", "Home environment"));
  EXPECT_EQ(gp.record().subject().demographics().postcode(), "ZZ99 3AA");

  const v1::Deliver dn = region_.Inbox("dn")[0];
  EXPECT_THAT(dn.rule_ids(), ElementsAre("asc-to-dn"));
  EXPECT_THAT(Headings(dn.record()), ElementsAre("Personal care", "Mobility"));
  EXPECT_EQ(dn.record().subject().demographics().given_name(), "Edith");
  EXPECT_EQ(dn.record().subject().demographics().postcode(), "");
  EXPECT_EQ(dn.record().subject().nhs_number(), kNhsNumbers[0]);

  const v1::Deliver housing = region_.Inbox("housing")[0];
  EXPECT_THAT(Headings(housing.record()), ElementsAre("Home environment"));
  EXPECT_EQ(housing.record().subject().demographics().given_name(), "");
  EXPECT_EQ(housing.record().subject().demographics().postcode(), "ZZ99 3AA");
  EXPECT_EQ(housing.record().subject().demographics().phone(), "");
}

TEST_F(HubDeliveryTest, InvalidRecordIsRejectedNamingTheFieldAndReachesNoOne) {
  const std::string endpoint = region_.StartHub();
  for (const auto& agency : kRecipients) region_.StartSink(agency);

  sdk::Publisher publisher(TestClient(endpoint, "asc"));
  ASSERT_TRUE(publisher.Send(SingleAssessment("asc:bad", "9990000019", "A00001")).ok());
  ASSERT_TRUE(publisher.Send(SingleAssessment("asc:good", kNhsNumbers[4], "A00001")).ok());
  auto outcomes = publisher.Flush(std::chrono::seconds(20));
  ASSERT_TRUE(outcomes.ok()) << outcomes.status().ToString();
  ASSERT_EQ(outcomes->size(), 2u);
  const auto& bad = (*outcomes)[0].record_id == "asc:bad" ? (*outcomes)[0] : (*outcomes)[1];
  EXPECT_EQ(bad.status.code(), Code::kInvalidArgument);
  EXPECT_THAT(bad.status.message(), HasSubstr("subject.nhs_number"));
  EXPECT_THAT(bad.status.message(), ::testing::Not(HasSubstr("9990000019")));

  ASSERT_TRUE(AllAcked(1));
  region_.StopSinks();
  EXPECT_THAT(RecordIds(region_.Inbox("gp-a")), UnorderedElementsAre("asc:good"));
  EXPECT_THAT(RecordIds(region_.Inbox("dn")), UnorderedElementsAre("asc:good"));
}

TEST_F(HubDeliveryTest, SameRecordIdPublishedTwiceIsConfirmedTwiceAndDeliveredOnce) {
  const std::string endpoint = region_.StartHub();
  region_.StartSink("dn");
  sdk::Publisher publisher(TestClient(endpoint, "asc"));
  ASSERT_TRUE(publisher.Send(SingleAssessment("asc:twice", kNhsNumbers[0], "A00001")).ok());
  auto first = publisher.Flush(std::chrono::seconds(20));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(publisher.Send(SingleAssessment("asc:twice", kNhsNumbers[0], "A00001")).ok());
  auto second = publisher.Flush(std::chrono::seconds(20));
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(first->size(), 1u);
  ASSERT_EQ(second->size(), 1u);
  EXPECT_FALSE((*first)[0].duplicate);
  EXPECT_TRUE((*second)[0].status.ok());
  EXPECT_TRUE((*second)[0].duplicate);

  ASSERT_TRUE(WaitFor([&] { return region_.Inbox("dn").size() == 1; }, std::chrono::seconds(20)));
  EXPECT_EQ(region_.JournaledRecords(), 1u);
}

TEST_F(HubDeliveryTest, RecordClaimingAnotherSourceAgencyIsRefused) {
  const std::string endpoint = region_.StartHub();
  sdk::Publisher publisher(TestClient(endpoint, "dn"));
  ASSERT_TRUE(publisher.Send(SingleAssessment("asc:spoof", kNhsNumbers[0], "A00001")).ok());
  auto outcomes = publisher.Flush(std::chrono::seconds(20));
  ASSERT_TRUE(outcomes.ok());
  ASSERT_EQ(outcomes->size(), 1u);
  EXPECT_EQ((*outcomes)[0].status.code(), Code::kPermissionDenied);
  EXPECT_THAT((*outcomes)[0].status.message(), HasSubstr("source_agency"));
  EXPECT_EQ(region_.JournaledRecords(), 0u);
}

TEST_F(HubDeliveryTest, UnknownAgencyIsRefusedAtHello) {
  const std::string endpoint = region_.StartHub();
  // With asc's key, the only way past authentication: the Hello's agency must be the key's.
  sdk::ClientOptions options = TestClient(endpoint, "asc");
  options.agency = "not-an-agency";
  sdk::Publisher publisher(options);
  (void)publisher.Send(SingleAssessment("x:1", kNhsNumbers[0], "A00001"));
  auto outcomes = publisher.Flush(std::chrono::seconds(10));
  ASSERT_FALSE(outcomes.ok());
  EXPECT_EQ(outcomes.status().code(), Code::kUnauthenticated);
  EXPECT_THAT(outcomes.status().message(), HasSubstr("Hello names agency 'not-an-agency'"));
}

TEST_F(HubDeliveryTest, OfflineRecipientGetsItsWholeBacklogInOrderWhenItConnects) {
  const std::string endpoint = region_.StartHub();
  sdk::Publisher publisher(TestClient(endpoint, "asc"));
  std::vector<std::string> sent;
  for (int i = 0; i < 50; ++i) {
    sent.push_back("asc:backlog:" + std::to_string(i));
    ASSERT_TRUE(publisher.Send(SingleAssessment(sent.back(), kNhsNumbers[i % 9], "A00001")).ok());
  }
  ASSERT_TRUE(publisher.Flush(std::chrono::seconds(20)).ok());

  region_.StartSink("dn");
  ASSERT_TRUE(WaitFor([&] { return region_.Inbox("dn").size() == sent.size(); },
                      std::chrono::seconds(20)));
  std::vector<std::string> received;
  for (const auto& d : region_.Inbox("dn")) received.push_back(d.record().record_id());
  EXPECT_EQ(received, sent);
}

TEST_F(HubDeliveryTest, DeliveriesNotAckedAreSentAgainToTheNextSubscriber) {
  const std::string endpoint = region_.StartHub();
  sdk::Publisher publisher(TestClient(endpoint, "asc"));
  ASSERT_TRUE(publisher.Send(SingleAssessment("asc:unacked", kNhsNumbers[0], "A00001")).ok());
  ASSERT_TRUE(publisher.Flush(std::chrono::seconds(20)).ok());

  uint64_t first_id = 0;
  {
    sdk::Subscriber careless(TestClient(endpoint, "dn"));
    auto delivery = careless.Next(std::chrono::seconds(10));
    ASSERT_TRUE(delivery.ok() && delivery->has_value());
    first_id = (*delivery)->delivery_id;
    EXPECT_FALSE((*delivery)->redelivered);
  }  // gone without acking

  sdk::Subscriber careful(TestClient(endpoint, "dn"));
  auto again = careful.Next(std::chrono::seconds(10));
  ASSERT_TRUE(again.ok() && again->has_value());
  EXPECT_EQ((*again)->delivery_id, first_id);
  EXPECT_EQ((*again)->record.record_id(), "asc:unacked");
  EXPECT_TRUE((*again)->redelivered);
  ASSERT_TRUE(careful.Ack((*again)->delivery_id).ok());
  ASSERT_TRUE(WaitFor([&] { return region_.PendingDeliveries("dn") == 0; },
                      std::chrono::seconds(10)));
}

}  // namespace
}  // namespace gallery::testing
