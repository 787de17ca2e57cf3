// Records for integration tests: a social-care single assessment with the sections a
// pilot's adult social care team used.
#pragma once

#include <string>

#include "gallery/v1/record.pb.h"

namespace gallery::testing {

// Valid NHS numbers from the test range (modulus-11 check digit correct).
inline constexpr const char* kNhsNumbers[] = {"9990000018", "9990000026", "9990000034",
                                              "9990000042", "9990000050", "9990000069",
                                              "9990000077", "9990000085", "9990000093"};

inline v1::Record SingleAssessment(const std::string& record_id, const std::string& nhs_number,
                                   const std::string& gp_ods) {
  v1::Record record;
  record.set_record_id(record_id);
  record.set_source_agency("asc");
  record.set_record_type("assessment.single");
  auto* subject = record.mutable_subject();
  subject->set_nhs_number(nhs_number);
  subject->set_registered_gp_ods(gp_ods);
  auto* demographics = subject->mutable_demographics();
  demographics->set_given_name("Edith");
  demographics->set_family_name("Marsh");
  demographics->set_birth_date("1938-04-02");
  demographics->add_address_lines("4 Mill Lane");
  demographics->set_postcode("ZZ99 3AA");
  demographics->set_phone("01632 960123");
  auto add_section = [&](const std::string& heading, const std::string& field,
                         const std::string& text) {
    auto* section = record.add_sections();
    section->set_heading(heading);
    auto* f = section->add_fields();
    f->set_name(field);
    f->set_text(text);
  };
  add_section("Personal care", "Washing and dressing", "Needs help with stockings");
  add_section("Mobility", "Walking", "Frame indoors");
  add_section("Home environment", "Stairs", "Steep stairs, no rail");
  add_section("Finances", "Weekly income", "State pension only");
  return record;
}

}  // namespace gallery::testing
