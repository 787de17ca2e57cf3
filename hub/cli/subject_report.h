// The subject access report: everything the audit log says was disclosed or withheld
// about one person, found by their pseudonym, never by reading records.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "hub/common/result.h"
#include "hub/store/store.h"

namespace gallery::cli {

// One decision about one record of the person: a disclosure to a recipient, or a
// withholding from an agency.
struct SubjectEvent {
  int64_t time_us = 0;
  std::string record_id;
  std::string record_type;
  std::string source;
  bool disclosed = false;
  std::string agency;  // the recipient, or the agency withheld from
  std::vector<std::string> rule_ids;
  std::vector<std::string> purposes;
  std::vector<std::string> legal_bases;  // of rule_ids, from the rule set in force
  std::vector<std::string> fields;       // disclosed paths
  std::vector<std::string> withheld;     // paths removed for the recipient
  std::vector<std::string> overrides;    // "rule (consent state, set by record R)"
  std::string reason;                    // withholdings: "kind: reason"
  // Disclosures no rule permitted: why they travelled ("correction-of-disclosed").
  std::string basis;
  std::string corrects;  // the record this record amends or retracts; empty for none
  // An involvement query about the person (record_type "involvement-query", record_id
  // empty, source the asker, purposes its stated purpose): `agency`'s involvement was
  // disclosed to the asker, or withheld; or the query was refused (agency empty).
  bool involvement = false;
  bool refused = false;
};

// Reads the whole audit log in `store` and returns the events of the records and the
// involvement queries whose subject pseudonym is `pseudonym`, in log order. kDataLoss for an entry that cannot be
// parsed; the store's errors otherwise. Blocks on the store.
Result<std::vector<SubjectEvent>> FindSubjectEvents(store::Store& store,
                                                    std::string_view pseudonym);

// `format`: "text", "json" or "csv". Names paths and agencies, never values.
void PrintSubjectEvents(const std::vector<SubjectEvent>& events, std::string_view subject_id,
                        std::string_view format, std::ostream& out);

}  // namespace gallery::cli
