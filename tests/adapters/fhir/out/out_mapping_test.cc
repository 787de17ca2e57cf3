// The outbound FHIR mapping loader (every error at its file:line:col), the demo region's
// outbound mapping, what an answer means for its delivery, and --fhir-base.
#include "adapters/fhir/out/out_mapping.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/fhir/out/answer_outcome.h"
#include "adapters/fhir/out/fhir_client.h"

namespace gallery::fhir_out {
namespace {

using ::testing::HasSubstr;

TEST(OutMappingTest, LoadsRulesAndTheFallback) {
  auto mapping = ParseOutMapping(R"(record_types:
  observation.result:
    resource: Observation
    retraction: entered-in-error
    occurred_at: "effective[x]"
    set: {status: preliminary}
    fields:
      - {field: Result/Value, element: "value[x]", unit: kg}
      - {field: Result/Test, element: code, as: coding}
  "*": {resource: QuestionnaireResponse}
)",
                                 "out.yaml");
  ASSERT_TRUE(mapping.ok()) << mapping.status().ToString();
  const ResourceRule* rule = (*mapping)->Find("observation.result");
  ASSERT_NE(rule, nullptr);
  EXPECT_EQ(rule->resource, ResourceType::kObservation);
  EXPECT_EQ(rule->retraction, Retraction::kEnteredInError);
  EXPECT_EQ(rule->occurred_at, "effective[x]");
  EXPECT_EQ(rule->set["status"], "preliminary");
  ASSERT_EQ(rule->fields.size(), 2u);
  EXPECT_EQ(rule->fields[0].heading, "Result");
  EXPECT_EQ(rule->fields[0].field, "Value");
  EXPECT_EQ(rule->fields[0].unit, "kg");
  EXPECT_EQ(rule->fields[1].as, ValueAs::kCoding);
  const ResourceRule* other = (*mapping)->Find("assessment.single");
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(other->resource, ResourceType::kQuestionnaireResponse);
}

TEST(OutMappingTest, WithoutAFallbackOtherTypesHaveNoRule) {
  auto mapping = ParseOutMapping("record_types: {a.b: {resource: Condition}}", "m.yaml");
  ASSERT_TRUE(mapping.ok()) << mapping.status().ToString();
  EXPECT_EQ((*mapping)->Find("c.d"), nullptr);
}

TEST(OutMappingTest, ReportsEveryMistakeAtItsPlace) {
  auto mapping = ParseOutMapping(R"(record_types:
  observation.result:
    resource: Observaton
    retraction: erase
    colour: blue
    fields:
      - {field: Result, element: code}
      - {field: Result/Value, element: "value[y]"}
      - {field: Result/Test, element: code, as: concept}
      - {field: result/test, element: code}
  Not A Type: {resource: Condition}
  encounter.x: {}
)",
                                 "bad.yaml");
  ASSERT_FALSE(mapping.ok());
  const std::string m = mapping.status().message();
  EXPECT_THAT(m, HasSubstr("bad.yaml:3:15: 'resource' must be one of: Observation"));
  EXPECT_THAT(m, HasSubstr("bad.yaml:4:17: 'retraction' must be one of: delete, entered-in-error"));
  EXPECT_THAT(m, HasSubstr("bad.yaml:5:5: unknown key 'colour'"));
  EXPECT_THAT(m, HasSubstr("bad.yaml:7:17: 'field' must be Heading/Field"));
  EXPECT_THAT(m, HasSubstr("bad.yaml:8:40: 'value[y]' is not an element path"));
  EXPECT_THAT(m, HasSubstr("bad.yaml:9:49: 'as' must be one of: auto, code, coding, string"));
  EXPECT_THAT(m, HasSubstr("bad.yaml:10:9: field 'result/test' is mapped twice"));
  EXPECT_THAT(m, HasSubstr("bad.yaml:11:3: 'Not A Type' is not a record type"));
  EXPECT_THAT(m, HasSubstr("bad.yaml:12:16: missing required key 'resource'"));
}

TEST(OutMappingTest, TheDemoMappingLoads) {
  auto mapping = LoadOutMapping(std::string(GALLERY_SOURCE_DIR) +
                                "/deploy/demo/mappings/fhir/dn-central-fhir-out.yaml");
  ASSERT_TRUE(mapping.ok()) << mapping.status().ToString();
  EXPECT_NE((*mapping)->Find("observation.result"), nullptr);
  EXPECT_NE((*mapping)->Find("assessment.single"), nullptr);
  EXPECT_FALSE(LoadOutMapping("/nonexistent/out.yaml").ok());
}

