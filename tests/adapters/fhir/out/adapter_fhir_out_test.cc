// adapter-fhir-out end to end, against a real hubd (tests/integration/test_region.h):
// a round trip through the project's own adapter-fhir running as a second agency (hub →
// adapter-fhir-out → HTTP → adapter-fhir → hub → adapter-sink), and a scripted FHIR server
// that fails in the ways real ones do, to show what is retried, acked and refused.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "adapters/fhir/out/logical_id.h"
#include "adapters/sdk/publisher.h"
#include "tests/adapters/fhir/fhir_test_util.h"
#include "tests/adapters/fhir/out/scripted_fhir_server.h"
#include "tests/integration/child_process.h"
#include "tests/integration/test_region.h"

namespace gallery::fhir_out {
namespace {

using gallery::testing::ChildProcess;
using gallery::testing::TestClient;
using gallery::testing::TestRegion;
using gallery::testing::WaitFor;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::ScriptedAnswer;
using testing::ScriptedFhirServer;
using testing::SeenRequest;

constexpr auto kWait = std::chrono::seconds(20);
constexpr const char* kNhsNumber = "9990000018";

constexpr const char* kAgencies =
    R"(  - {id: gp-riverside, name: Riverside Surgery, kind: gp-practice}
  - {id: dn-central, name: Central District Nursing, kind: community-health}
  - {id: hosp-general, name: General Hospital, kind: hospital}
  - {id: asc-county, name: County Adult Social Care, kind: adult-social-care}
)";

// The surgery's results reach district nursing (through adapter-fhir-out); what the
// hospital's FHIR endpoint takes reaches social care (through adapter-sink).
constexpr const char* kRules = R"(protocol: adapter-fhir-out-test
version: 1
rules:
  - id: results-to-district-nursing
    from: [gp-riverside]
    types: ["observation.*"]
    to: [dn-central]
    include: ["*"]
  - id: hospital-results-to-social-care
    from: [hosp-general]
    types: ["observation.*"]
    to: [asc-county]
    include: ["*"]
)";

constexpr const char* kOutMapping = R"(record_types:
  observation.result:
    resource: Observation
    fields:
      - {field: Result/Test, element: code}
      - {field: Result/Value, element: "value[x]", unit: kg}
)";

v1::Record Weight(const std::string& id, double kg) {
  v1::Record record;
  record.set_record_id(id);
  record.set_source_agency("gp-riverside");
  record.set_record_type("observation.result");
  record.mutable_subject()->set_nhs_number(kNhsNumber);
  record.mutable_occurred_at()->set_seconds(1718094600);
  v1::Section* section = record.add_sections();
  section->set_heading("Result");
  v1::Field* test = section->add_fields();
  test->set_name("Test");
  test->mutable_coded()->set_system("http://loinc.org");
  test->mutable_coded()->set_code("29463-7");
  test->mutable_coded()->set_display("Body weight");
  v1::Field* value = section->add_fields();
  value->set_name("Value");
  value->set_decimal(kg);
  return record;
}

const v1::Field* FindField(const v1::Record& record, const std::string& heading,
                           const std::string& name) {
  for (const auto& section : record.sections()) {
    if (section.heading() != heading) continue;
    for (const auto& field : section.fields()) {
      if (field.name() == name) return &field;
    }
  }
  return nullptr;
}

class AdapterFhirOutTest : public ::testing::Test {
 protected:
  void Publish(const std::vector<v1::Record>& records) {
    sdk::Publisher publisher(TestClient(endpoint_, "gp-riverside"));
    for (const auto& record : records) ASSERT_TRUE(publisher.Send(record).ok());
    auto outcomes = publisher.Flush(std::chrono::seconds(20));
    ASSERT_TRUE(outcomes.ok()) << outcomes.status().ToString();
    for (const auto& outcome : *outcomes) ASSERT_TRUE(outcome.status.ok()) << outcome.record_id;
  }

