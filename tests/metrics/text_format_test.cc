#include "hub/metrics/text_format.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace gallery::metrics {
namespace {

TEST(TextFormatTest, MetricNamesFollowPrometheusRules) {
  EXPECT_TRUE(IsMetricName("gallery_records_received_total"));
  EXPECT_TRUE(IsMetricName("job:rate5m"));
  EXPECT_FALSE(IsMetricName(""));
  EXPECT_FALSE(IsMetricName("9lives"));
  EXPECT_FALSE(IsMetricName("records-received"));
}

TEST(TextFormatTest, LabelNamesRefuseColonsAndTheReservedPrefix) {
  EXPECT_TRUE(IsLabelName("recipient"));
  EXPECT_FALSE(IsLabelName("job:x"));
  EXPECT_FALSE(IsLabelName("__name__"));
  EXPECT_FALSE(IsLabelName(""));
}

TEST(TextFormatTest, LabelValuesEscapeBackslashQuoteAndNewline) {
  EXPECT_EQ(QuoteLabelValue("gp-riverside"), "\"gp-riverside\"");
  EXPECT_EQ(QuoteLabelValue("a\\b\"c\nd"), "\"a\\\\b\\\"c\\nd\"");
}

TEST(TextFormatTest, HelpEscapesBackslashAndNewlineOnly) {
  EXPECT_EQ(EscapeHelp("say \"why\"\\\nnext"), "say \"why\"\\\\\\nnext");
}

TEST(TextFormatTest, ValuesPrintIntegersPlainAndSpecialValuesByName) {
  EXPECT_EQ(FormatValue(0), "0");
  EXPECT_EQ(FormatValue(42), "42");
  EXPECT_EQ(FormatValue(-3), "-3");
  EXPECT_EQ(FormatValue(0.25), "0.25");
  EXPECT_EQ(FormatValue(0.0001), "0.0001");
  EXPECT_EQ(FormatValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatValue(std::nan("")), "NaN");
}

TEST(TextFormatTest, LabelsAreRenderedInTheGivenOrderWithAnExtraPairLast) {
  EXPECT_EQ(FormatLabels({}, {}), "");
  EXPECT_EQ(FormatLabels({"source", "recipient"}, {"a", "b"}), "{source=\"a\",recipient=\"b\"}");
  EXPECT_EQ(FormatLabels({"recipient"}, {"b"}, "le", "0.5"), "{recipient=\"b\",le=\"0.5\"}");
  EXPECT_EQ(FormatLabels({}, {}, "le", "+Inf"), "{le=\"+Inf\"}");
}

}  // namespace
}  // namespace gallery::metrics
