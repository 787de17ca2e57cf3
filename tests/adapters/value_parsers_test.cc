#include "adapters/csv/value_parsers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/csv/text_util.h"

namespace gallery::csv {
namespace {

using ::testing::HasSubstr;
using ::testing::Optional;

TEST(ValueParsersTest, IntegerAcceptsOneSignAndDigitsOnly) {
  EXPECT_THAT(ParseInteger("42"), Optional(42));
  EXPECT_THAT(ParseInteger("-7"), Optional(-7));
  EXPECT_THAT(ParseInteger("+7"), Optional(7));
  EXPECT_THAT(ParseInteger("9223372036854775807"), Optional(INT64_MAX));
  for (const char* bad :
       {"", "+", "-", "+-1", "++1", "1.0", "1,000", " 1", "1e3", "0x10", "9223372036854775808"}) {
    EXPECT_FALSE(ParseInteger(bad).has_value()) << bad;
  }
}

TEST(ValueParsersTest, DecimalAcceptsPlainNumbersButNotInfinityOrHex) {
  EXPECT_THAT(ParseDecimal("12.5"), Optional(12.5));
  EXPECT_THAT(ParseDecimal("-0.25"), Optional(-0.25));
  EXPECT_THAT(ParseDecimal("+3"), Optional(3.0));
  EXPECT_THAT(ParseDecimal(".5"), Optional(0.5));
  EXPECT_THAT(ParseDecimal("1e3"), Optional(1000.0));
  for (const char* bad : {"", ".", "inf", "nan", "0x1p3", "1.2.3", "1e", "12 ", "1e999", "--1"}) {
    EXPECT_FALSE(ParseDecimal(bad).has_value()) << bad;
  }
}

TEST(ValueParsersTest, BooleanAcceptsTheDocumentedWordsInAnyCase) {
  for (const char* yes : {"yes", "Y", "TRUE", "1", "Yes"}) {
    EXPECT_THAT(ParseBoolean(yes), Optional(true)) << yes;
  }
  for (const char* no : {"no", "N", "False", "0"}) {
    EXPECT_THAT(ParseBoolean(no), Optional(false)) << no;
  }
  for (const char* bad : {"", "maybe", "2", "on", "yes "}) {
    EXPECT_FALSE(ParseBoolean(bad).has_value()) << bad;
  }
}

TEST(ValueParsersTest, TrimBlankDropsOuterSpacesAndTabs) {
  EXPECT_EQ(TrimBlank(" \t a b \t"), "a b");
  EXPECT_EQ(TrimBlank("   "), "");
}

TEST(DateFormatTest, ReadsUkDayMonthYear) {
  auto format = DateFormat::Compile("%d/%m/%Y");
  ASSERT_TRUE(format.ok()) << format.status().ToString();
  auto parts = format->Parse("05/12/1993");
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ(parts->IsoDate(), "1993-12-05");
  EXPECT_EQ(format->Parse("5/2/1993")->IsoDate(), "1993-02-05");
}

TEST(DateFormatTest, RefusesImpossibleDatesAndTrailingText) {
  auto format = DateFormat::Compile("%d/%m/%Y");
  ASSERT_TRUE(format.ok());
  EXPECT_TRUE(format->Parse("29/02/2024").has_value());  // leap year
  for (const char* bad : {"29/02/2023", "31/04/2020", "00/01/2020", "01/13/2020", "1/1/20",
                          "01/01/2020 ", "01-01-2020", "", "2020-01-01"}) {
    EXPECT_FALSE(format->Parse(bad).has_value()) << bad;
  }
}

TEST(DateFormatTest, CompactDigitsAreSplitGreedily) {
  auto format = DateFormat::Compile("%d%m%Y");
  ASSERT_TRUE(format.ok());
  EXPECT_EQ(format->Parse("05121993")->IsoDate(), "1993-12-05");
}

TEST(DateFormatTest, MonthNamesInAnyCase) {
  auto abbreviated = DateFormat::Compile("%d %b %Y");
  ASSERT_TRUE(abbreviated.ok());
  EXPECT_EQ(abbreviated->Parse("3 SEP 1941")->IsoDate(), "1941-09-03");
  auto full = DateFormat::Compile("%d %B %Y");
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->Parse("3 september 1941")->IsoDate(), "1941-09-03");
  EXPECT_FALSE(full->Parse("3 Sept 1941").has_value());
}

TEST(DateFormatTest, DateOnlyTimestampIsUtcMidnight) {
  auto format = DateFormat::Compile("%Y-%m-%d");
  ASSERT_TRUE(format.ok());
  EXPECT_EQ(format->Parse("1970-01-02")->ToTimestamp().seconds(), 86400);
  EXPECT_EQ(format->Parse("2024-03-01")->ToTimestamp().seconds(), 1709251200);
}

TEST(DateFormatTest, TimeAndOffsetGiveTheInstant) {
  auto format = DateFormat::Compile("%Y-%m-%dT%H:%M:%S%z");
  ASSERT_TRUE(format.ok()) << format.status().ToString();
  EXPECT_EQ(format->Parse("2019-02-17T05:07:38Z")->ToTimestamp().seconds(), 1550380058);
  EXPECT_EQ(format->Parse("2019-02-17T06:07:38+01:00")->ToTimestamp().seconds(), 1550380058);
  EXPECT_EQ(format->Parse("2019-02-17T04:07:38-0100")->ToTimestamp().seconds(), 1550380058);
  EXPECT_FALSE(format->Parse("2019-02-17T24:00:00Z").has_value());
  EXPECT_FALSE(format->Parse("2019-02-17T05:07:38").has_value());
}

TEST(DateFormatTest, LiteralPercentIsMatched) {
  auto format = DateFormat::Compile("%Y%%%m%%%d");
  ASSERT_TRUE(format.ok());
  EXPECT_EQ(format->Parse("2020%01%31")->IsoDate(), "2020-01-31");
}

TEST(DateFormatTest, CompileRefusesBadFormats) {
  EXPECT_THAT(DateFormat::Compile("%d/%m/%y").status().message(),
              HasSubstr("unknown directive '%y'"));
  EXPECT_THAT(DateFormat::Compile("%d/%m/%Y%").status().message(), HasSubstr("lone '%'"));
  EXPECT_THAT(DateFormat::Compile("%d/%m/%Y %d").status().message(),
              HasSubstr("'%d' appears twice"));
  EXPECT_THAT(DateFormat::Compile("%d %b %m %Y").status().message(), HasSubstr("twice"));
  EXPECT_THAT(DateFormat::Compile("%m/%Y").status().message(),
              HasSubstr("needs a year (%Y), a month (%m, %b or %B) and a day (%d)"));
  EXPECT_EQ(DateFormat::Compile("").status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace gallery::csv