  void StartFhirOut(const std::string& fhir_base) {
    const std::string mapping = (region_.dir() / "dn-central-fhir-out.yaml").string();
    std::ofstream(mapping) << kOutMapping;
    out_log_ = (region_.dir() / "adapter-fhir-out.log").string();
    std::vector<std::string> argv = {TestRegion::Binary("adapter-fhir-out"),
                                     "--hub",
                                     endpoint_,
                                     "--agency",
                                     "dn-central",
                                     "--fhir-base",
                                     fhir_base,
                                     "--mapping",
                                     mapping,
                                     "--timeout-ms",
                                     "3000",
                                     "--retry-initial-ms",
                                     "200",
                                     "--retry-max-ms",
                                     "1000"};
    const std::vector<std::string> keys = region_.KeyFlags("dn-central");
    argv.insert(argv.end(), keys.begin(), keys.end());
    fhir_out_ = std::make_unique<ChildProcess>(argv, out_log_);
  }

  std::string OutLog() const { return fhir::test_util::ReadAll(out_log_); }

  TestRegion region_{"adapter-fhir-out", kAgencies, kRules, {}, "  max_attempts: 2\n"};
  std::string endpoint_ = region_.StartHub();
  std::string out_log_;
  std::unique_ptr<ChildProcess> fhir_out_;
};

TEST_F(AdapterFhirOutTest, RoundTripThroughAdapterFhirCarriesRecordsAndCorrections) {
  region_.StartSink("asc-county");
  // The hospital's own FHIR endpoint, as the recipient system.
  const std::string in_log = (region_.dir() / "adapter-fhir.log").string();
  std::vector<std::string> argv = {TestRegion::Binary("adapter-fhir"),
                                   "--hub",
                                   endpoint_,
                                   "--mapping",
                                   fhir::test_util::DemoMappingPath(),
                                   "--listen",
                                   "127.0.0.1:0",
                                   "--confirm-timeout-ms",
                                   "5000"};
  const std::vector<std::string> keys = region_.KeyFlags("hosp-general");
  argv.insert(argv.end(), keys.begin(), keys.end());
  ChildProcess fhir_in(argv, in_log);
  std::string log;
  ASSERT_TRUE(WaitFor(
      [&] {
        log = fhir::test_util::ReadAll(in_log);
        return log.find("listening on 127.0.0.1:") != std::string::npos;
      },
      kWait))
      << log;
  const auto port =
      static_cast<uint16_t>(std::stoi(log.substr(log.find("listening on 127.0.0.1:") + 23)));
  // adapter-fhir serves its resource types at the root.
  StartFhirOut("http://127.0.0.1:" + std::to_string(port));

  v1::Record amendment = Weight("gp-riverside:obs:1:v2", 74.5);
  amendment.set_amends("gp-riverside:obs:1");
  v1::Record retraction;
  retraction.set_record_id("gp-riverside:obs:1:withdrawn");
  retraction.set_source_agency("gp-riverside");
  retraction.set_record_type("observation.result");
  retraction.mutable_subject()->set_nhs_number(kNhsNumber);
  retraction.set_retracts("gp-riverside:obs:1");
  Publish({Weight("gp-riverside:obs:1", 72.5), amendment, retraction});

  std::vector<v1::Deliver> inbox;
  ASSERT_TRUE(WaitFor(
      [&] {
        inbox = region_.Inbox("asc-county");
        return inbox.size() >= 3;
      },
      kWait))
      << "social care got " << inbox.size() << "; see " << out_log_ << " and " << in_log;
  ASSERT_EQ(inbox.size(), 3u);
  const std::string base = "hosp-general:fhir:Observation/" + LogicalId("gp-riverside:obs:1");
  // The create and the amendment are both PUTs of the same resource: to adapter-fhir,
  // updates of it.
  for (int i = 0; i < 2; ++i) {
    const v1::Record& r = inbox[i].record();
    EXPECT_THAT(r.record_id(), HasSubstr(base + "/_update/")) << i;
    EXPECT_EQ(r.amends(), base) << i;
    EXPECT_EQ(r.record_type(), "observation.result");
    EXPECT_EQ(r.subject().nhs_number(), kNhsNumber);
    EXPECT_EQ(r.occurred_at().seconds(), 1718094600);
    const v1::Field* test = FindField(r, "Result", "Test");
    ASSERT_NE(test, nullptr) << i;
    EXPECT_EQ(test->coded().system(), "http://loinc.org");
    EXPECT_EQ(test->coded().code(), "29463-7");
    EXPECT_EQ(test->coded().display(), "Body weight");
    const v1::Field* value = FindField(r, "Result", "Value");
    ASSERT_NE(value, nullptr) << i;
    EXPECT_EQ(value->text(), i == 0 ? "72.5 kg" : "74.5 kg");
  }
  EXPECT_NE(inbox[0].record().record_id(), inbox[1].record().record_id());
  EXPECT_EQ(inbox[2].record().record_id(), base + "/_delete");
  EXPECT_EQ(inbox[2].record().retracts(), base);
  EXPECT_TRUE(WaitFor([&] { return region_.PendingDeliveries("dn-central") == 0; }, kWait));

  const std::string out = OutLog();
  EXPECT_THAT(out, HasSubstr("record gp-riverside:obs:1 from gp-riverside: PUT Observation/"));
  EXPECT_THAT(out, HasSubstr("record gp-riverside:obs:1:withdrawn from gp-riverside: DELETE"));
  EXPECT_THAT(out, Not(HasSubstr(kNhsNumber)));
  EXPECT_EQ(fhir_out_->Stop(SIGTERM), 0);
  EXPECT_EQ(fhir_in.Stop(SIGTERM), 0);
}

