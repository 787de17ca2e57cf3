// Records and agencies for the registry tests.
#pragma once

#include <google/protobuf/util/time_util.h>

#include <string>
#include <vector>

#include "gallery/v1/record.pb.h"
#include "hub/common/agency.h"

namespace gallery::registry::testing {

inline std::vector<Agency> TestAgencies() {
  return {{"gp-riverside", "Riverside Surgery", "gp-practice", "A81001"},
          {"gp-hillside", "Hillside Practice", "gp-practice", "A81002"},
          {"hosp-general", "General Hospital", "hospital", ""},
          {"asc-county", "County Adult Social Care", "adult-social-care", ""},
          {"dn-central", "Central District Nursing", "community-health", ""}};
}

inline int64_t Micros(const std::string &date) {
  google::protobuf::Timestamp at;
  (void)google::protobuf::util::TimeUtil::FromString(date + "T00:00:00Z", &at);
  return google::protobuf::util::TimeUtil::TimestampToMicroseconds(at);
}

// A record about NHS number 9434765919 received on 2026-01-10, with one section
// of text fields.
inline v1::Record
MakeRecord(const std::string &id, const std::string &source,
           const std::string &type,
           std::vector<std::pair<std::string, std::string>> fields = {}) {
  v1::Record record;
  record.set_record_id(id);
  record.set_source_agency(source);
  record.set_record_type(type);
  record.mutable_subject()->set_nhs_number("9434765919");
  *record.mutable_received_at() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
          Micros("2026-01-10"));
  auto *section = record.add_sections();
  section->set_heading("Details");
  for (auto &[name, value] : fields) {
    auto *field = section->add_fields();
    field->set_name(name);
    field->set_text(value);
  }
  return record;
}

} // namespace gallery::registry::testing
