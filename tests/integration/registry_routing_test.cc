// A real hubd learning registrations from records: the registered practice
// receives the subject's records, a practice the patient left receives nothing
// new, and what the hub learned survives its restart.
#include <csignal>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/sdk/publisher.h"
#include "tests/integration/sample_records.h"
#include "tests/integration/test_region.h"

namespace gallery::testing {
namespace {

using ::testing::ElementsAre;

constexpr const char *kAgencies =
    R"(  - {id: gp-a, name: Practice A, kind: gp-practice, ods: A00001}
  - {id: gp-b, name: Practice B, kind: gp-practice, ods: A00002}
  - {id: asc, name: Adult Social Care, kind: adult-social-care}
)";

constexpr const char *kRules = R"(protocol: registry-routing
version: 1
rules:
  - id: asc-to-gp
    from: [asc]
    types: [assessment.single]
    to: ["relationship:registered-gp"]
    include: ["*"]
)";

v1::Record Registration(const std::string &record_id,
                        const std::string &practice) {
  v1::Record record;
  record.set_record_id(record_id);
  record.set_source_agency(practice);
  record.set_record_type("relationship.registration");
  record.mutable_subject()->set_nhs_number(kNhsNumbers[0]);
  return record;
}

// The assessment names no practice: only what the hub learned says where it
// goes.
v1::Record Assessment(const std::string &record_id) {
  return SingleAssessment(record_id, kNhsNumbers[0], "");
}

void Publish(const std::string &endpoint, const std::string &agency,
             const v1::Record &record) {
  sdk::Publisher publisher(TestClient(endpoint, agency));
  ASSERT_TRUE(publisher.Send(record).ok());
  auto outcomes = publisher.Flush(std::chrono::seconds(20));
  ASSERT_TRUE(outcomes.ok()) << outcomes.status().ToString();
  ASSERT_EQ(outcomes->size(), 1u);
  ASSERT_TRUE((*outcomes)[0].status.ok()) << (*outcomes)[0].status.ToString();
}

TEST(RegistryRoutingTest, RecordsFollowTheRegistrationAcrossAMoveAndARestart) {
  TestRegion region("registry", kAgencies, kRules);
  std::string endpoint = region.StartHub();

  Publish(endpoint, "gp-a", Registration("gp-a:reg:1", "gp-a"));
  Publish(endpoint, "asc", Assessment("asc:1"));
  ASSERT_TRUE(WaitFor([&] { return region.JournaledRecords() == 2; },
                      std::chrono::seconds(20)));
  EXPECT_THAT(region.JournaledDeliveries()["gp-a"], ElementsAre("asc:1"));

  // The patient moves to practice B: practice A stops receiving from then on.
  Publish(endpoint, "gp-b", Registration("gp-b:reg:1", "gp-b"));
  Publish(endpoint, "asc", Assessment("asc:2"));
  ASSERT_TRUE(WaitFor([&] { return region.JournaledRecords() == 4; },
                      std::chrono::seconds(20)));
  auto deliveries = region.JournaledDeliveries();
  EXPECT_THAT(deliveries["gp-a"], ElementsAre("asc:1"));
  EXPECT_THAT(deliveries["gp-b"], ElementsAre("asc:2"));

  // Stale data from elsewhere naming practice A does not move the patient back.
  Publish(endpoint, "asc", SingleAssessment("asc:3", kNhsNumbers[0], "A00001"));
  ASSERT_TRUE(WaitFor([&] { return region.JournaledRecords() == 5; },
                      std::chrono::seconds(20)));

  // What the hub learned is journaled: a killed hub knows it when it starts
  // again.
  EXPECT_EQ(region.StopHub(SIGKILL), 128 + SIGKILL);
  endpoint = region.StartHub(endpoint);
  EXPECT_NE(region.HubLog().find("registry: 1 subjects from 2 facts"),
            std::string::npos)
      << region.HubLog();
  Publish(endpoint, "asc", Assessment("asc:4"));
  ASSERT_TRUE(WaitFor([&] { return region.JournaledRecords() == 6; },
                      std::chrono::seconds(20)));
  deliveries = region.JournaledDeliveries();
  EXPECT_THAT(deliveries["gp-a"], ElementsAre("asc:1"));
  EXPECT_THAT(deliveries["gp-b"], ElementsAre("asc:2", "asc:3", "asc:4"));
}

} // namespace
} // namespace gallery::testing
