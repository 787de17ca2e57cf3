#include "hub/ingest/record_validator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace gallery::ingest {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A record that passes every check; each test breaks one thing.
v1::Record Good() {
  v1::Record record;
  record.set_record_id("asc-county:assessment:48213");
  record.set_source_agency("asc-county");
  record.set_record_type("assessment.single");
  v1::Subject& subject = *record.mutable_subject();
  subject.set_nhs_number("9990000018");
  subject.mutable_demographics()->set_birth_date("1936-02-29");
  v1::Section& section = *record.add_sections();
  section.set_heading("Mobility");
  v1::Field& walking = *section.add_fields();
  walking.set_name("Walking");
  walking.set_text("with a frame");
  v1::Field& reviewed = *section.add_fields();
  reviewed.set_name("Reviewed");
  reviewed.set_date("2024-02-29");
  v1::Section& home = *record.add_sections();
  home.set_heading("Home environment");
  home.add_fields()->set_name("Stairs");
  home.mutable_fields(0)->set_boolean(true);
  return record;
}

// The message of a record expected to be rejected.
std::string ErrorOf(const v1::Record& record) {
  const Status status = ValidateRecord(record);
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.code(), Code::kInvalidArgument);
  return status.message();
}

TEST(RecordValidatorTest, AcceptsAWellFormedRecord) {
  EXPECT_TRUE(ValidateRecord(Good()).ok()) << ValidateRecord(Good()).ToString();
}

TEST(RecordValidatorTest, RecordIdMustBeShortPrintableAsciiWithoutSpaces) {
  v1::Record record = Good();
  record.set_record_id("");
  EXPECT_EQ(ErrorOf(record), "record_id: must not be empty");
  record.set_record_id(std::string(201, 'x'));
  EXPECT_EQ(ErrorOf(record), "record_id: must be at most 200 bytes");
  record.set_record_id(std::string(200, 'x'));
  EXPECT_TRUE(ValidateRecord(record).ok());
  record.set_record_id("asc county:1");
  EXPECT_EQ(ErrorOf(record), "record_id: must be printable ASCII without spaces");
  record.set_record_id("asc-county:\xc3\xa9");
  EXPECT_EQ(ErrorOf(record), "record_id: must be printable ASCII without spaces");
  record.set_record_id("asc-county:\t1");
  EXPECT_EQ(ErrorOf(record), "record_id: must be printable ASCII without spaces");
}

TEST(RecordValidatorTest, RecordTypeMustBeDomainDotEvent) {
  for (const char* bad : {"", "assessment", "Assessment.single", "assessment.", ".single",
                          "adt.discharge.x", "adt_x.discharge", "adt.*"}) {
    v1::Record record = Good();
    record.set_record_type(bad);
    EXPECT_THAT(ErrorOf(record), HasSubstr("record_type: must be domain.event")) << bad;
  }
  v1::Record record = Good();
  record.set_record_type("assessment.multi-agency");
  EXPECT_TRUE(ValidateRecord(record).ok());
}

TEST(RecordValidatorTest, SourceAgencyIsRequired) {
  v1::Record record = Good();
  record.clear_source_agency();
  EXPECT_EQ(ErrorOf(record), "source_agency: must not be empty");
}

TEST(RecordValidatorTest, SubjectNeedsAnNhsNumberOrALocalId) {
  v1::Record record = Good();
  record.mutable_subject()->clear_nhs_number();
  EXPECT_EQ(ErrorOf(record), "subject: needs an nhs_number or at least one local id");
  v1::LocalIdentifier& local = *record.mutable_subject()->add_local_ids();
  local.set_agency("asc-county");
  local.set_value("ASC-48213");
  EXPECT_TRUE(ValidateRecord(record).ok());
  local.clear_value();
  EXPECT_EQ(ErrorOf(record), "subject.local_ids[0].value: must not be empty");
  local.set_value("ASC-48213");
  local.clear_agency();
  EXPECT_EQ(ErrorOf(record), "subject.local_ids[0].agency: must not be empty");
}

TEST(RecordValidatorTest, NhsNumberCheckDigitIsVerifiedWithoutQuotingIt) {
  v1::Record record = Good();
  record.mutable_subject()->set_nhs_number("9990000019");
  const std::string message = ErrorOf(record);
  EXPECT_EQ(message, "subject.nhs_number: check digit does not match");
  EXPECT_THAT(message, Not(HasSubstr("999000001")));
  record.mutable_subject()->set_nhs_number("999 000 0018");
  EXPECT_THAT(ErrorOf(record), HasSubstr("subject.nhs_number: must be exactly 10 digits"));
}