TEST_F(AdapterFhirOutTest, RetriesFailuresAndAcksOnlyOnceTheServerTakesTheRecord) {
  std::mutex mu;
  std::condition_variable released_cv;
  bool released = false;
  ScriptedFhirServer server([&](const SeenRequest&, int number) -> ScriptedAnswer {
    // Retry-After (1 s) is longer than the first backoff (200 ms) and within the cap.
    if (number == 1)
      return ScriptedAnswer::Status(503, R"({"resourceType": "OperationOutcome"})", "1");
    if (number == 2) return ScriptedAnswer::Drop();
    if (number == 3) {  // held until the test has seen that nothing was acked yet
      std::unique_lock lock(mu);
      released_cv.wait_for(lock, kWait, [&] { return released; });
    }
    return ScriptedAnswer::Status(201);
  });
  StartFhirOut("http://127.0.0.1:" + std::to_string(server.port()) + "/fhir");
  Publish({Weight("gp-riverside:obs:1", 72.5), Weight("gp-riverside:obs:2", 80)});

  ASSERT_TRUE(WaitFor([&] { return server.seen().size() >= 3; }, kWait)) << OutLog();
  EXPECT_EQ(region_.PendingDeliveries("dn-central"), 2u);  // neither acked while failing
  {
    std::lock_guard lock(mu);
    released = true;
  }
  released_cv.notify_all();
  ASSERT_TRUE(WaitFor([&] { return region_.PendingDeliveries("dn-central") == 0; }, kWait))
      << OutLog();
  const std::vector<SeenRequest> seen = server.seen();
  ASSERT_EQ(seen.size(), 4u) << OutLog();
  const std::string first = "/fhir/Observation/" + LogicalId("gp-riverside:obs:1");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(seen[i].method, "PUT") << i;
    EXPECT_EQ(seen[i].target, first) << i;
    EXPECT_EQ(seen[i].body, seen[0].body) << i;  // the same request each time
  }
  EXPECT_EQ(seen[3].target, "/fhir/Observation/" + LogicalId("gp-riverside:obs:2"));
  EXPECT_THAT(seen[0].body, HasSubstr(R"("valueQuantity":{"code":"kg")"));
  // The 503 kept its connection; the drop needed a new one.
  EXPECT_EQ(server.connections(), 2);
  const std::string log = OutLog();
  EXPECT_THAT(log, HasSubstr("record gp-riverside:obs:1: PUT Observation/"));
  EXPECT_THAT(log, HasSubstr("answered 503 (try 1); trying again in 1000 ms"));
  EXPECT_EQ(fhir_out_->Stop(SIGTERM), 0);
}

