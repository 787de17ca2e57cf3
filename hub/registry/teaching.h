// Teaching: what one consent or relationship record says, read from its fields
// before it is compared with what the registry already knows
// (hub/registry/README.md, "What records teach").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gallery/v1/record.pb.h"
#include "hub/common/agency.h"
#include "hub/registry/registry_fact.pb.h"

namespace gallery::registry {

struct Teaching {
  enum class Kind {
    kNotAbout,     // not a consent.* or relationship.* record
    kUnreadable,   // one, but its fields do not say enough; it teaches nothing
    kNoDirective,  // a consent record entered in error: stands for no directive
                   // at all
    kConsent,      // `consent` holds the directive
    kRelationship, // a relationship begins (or ends, when `ends`)
  };
  Kind kind = Kind::kNotAbout;
  std::string
      why; // for kUnreadable: which field, never its value (for debug logs)
  registry_facts::v1::ConsentDirective consent;
  std::string agency;
  std::string relationship;
  std::string detail;
  int64_t at_us = 0; // when it begins or ends
  bool ends = false;
};

// The hub's agencies, for resolving the agencies and practices that records
// name. Immutable once built; thread-safe.
class AgencyDirectory {
public:
  explicit AgencyDirectory(const std::vector<Agency> &agencies);
  // nullptr when no agency of the config has this id.
  const Agency *ById(std::string_view id) const;
  // The gp-practice with this ODS code (ignoring case); nullptr when none.
  const Agency *PracticeByOds(std::string_view ods) const;

private:
  std::unordered_map<std::string, Agency> by_id_;
  std::unordered_map<std::string, std::string>
      practice_by_ods_; // upper-cased ODS -> id
};

// Reads what `record` teaches; its received_at must be set. Pure; thread-safe.
Teaching ReadTeaching(const v1::Record &record,
                      const AgencyDirectory &agencies);

} // namespace gallery::registry