TEST(RecordValidatorTest, BirthDateMustBeARealDate) {
  for (const char* bad : {"1936-02-30", "1937-02-29", "1900-02-29", "1936-13-01", "1936-00-10",
                          "1936-1-1", "01/02/1936", "0000-01-01", "1936-04-31"}) {
    v1::Record record = Good();
    record.mutable_subject()->mutable_demographics()->set_birth_date(bad);
    const std::string message = ErrorOf(record);
    EXPECT_EQ(message, "subject.demographics.birth_date: must be a real date written YYYY-MM-DD")
        << bad;
    EXPECT_THAT(message, Not(HasSubstr(bad)));
  }
  v1::Record record = Good();
  record.mutable_subject()->mutable_demographics()->set_birth_date("2000-02-29");
  EXPECT_TRUE(ValidateRecord(record).ok());
}

TEST(RecordValidatorTest, AmendsAndRetractsAreExclusiveAndNeverSelfReferences) {
  v1::Record record = Good();
  record.set_amends("asc-county:assessment:1");
  EXPECT_TRUE(ValidateRecord(record).ok());
  record.set_retracts("asc-county:assessment:2");
  EXPECT_EQ(ErrorOf(record), "retracts: must not be set together with amends");
  record.clear_retracts();
  record.set_amends(record.record_id());
  EXPECT_EQ(ErrorOf(record), "amends: must not name the record itself");
  record.clear_amends();
  record.set_retracts(record.record_id());
  EXPECT_EQ(ErrorOf(record), "retracts: must not name the record itself");
}

TEST(RecordValidatorTest, HeadingsAreNonEmptyUniqueAndWithoutSlashes) {
  v1::Record record = Good();
  record.mutable_sections(1)->set_heading("");
  EXPECT_EQ(ErrorOf(record), "sections[1].heading: must not be empty");
  record.mutable_sections(1)->set_heading("MOBILITY");
  EXPECT_EQ(ErrorOf(record), "sections[1].heading: repeats an earlier heading (ignoring case)");
  record.mutable_sections(1)->set_heading("Home/Garden");
  EXPECT_EQ(ErrorOf(record), "sections[1].heading: must not contain '/'");
}

TEST(RecordValidatorTest, FieldNamesAreNonEmptyAndUniqueWithinTheirSection) {
  v1::Record record = Good();
  record.mutable_sections(0)->mutable_fields(1)->set_name("");
  EXPECT_EQ(ErrorOf(record), "sections[0].fields[1].name: must not be empty");
  record.mutable_sections(0)->mutable_fields(1)->set_name("walking");
  EXPECT_EQ(ErrorOf(record),
            "sections[0].fields[1].name: repeats an earlier field name in the section "
            "(ignoring case)");
  // The same name in another section is fine.
  record = Good();
  record.mutable_sections(1)->mutable_fields(0)->set_name("Walking");
  EXPECT_TRUE(ValidateRecord(record).ok());
}

TEST(RecordValidatorTest, RepeatsAreFoundAmongManyNamesToo) {
  // Past a few dozen names the check changes method; it must find the same repeats.
  v1::Record record = Good();
  v1::Section& section = *record.mutable_sections(0);
  for (int f = 0; f < 60; ++f) {
    v1::Field& field = *section.add_fields();
    field.set_name("Item " + std::to_string(f));
    field.set_integer(f);
  }
  EXPECT_TRUE(ValidateRecord(record).ok());
  section.mutable_fields(61)->set_name("ITEM 3");
  EXPECT_EQ(ErrorOf(record),
            "sections[0].fields[61].name: repeats an earlier field name in the section "
            "(ignoring case)");
  section.mutable_fields(61)->set_name("walking");  // among the first, compared pairwise
  EXPECT_EQ(ErrorOf(record),
            "sections[0].fields[61].name: repeats an earlier field name in the section "
            "(ignoring case)");
}

TEST(RecordValidatorTest, EveryFieldHasAValueAndDatesAreReal) {
  v1::Record record = Good();
  record.mutable_sections(1)->mutable_fields(0)->clear_value();
  EXPECT_EQ(ErrorOf(record), "sections[1].fields[0]: has no value");
  record = Good();
  record.mutable_sections(0)->mutable_fields(1)->set_date("2023-02-29");
  EXPECT_EQ(ErrorOf(record), "sections[0].fields[1].date: must be a real date written YYYY-MM-DD");
  // An empty text is still a value that was set.
  record = Good();
  record.mutable_sections(0)->mutable_fields(0)->set_text("");
  EXPECT_TRUE(ValidateRecord(record).ok());
}

