// adapter-fhir end to end: a real hubd and adapter-sink (tests/integration/test_region.h),
// the adapter process, and FHIR clients over real HTTP on loopback (Boost.Beast). Status
// codes, Location and OperationOutcome bodies are checked, and what reaches the sink's
// inbox, redacted by the region's rule.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

// Boost 1.74's Asio uses std::exchange without including <utility>.
#include <utility>  // NOLINT(build/include_order)

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "gallery/v1/wire.pb.h"
#include "tests/adapters/fhir/fhir_test_util.h"
#include "tests/integration/child_process.h"
#include "tests/integration/test_region.h"

namespace gallery::fhir {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using gallery::testing::ChildProcess;
using gallery::testing::TestRegion;
using gallery::testing::WaitFor;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

constexpr auto kWait = std::chrono::seconds(15);

constexpr const char* kAgencies =
    R"(  - {id: hosp-general, name: General Hospital, kind: hospital}
  - {id: asc-county, name: County Adult Social Care, kind: adult-social-care}
)";

// Social care learns of patients, encounters and results, but sees the Encounter section
// and the surname only.
constexpr const char* kRules = R"(protocol: adapter-fhir-test
version: 1
rules:
  - id: hospital-to-social-care
    from: [hosp-general]
    types: ["patient.*", "encounter.*", "observation.*"]
    to: [asc-county]
    include: ["Encounter", "@subject/family_name"]
)";

struct Response {
  int status = 0;
  std::string body;
  std::string location;
  std::string retry_after;
  json Json() const { return json::parse(body, nullptr, false); }
};

// One request on a new connection; every step bounded by `timeout`. nullopt when no
// answer came.
std::optional<Response> Send(uint16_t port, http::verb verb, const std::string& target,
                             const std::string& body,
                             const std::string& content_type = "application/fhir+json") {
  asio::io_context io;
  beast::tcp_stream stream(io);
  http::request<http::string_body> request{verb, target, 11};
  request.set(http::field::host, "127.0.0.1");
  if (!content_type.empty()) request.set(http::field::content_type, content_type);
  request.body() = body;
  request.prepare_payload();
  http::response<http::string_body> response;
  beast::flat_buffer buffer;
  bool answered = false;
  stream.expires_after(kWait);
  stream.async_connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                       [&](beast::error_code ec) {
                         if (ec) return;
                         http::async_write(stream, request, [&](beast::error_code, size_t) {
                           // A refusal may come before the whole body is written (413): read
                           // regardless.
                           http::async_read(
                               stream, buffer, response,
                               [&](beast::error_code rec, size_t) { answered = !rec; });
                         });
                       });
  io.run_for(kWait + std::chrono::seconds(1));
  if (!answered) return std::nullopt;
  Response out;
  out.status = static_cast<int>(response.result_int());
  out.body = response.body();
  out.location = std::string(response[http::field::location]);
  out.retry_after = std::string(response[http::field::retry_after]);
  return out;
}

// The first issue of an OperationOutcome body.
json FirstIssue(const Response& r) {
  const json body = r.Json();
  if (!body.is_object()) {
    ADD_FAILURE() << "not a JSON object: " << r.body;
    return json::object();
  }
  EXPECT_EQ(body.value("resourceType", ""), "OperationOutcome") << r.body;
  return body.contains("issue") && !body["issue"].empty() ? body["issue"][0] : json::object();
}

json Encounter(const std::string& subject_reference, const std::string& status) {
  return {
      {"resourceType", "Encounter"},
      {"status", status},
      {"class", {{"system", "http://terminology.hl7.org/CodeSystem/v3-ActCode"}, {"code", "IMP"}}},
      {"subject", {{"reference", subject_reference}}},
      {"period", {{"start", "2024-06-11T09:30:00+01:00"}}}};
}

json Entry(const std::string& full_url, json resource, const std::string& method,
           const std::string& url) {
  json entry = {{"resource", std::move(resource)}, {"request", {{"method", method}, {"url", url}}}};
  if (!full_url.empty()) entry["fullUrl"] = full_url;
  return entry;
}

class AdapterFhirTest : public ::testing::Test {
 protected:
  void StartAdapter(const std::string& endpoint) {
    log_ = (region_.dir() / "adapter-fhir.log").string();
    std::vector<std::string> argv = {TestRegion::Binary("adapter-fhir"), "--hub", endpoint, "--mapping",
                                     test_util::DemoMappingPath(), "--listen", "127.0.0.1:0",
                                     "--confirm-timeout-ms", "3000", "--request-timeout-ms", "1500",
                                     "--max-body-bytes", "65536", "--retry-after-s", "7"};
    const std::vector<std::string> keys = region_.KeyFlags("hosp-general");
    argv.insert(argv.end(), keys.begin(), keys.end());
    adapter_ = std::make_unique<ChildProcess>(argv, log_);
    std::string log;
    ASSERT_TRUE(WaitFor(
        [&] {
          log = test_util::ReadAll(log_);
          return log.find("listening on 127.0.0.1:") != std::string::npos;
        },
        kWait))
        << log;
    const size_t at = log.find("listening on 127.0.0.1:") + 23;
    port_ = static_cast<uint16_t>(std::stoi(log.substr(at)));
  }

