// Corrections: what an amendment or a retraction owes the agencies that received the record
// it corrects, whatever the rules say now (hub/README.md, "Corrections").
#pragma once

#include <string>
#include <vector>

#include "gallery/v1/record.pb.h"
#include "hub/common/status.h"

namespace gallery::router {

// An agency that received the record a correction corrects (or an earlier version of it).
struct EarlierRecipient {
  std::string agency;
  // The corrected record's paths it was given ("Heading/Field", "@subject/postcode"), under
  // the source's headings. Empty when it was given none, or when the hub no longer holds
  // the record's contents: it then receives only what always travels (ids, type, source,
  // subject identifiers, labels, amends/retracts, timestamps).
  std::vector<std::string> disclosed;
};

// The paths of `original` that travelled to a recipient from whose copy `withheld` was
// removed (Disclosure::withheld: paths, and "Heading/*" for whole sections). Thread-safe.
std::vector<std::string> DisclosedPaths(const v1::Record& original,
                                        const std::vector<std::string>& withheld);

// kPermissionDenied, naming the field (amends or retracts) and both records, when
// `correction` comes from another agency than `original_source`, which sent the record
// `original_id` it corrects: only the source corrects its records.
Status CheckCorrectionSource(const v1::Record& correction, const std::string& original_id,
                             const std::string& original_source);

// Notes that `agency` received `original` less `withheld`, merging with an entry of
// `earlier` for the same agency (a record retried from the dead letters went twice).
// `original` null: its contents are no longer held, so no path is known to be given.
void NoteEarlierRecipient(const v1::Record* original, const std::string& agency,
                          const std::vector<std::string>& withheld,
                          std::vector<EarlierRecipient>& earlier);

}  // namespace gallery::router