TEST(RecordValidatorTest, ReportsEveryProblemOnItsOwnLine) {
  v1::Record record = Good();
  record.clear_source_agency();
  record.mutable_subject()->set_nhs_number("9990000019");
  record.mutable_sections(1)->set_heading("");
  EXPECT_EQ(ErrorOf(record),
            "source_agency: must not be empty\n"
            "subject.nhs_number: check digit does not match\n"
            "sections[1].heading: must not be empty");
}

TEST(RecordValidatorTest, CapsTheNumberOfProblemsReported) {
  v1::Record record = Good();
  v1::Section& section = *record.add_sections();
  section.set_heading("Many");
  for (int i = 0; i < 30; ++i) section.add_fields()->set_name("f" + std::to_string(i));
  const std::string message = ErrorOf(record);
  EXPECT_EQ(std::count(message.begin(), message.end(), '\n'), kMaxReportedProblems);
  EXPECT_THAT(message, HasSubstr("(and 10 more problems)"));
}

TEST(RecordValidatorTest, RefusesMoreSectionsThanTheLimitOnceAtTheFirstBeyondIt) {
  v1::Record record = Good();
  for (int i = 0; i < 5; ++i) record.add_sections()->set_heading("Extra " + std::to_string(i));
  const RecordLimits limits{.max_sections = 4};
  const Status status = ValidateRecord(record, limits);
  EXPECT_EQ(status.code(), Code::kInvalidArgument);
  EXPECT_EQ(status.message(), "sections[4]: beyond the limit of 4 sections");
}

TEST(RecordValidatorTest, RefusesMoreFieldsInASectionThanTheLimit) {
  v1::Record record = Good();
  const RecordLimits limits{.max_fields_per_section = 1};
  EXPECT_EQ(ValidateRecord(record, limits).message(),
            "sections[0].fields[1]: beyond the limit of 1 fields per section");
}

TEST(RecordValidatorTest, RefusesAnOverLongTextNamingItsPathNotItsValue) {
  const RecordLimits limits{.max_string_bytes = 64};
  const std::string long_text(65, 'q');
  auto message_with = [&](auto change) {
    v1::Record record = Good();
    change(record);
    const Status status = ValidateRecord(record, limits);
    EXPECT_EQ(status.code(), Code::kInvalidArgument);
    EXPECT_THAT(status.message(), Not(HasSubstr(long_text)));
    return status.message();
  };
  EXPECT_EQ(message_with([&](v1::Record& r) {
              r.mutable_sections(0)->mutable_fields(0)->set_text(long_text);
            }),
            "sections[0].fields[0].text: longer than the limit of 64 bytes");
  EXPECT_EQ(message_with([&](v1::Record& r) { r.mutable_sections(1)->set_heading(long_text); }),
            "sections[1].heading: longer than the limit of 64 bytes");
  EXPECT_EQ(message_with([&](v1::Record& r) {
              r.mutable_sections(0)->mutable_fields(1)->set_name(long_text);
            }),
            "sections[0].fields[1].name: longer than the limit of 64 bytes");
  EXPECT_EQ(message_with([&](v1::Record& r) {
              r.mutable_subject()->mutable_demographics()->add_address_lines(long_text);
            }),
            "subject.demographics.address_lines[0]: longer than the limit of 64 bytes");
  EXPECT_EQ(message_with([&](v1::Record& r) {
              r.mutable_subject()->add_local_ids()->set_agency("asc-county");
              r.mutable_subject()->mutable_local_ids(0)->set_value(long_text);
            }),
            "subject.local_ids[0].value: longer than the limit of 64 bytes");
  EXPECT_EQ(message_with([&](v1::Record& r) { r.add_sensitivity_labels(long_text); }),
            "sensitivity_labels[0]: longer than the limit of 64 bytes");
}

TEST(RecordValidatorTest, AcceptsARecordExactlyAtEveryLimit) {
  v1::Record record = Good();
  record.mutable_sections(0)->mutable_fields(0)->set_text(std::string(64, 'q'));
  const RecordLimits limits{.max_sections = 2, .max_fields_per_section = 2,
                            .max_string_bytes = 64};
  EXPECT_TRUE(ValidateRecord(record, limits).ok()) << ValidateRecord(record, limits).ToString();
}

}  // namespace
}  // namespace gallery::ingest