  Response Do(http::verb verb, const std::string& target, const std::string& body,
              const std::string& content_type = "application/fhir+json") {
    auto r = Send(port_, verb, target, body, content_type);
    EXPECT_TRUE(r.has_value()) << "no answer to " << target << "; see " << log_;
    return r.value_or(Response{});
  }
  Response Post(const std::string& target, const json& body) {
    return Do(http::verb::post, target, body.dump());
  }

  TestRegion region_{"adapter-fhir", kAgencies, kRules};
  std::string log_;
  std::unique_ptr<ChildProcess> adapter_;
  uint16_t port_ = 0;
};

TEST_F(AdapterFhirTest, AnswersOnlyWhatTheHubHasAndDeliversItRedacted) {
  const std::string endpoint = region_.StartHub();
  region_.StartSink("asc-county");
  StartAdapter(endpoint);

  const json patient = test_util::TestPatient("p1", "9990000018");
  Response created = Post("/Patient", patient);
  EXPECT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.location, "Patient/p1");
  EXPECT_THAT(FirstIssue(created).value("diagnostics", ""),
              HasSubstr("record hosp-general:fhir:Patient/p1"));
  // A resend is the same record: created again, stored once.
  EXPECT_EQ(Post("/Patient", patient).status, 201);

  // A wrong check digit is the client's to fix: 422 naming the element, never the value.
  Response bad = Post("/Patient", test_util::TestPatient("p2", "9990000019"));
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(FirstIssue(bad)["expression"], json::array({"Patient.identifier[0].value"}));
  EXPECT_THAT(bad.body, Not(HasSubstr("9990000019")));
  Response not_json = Do(http::verb::post, "/Patient", "{\"resourceType\":");
  EXPECT_EQ(not_json.status, 400);
  EXPECT_EQ(FirstIssue(not_json)["code"], "structure");
  Response searchset = Post("/", json::parse(test_util::ReadAll(test_util::UpstreamPath(
                                     "nhs-pds__PatientSearch_searchset.json"))));
  EXPECT_EQ(searchset.status, 422);
  EXPECT_EQ(FirstIssue(searchset)["expression"], json::array({"Bundle.type"}));
  Response too_large = Do(http::verb::post, "/Patient", std::string(70000, ' '));
  EXPECT_EQ(too_large.status, 413);
  EXPECT_EQ(FirstIssue(too_large)["code"], "too-costly");
  EXPECT_EQ(Do(http::verb::get, "/Patient/p1", "", "").status, 405);
  for (const auto& file :
       std::filesystem::directory_iterator(test_util::SourcePath("tests/testdata/fhir/upstream"))) {
    if (file.path().extension() != ".xml") continue;
    Response xml =
        Do(http::verb::post, "/", test_util::ReadAll(file.path().string()), "application/fhir+xml");
    EXPECT_EQ(xml.status, 415) << file.path();
    EXPECT_EQ(FirstIssue(xml)["code"], "not-supported");
  }

  // A transaction: a new Patient and its Encounter and Observation, linked by urn:uuid.
  const std::string pat = "urn:uuid:0b9a2d5e-0000-4000-8000-000000000001";
  json new_patient = test_util::TestPatient("unused", "9990000026");
  new_patient.erase("id");
  json observation = {{"resourceType", "Observation"},
                      {"status", "final"},
                      {"code", {{"text", "Weight"}}},
                      {"subject", {{"reference", pat}}},
                      {"valueQuantity", {{"value", 60}, {"unit", "kg"}}}};
  const json transaction = {{"resourceType", "Bundle"},
                            {"type", "transaction"},
                            {"entry",
                             {Entry(pat, new_patient, "POST", "Patient"),
                              Entry("urn:uuid:0b9a2d5e-0000-4000-8000-000000000002",
                                    Encounter(pat, "in-progress"), "POST", "Encounter"),
                              Entry("urn:uuid:0b9a2d5e-0000-4000-8000-000000000003", observation,
                                    "POST", "Observation")}}};
  Response tx = Post("/", transaction);
  ASSERT_EQ(tx.status, 200) << tx.body;
  const json tx_body = tx.Json();
  EXPECT_EQ(tx_body["type"], "transaction-response");
  ASSERT_EQ(tx_body["entry"].size(), 3u);
  EXPECT_EQ(tx_body["entry"][1]["response"]["status"], "201 Created");
  EXPECT_EQ(tx_body["entry"][1]["response"]["location"],
            "Encounter/0b9a2d5e-0000-4000-8000-000000000002");

  // An update amends, a delete retracts; both answer 200 with the resource's location.
  json update = Encounter("Patient/p1", "finished");
  update["id"] = "0b9a2d5e-0000-4000-8000-000000000002";
  update["subject"] = {
      {"identifier", {{"system", "https://fhir.nhs.uk/Id/nhs-number"}, {"value", "9990000026"}}}};
  Response updated =
      Do(http::verb::put, "/Encounter/0b9a2d5e-0000-4000-8000-000000000002", update.dump());
  EXPECT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(updated.location, "Encounter/0b9a2d5e-0000-4000-8000-000000000002");
  Response deleted =
      Do(http::verb::delete_, "/Encounter/0b9a2d5e-0000-4000-8000-000000000002", "", "");
  EXPECT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(Do(http::verb::delete_, "/Encounter/never-sent", "", "").status, 422);

  // One unmappable entry fails a transaction before anything is published...
  json failing = transaction;
  failing["entry"][0]["fullUrl"] = "urn:uuid:0b9a2d5e-0000-4000-8000-000000000009";
  failing["entry"][0]["resource"]["identifier"][0]["value"] = "9990000019";
  failing["entry"][1]["fullUrl"] = "urn:uuid:0b9a2d5e-0000-4000-8000-00000000000a";
  Response failed = Post("/", failing);
  EXPECT_EQ(failed.status, 422);
  EXPECT_EQ(FirstIssue(failed)["expression"],
            json::array({"Bundle.entry[0].resource.identifier[0].value"}));
  // ... while a batch answers per entry.
  json batch = {{"resourceType", "Bundle"},
                {"type", "batch"},
                {"entry",
                 {Entry("", test_util::TestPatient("p3", "9990000019"), "POST", "Patient"),
                  Entry("", test_util::TestPatient("p4", "9990000034"), "POST", "Patient")}}};
  Response batched = Post("/", batch);
  ASSERT_EQ(batched.status, 200) << batched.body;
  EXPECT_EQ(batched.Json()["entry"][0]["response"]["status"], "422 Unprocessable Entity");
  EXPECT_EQ(batched.Json()["entry"][1]["response"]["status"], "201 Created");

  // p1, the transaction's 3, the update, the delete, p4.
  ASSERT_TRUE(WaitFor(
      [&] { return region_.JournaledRecords() == 7 && region_.PendingDeliveries() == 0; }, kWait))
      << "see " << region_.dir();
  region_.StopSinks();
  std::vector<std::string> ids;
  std::map<std::string, v1::Record> inbox;
  for (const v1::Deliver& d : region_.Inbox("asc-county")) {
    const v1::Record& r = d.record();
    ids.push_back(r.record_id());
    inbox[r.record_id()] = r;
    // Updates and deletes here name their subject by NHS number only.
    if (r.subject().has_demographics()) {
      EXPECT_EQ(r.subject().demographics().family_name(), "Smith") << r.record_id();
    }
    EXPECT_EQ(r.subject().demographics().given_name(), "");
    EXPECT_EQ(r.subject().demographics().postcode(), "");
    EXPECT_EQ(r.subject().demographics().birth_date(), "");
    for (const auto& section : r.sections()) EXPECT_EQ(section.heading(), "Encounter");
  }
  EXPECT_EQ(inbox.size(), 7u);
  // The transaction arrives as its three records, each redacted by the rule.
  const std::string prefix = "hosp-general:fhir:";
  const std::string enc = prefix + "Encounter/0b9a2d5e-0000-4000-8000-000000000002";
  const std::string obs = prefix + "Observation/0b9a2d5e-0000-4000-8000-000000000003";
  const std::string pat_id = prefix + "Patient/0b9a2d5e-0000-4000-8000-000000000001";
  ASSERT_TRUE(inbox.count(pat_id) && inbox.count(enc) && inbox.count(obs));
  EXPECT_EQ(inbox[pat_id].record_type(), "patient.demographics");
  EXPECT_EQ(inbox[enc].record_type(), "encounter.inpatient");
  EXPECT_EQ(inbox[enc].subject().nhs_number(), "9990000026");
  EXPECT_EQ(inbox[enc].subject().demographics().family_name(), "Smith");
  ASSERT_EQ(inbox[enc].sections_size(), 1);
  EXPECT_EQ(inbox[obs].record_type(), "observation.result");
  EXPECT_EQ(inbox[obs].sections_size(), 0);  // Result withheld by the rule
  // The update and the delete follow the encounter they amend and retract.
  std::vector<std::string> encounter_ids;
  for (const auto& id : ids) {
    if (id.rfind(enc, 0) == 0) encounter_ids.push_back(id);
  }
  ASSERT_EQ(encounter_ids.size(), 3u);
  EXPECT_EQ(encounter_ids[0], enc);
  EXPECT_EQ(inbox[encounter_ids[1]].amends(), enc);
  EXPECT_EQ(encounter_ids[2], enc + "/_delete");
  EXPECT_EQ(inbox[encounter_ids[2]].retracts(), enc);

  // Logs carry ids, never patient values.
  const std::string log = test_util::ReadAll(log_);
  EXPECT_THAT(log,
              HasSubstr("record hosp-general:fhir:Patient/p1 of agency hosp-general confirmed"));
  for (const char* value : {"Smith", "9990000018", "9990000019", "LT1 2AB", "1945-03-12"}) {
    EXPECT_THAT(log, Not(HasSubstr(value))) << value;
  }
  EXPECT_EQ(adapter_->Stop(SIGTERM), 0);
}