TEST_F(AdapterFhirOutTest, RefusalsGoToTheHubsDeadLettersAndLaterRecordsStillArrive) {
  ScriptedFhirServer server([&](const SeenRequest& request, int) -> ScriptedAnswer {
    if (request.body.find("gp-riverside:obs:bad") != std::string::npos) {
      return ScriptedAnswer::Status(422, R"({"resourceType": "OperationOutcome", "issue": [
          {"severity": "error", "code": "processing",
           "diagnostics": "Patient 9990000018 unknown"}]})");
    }
    return ScriptedAnswer::Status(201);
  });
  StartFhirOut("http://127.0.0.1:" + std::to_string(server.port()) + "/fhir");
  Publish({Weight("gp-riverside:obs:bad", 72.5), Weight("gp-riverside:obs:2", 80)});

  ASSERT_TRUE(WaitFor([&] { return region_.PendingDeliveries("dn-central") == 0; }, kWait))
      << OutLog();
  const std::vector<SeenRequest> seen = server.seen();
  // Refused, resent by the hub, refused again (max_attempts 2), then the next record.
  ASSERT_EQ(seen.size(), 3u) << OutLog();
  EXPECT_EQ(seen[0].body, seen[1].body);
  EXPECT_EQ(seen[2].target, "/fhir/Observation/" + LogicalId("gp-riverside:obs:2"));
  const std::string log = OutLog();
  EXPECT_THAT(log, HasSubstr("record gp-riverside:obs:bad from gp-riverside: FHIR server "
                             "answered 422 to PUT Observation/"));
  EXPECT_THAT(log, HasSubstr("(issues: processing)"));
  EXPECT_THAT(log, Not(HasSubstr("unknown")));
  EXPECT_THAT(region_.HubLog(), HasSubstr("gp-riverside:obs:bad"));
  EXPECT_EQ(fhir_out_->Stop(SIGTERM), 0);
}

TEST_F(AdapterFhirOutTest, WritesEveryRecordOnceInTheHubsOrder) {
  ScriptedFhirServer server([](const SeenRequest&, int) { return ScriptedAnswer::Status(201); });
  constexpr int kRecords = 300;
  std::vector<v1::Record> records;
  for (int i = 0; i < kRecords; ++i) {
    records.push_back(Weight("gp-riverside:obs:" + std::to_string(i), 60 + i % 40));
  }
  Publish(records);
  const auto start = std::chrono::steady_clock::now();
  StartFhirOut("http://127.0.0.1:" + std::to_string(server.port()));
  ASSERT_TRUE(WaitFor([&] { return region_.PendingDeliveries("dn-central") == 0; }, kWait,
                      std::chrono::milliseconds(100)))
      << OutLog();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::vector<SeenRequest> seen = server.seen();
  ASSERT_EQ(seen.size(), static_cast<size_t>(kRecords));
  for (int i = 0; i < kRecords; ++i) {
    ASSERT_EQ(seen[i].target, "/Observation/" + LogicalId("gp-riverside:obs:" + std::to_string(i)))
        << i;
  }
  EXPECT_EQ(server.connections(), 1);  // kept alive throughout
  std::printf("adapter-fhir-out: %d deliveries written and acked in %.2f s (%.0f/s)\n", kRecords,
              seconds, kRecords / seconds);
  EXPECT_EQ(fhir_out_->Stop(SIGTERM), 0);
}

}  // namespace
}  // namespace gallery::fhir_out
