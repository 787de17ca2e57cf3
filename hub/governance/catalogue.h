// Catalogue: the record types the agencies send, with the headings, fields and labels each
// carries, read from an optional `catalogue.yaml` beside the rule files so that rules can
// be checked for types and fields that do not exist.
//
//   catalogue:
//     assessment.single:
//       sections:
//         Home environment: [Stairs, Heating]
//         Finances: [Income, Benefits]
//       labels: [mental-health]
//
// Headings and fields are compared ignoring case, as the router matches them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hub/governance/finding.h"

namespace gallery::governance {

// Value type.
struct CataloguedType {
  std::string name;                 // "assessment.single"
  std::vector<std::string> paths;   // "Heading/Field", as written
  std::vector<std::string> labels;  // sensitivity labels its records may carry
  router::SourceLocation defined_at;
};

struct Catalogue {
  std::string file;
  std::vector<CataloguedType> types;
};

// The file name LoadCatalogue reads, which RuleSet::LoadDirectory leaves out.
inline constexpr std::string_view kCatalogueFile = "catalogue.yaml";

// Parses `yaml`; `file` names it in findings. Every problem (syntax, unknown keys, a type
// name that is not domain.event, an empty section) is an error finding coded "catalogue"
// appended to `findings`. Never throws; thread-safe.
Catalogue ParseCatalogue(std::string_view yaml, const std::string& file,
                         std::vector<Finding>& findings);

}  // namespace gallery::governance