TEST_F(AdapterFhirTest, HubUnavailableMeans503WithRetryAfter) {
  const std::string endpoint = region_.StartHub();
  StartAdapter(endpoint);
  EXPECT_EQ(Post("/Patient", test_util::TestPatient("up", "9990000018")).status, 201);
  region_.StopHub(SIGKILL);
  const auto started = std::chrono::steady_clock::now();
  Response down = Post("/Patient", test_util::TestPatient("down", "9990000026"));
  EXPECT_EQ(down.status, 503);
  EXPECT_EQ(down.retry_after, "7");
  EXPECT_EQ(FirstIssue(down)["code"], "transient");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  // The record is still on its way: once the hub is back, the client's retry is confirmed.
  region_.StartHub(endpoint);
  EXPECT_TRUE(WaitFor(
      [&] { return Post("/Patient", test_util::TestPatient("down", "9990000026")).status == 201; },
      std::chrono::seconds(30), std::chrono::milliseconds(200)));
  EXPECT_EQ(adapter_->Stop(SIGTERM), 0);
}

TEST_F(AdapterFhirTest, IncompleteRequestIsClosedAfterTheRequestTimeout) {
  const std::string endpoint = region_.StartHub();
  StartAdapter(endpoint);
  asio::io_context io;
  beast::tcp_stream stream(io);
  bool closed = false;
  std::array<char, 64> scratch{};
  const std::string partial = "POST /Patient HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{";
  stream.expires_after(std::chrono::seconds(10));
  stream.async_connect(
      asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_),
      [&](beast::error_code ec) {
        ASSERT_FALSE(ec);
        asio::async_write(stream, asio::buffer(partial), [&](beast::error_code, size_t) {
          stream.async_read_some(asio::buffer(scratch), [&](beast::error_code rec, size_t) {
            closed = rec == asio::error::eof || rec == asio::error::connection_reset;
          });
        });
      });
  io.run_for(std::chrono::seconds(11));
  EXPECT_TRUE(closed);
  EXPECT_TRUE(WaitFor(
      [&] {
        return test_util::ReadAll(log_).find("no complete request within 1500 ms") !=
               std::string::npos;
      },
      kWait));
  EXPECT_EQ(adapter_->Stop(SIGTERM), 0);
}

TEST(AdapterFhirCheckTest, CheckReportsEveryFileAndPublishesNothing) {
  const std::string out_path = ::testing::TempDir() + "fhir_check_" + std::to_string(::getpid());
  const std::string command = TestRegion::Binary("adapter-fhir") + " --mapping '" +
                              test_util::SourcePath("tests/testdata/fhir/fixtures.yaml") +
                              "' --check '" +
                              test_util::UpstreamPath("nhs-pds__patient_9000000009.json") + "' '" +
                              test_util::UpstreamPath("nhs-pds__PatientSearch_searchset.json") +
                              "' >'" + out_path + "' 2>&1";
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
  const std::string out = test_util::ReadAll(out_path);
  std::remove(out_path.c_str());
  EXPECT_THAT(out, HasSubstr("nhs-pds__patient_9000000009.json: Patient/9000000009: record "
                             "sample-fhir:Patient/9000000009 (patient.demographics)"));
  EXPECT_THAT(out, HasSubstr("nhs-pds__PatientSearch_searchset.json: refused (422): Bundle.type: "
                             "a searchset Bundle is not a transaction or batch"));
}

}  // namespace
}  // namespace gallery::fhir