TEST(AnswerOutcomeTest, SuccessAcksThrottlingAndServerErrorsRetryTheRestIsRefused) {
  EXPECT_EQ(OutcomeOf(200, "PUT"), Outcome::kDone);
  EXPECT_EQ(OutcomeOf(201, "PUT"), Outcome::kDone);
  EXPECT_EQ(OutcomeOf(204, "DELETE"), Outcome::kDone);
  EXPECT_EQ(OutcomeOf(404, "DELETE"), Outcome::kDone);  // already gone
  EXPECT_EQ(OutcomeOf(410, "DELETE"), Outcome::kDone);
  EXPECT_EQ(OutcomeOf(404, "PUT"), Outcome::kRefused);
  EXPECT_EQ(OutcomeOf(429, "PUT"), Outcome::kRetry);
  EXPECT_EQ(OutcomeOf(500, "PUT"), Outcome::kRetry);
  EXPECT_EQ(OutcomeOf(503, "DELETE"), Outcome::kRetry);
  EXPECT_EQ(OutcomeOf(400, "PUT"), Outcome::kRefused);
  EXPECT_EQ(OutcomeOf(422, "PUT"), Outcome::kRefused);
  EXPECT_EQ(OutcomeOf(302, "PUT"), Outcome::kRefused);
}

TEST(AnswerOutcomeTest, IssueCodesAreReadWithoutDiagnostics) {
  EXPECT_EQ(IssueCodes(R"({"resourceType": "OperationOutcome", "issue": [
      {"severity": "error", "code": "required", "diagnostics": "NHS number 9990000018"},
      {"severity": "error", "code": "Bad Code 9990000018"},
      {"severity": "error", "code": "code-invalid"}]})"),
            "required,?,code-invalid");
  EXPECT_EQ(IssueCodes("not json"), "");
  EXPECT_EQ(IssueCodes(R"({"resourceType": "Patient"})"), "");
  EXPECT_EQ(IssueCodes(""), "");
}

TEST(AnswerOutcomeTest, BackoffDoublesUpToItsCap) {
  Backoff backoff(std::chrono::milliseconds(100), std::chrono::milliseconds(350));
  EXPECT_EQ(backoff.Next().count(), 100);
  EXPECT_EQ(backoff.Next().count(), 200);
  EXPECT_EQ(backoff.Next().count(), 350);
  EXPECT_EQ(backoff.Next().count(), 350);
  backoff.Reset();
  EXPECT_EQ(backoff.Next().count(), 100);
}

TEST(AnswerOutcomeTest, RetryAfterIsTakenInSecondsOnly) {
  EXPECT_EQ(RetryAfter("120"), std::chrono::milliseconds(120000));
  EXPECT_EQ(RetryAfter("0"), std::chrono::milliseconds(0));
  EXPECT_EQ(RetryAfter(""), std::nullopt);
  EXPECT_EQ(RetryAfter("Wed, 21 Oct 2015 07:28:00 GMT"), std::nullopt);
  EXPECT_EQ(RetryAfter("-5"), std::nullopt);
  EXPECT_EQ(RetryAfter("86401"), std::nullopt);
}

TEST(FhirBaseTest, ParsesHttpUrlsOnly) {
  auto base = ParseBaseUrl("http://127.0.0.1:8080/fhir/r4/");
  ASSERT_TRUE(base.ok());
  EXPECT_EQ(base->host, "127.0.0.1");
  EXPECT_EQ(base->port, 8080);
  EXPECT_EQ(base->path, "/fhir/r4");
  auto plain = ParseBaseUrl("http://fhir.example");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->port, 80);
  EXPECT_EQ(plain->path, "");
  for (const char* bad : {"https://fhir.example", "127.0.0.1:8080", "http://:80", "http://h:0",
                          "http://h:99999", "http://h/p?x=1", "http://u@h"}) {
    auto parsed = ParseBaseUrl(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().message(), "--fhir-base must be http://HOST[:PORT][/PATH]");
  }
}

}  // namespace
}  // namespace gallery::fhir_out
