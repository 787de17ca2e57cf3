// SubjectState: what the hub knows about a subject beyond one record (their consent
// directives and their relationships with agencies), as the router asks for it.
#pragma once

#include <functional>
#include <string_view>

#include "gallery/v1/record.pb.h"

namespace gallery::router {

enum class ConsentStatus {
  kNone,       // no directive applies
  kGiven,
  kObjected,
  kWithdrawn,  // consent given earlier and taken back; stops sharing like an objection
};
std::string_view ConsentStatusName(ConsentStatus status);

// The directive in force for one subject and one protocol or purpose.
struct ConsentView {
  ConsentStatus status = ConsentStatus::kNone;
  std::string_view record_id;  // the record that set it; valid until the state changes
};

// Implementations must be cheap to query: the router asks once per rule that applies.
class SubjectState {
 public:
  virtual ~SubjectState() = default;

  // The latest directive about `subject` whose scope is `protocol`, `purpose`, or every
  // protocol and purpose.
  virtual ConsentView Consent(const v1::Subject& subject, std::string_view protocol,
                              std::string_view purpose) const = 0;

  // Calls `visit(agency_id, relationship)` for every active relationship between the
  // subject and an agency, e.g. ("gp-riverside", "registered-gp"). The strings are valid
  // during the call only.
  virtual void ForEachRelationship(
      const v1::Subject& subject,
      const std::function<void(std::string_view agency, std::string_view relationship)>& visit)
      const = 0;
};

// Knows nothing: no consent directive, no relationship. The router then resolves the
// registered GP from the record's own registered_gp_ods.
class NoSubjectState final : public SubjectState {
 public:
  ConsentView Consent(const v1::Subject&, std::string_view, std::string_view) const override {
    return {};
  }
  void ForEachRelationship(
      const v1::Subject&,
      const std::function<void(std::string_view, std::string_view)>&) const override {}
};

}  // namespace gallery::router
