#include "hub/common/nhs_number.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace gallery {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The nine synthetic numbers of the UK FCI test data set (ukfci testdata-9-valid-nhs-numbers),
// all in the 999 range that is never issued to real people.
const std::vector<std::string> kValid = {"9990000018", "9990000026", "9990000034",
                                         "9990000042", "9990000050", "9990000069",
                                         "9990000077", "9990000085", "9990000093"};

TEST(NhsNumberTest, AcceptsTheNineSyntheticTestNumbers) {
  for (const std::string& n : kValid) EXPECT_TRUE(ValidateNhsNumber(n).ok()) << n;
}

TEST(NhsNumberTest, AcceptsNumbersWhoseCheckDigitWrapsToZeroOrIsOtherwiseCorrect) {
  EXPECT_TRUE(ValidateNhsNumber("4010232137").ok());
  EXPECT_TRUE(ValidateNhsNumber("9434765919").ok());
  // Weighted sum 0: 11 - 0 = 11, which stands for check digit 0.
  EXPECT_TRUE(ValidateNhsNumber("0000000000").ok());
}

TEST(NhsNumberTest, RejectsAWrongCheckDigitWithoutQuotingTheNumber) {
  const Status status = ValidateNhsNumber("9990000019");
  EXPECT_EQ(status.code(), Code::kInvalidArgument);
  EXPECT_EQ(status.message(), "check digit does not match");
  EXPECT_THAT(status.message(), Not(HasSubstr("999")));
}

TEST(NhsNumberTest, RejectsNumbersWhoseCheckDigitWouldBeTen) {
  // 6 * 2 = 12, remainder 1, 11 - 1 = 10: no digit can be right.
  for (const char* n : {"0000000060", "0000000061", "0000000069"}) {
    const Status status = ValidateNhsNumber(n);
    EXPECT_EQ(status.code(), Code::kInvalidArgument) << n;
    EXPECT_THAT(status.message(), HasSubstr("no check digit possible")) << n;
  }
}

TEST(NhsNumberTest, RejectsWrongLengths) {
  for (const char* n : {"", "999000001", "99900000188", "999 000 0018"}) {
    const Status status = ValidateNhsNumber(n);
    EXPECT_EQ(status.code(), Code::kInvalidArgument) << n;
    EXPECT_THAT(status.message(), HasSubstr("exactly 10 digits")) << n;
  }
}

TEST(NhsNumberTest, RejectsLettersAndOtherCharacters) {
  for (const char* n : {"999000001A", "A990000018", "999-000-01", "99900000\xd9\xa1"}) {
    const Status status = ValidateNhsNumber(n);
    EXPECT_EQ(status.code(), Code::kInvalidArgument) << n;
    EXPECT_THAT(status.message(), HasSubstr("only the digits")) << n;
  }
}

TEST(NhsNumberTest, NormaliseStripsSpacesAndHyphensOnly) {
  EXPECT_EQ(NormaliseNhsNumber("999 000 0018"), "9990000018");
  EXPECT_EQ(NormaliseNhsNumber("999-000-0018"), "9990000018");
  EXPECT_EQ(NormaliseNhsNumber(" 999 - 000 - 0018 "), "9990000018");
  EXPECT_EQ(NormaliseNhsNumber("999x0000018"), "999x0000018");  // does not validate
  EXPECT_TRUE(ValidateNhsNumber(NormaliseNhsNumber("943 476 5919")).ok());
}

}  // namespace
}  // namespace gallery
