// Rule: one compiled sharing rule of a protocol (rule language v1), as loaded from YAML.
// Agencies and kinds are already checked against the hub's config; patterns are compiled.
#pragma once

#include <string>
#include <vector>

#include "hub/router/glob.h"
#include "hub/router/path_pattern.h"

namespace gallery::router {

// One entry of a rule's `from` or `to`.
struct Party {
  enum class Type {
    kAgency,        // "asc-county": that agency
    kKind,          // "kind:housing": every configured agency of that kind
    kRelationship,  // "relationship:registered-gp": resolved per record (only in `to`)
  };
  Type type = Type::kAgency;
  std::string value;  // agency id, kind, or relationship name

  // As written in the rule file, e.g. "kind:housing".
  std::string ToString() const;
};

// The relationships `to` may name in v1.
inline constexpr std::string_view kRegisteredGp = "registered-gp";

// Where a rule was defined, for duplicate-id errors and for explaining decisions.
struct SourceLocation {
  std::string file;
  int line = 0;    // 1-based
  int column = 0;  // 1-based
};

// Value type; immutable once in a RuleSet. A rule applies to a record whose source matches
// `from` and whose type matches `types`; it lets the `include`d paths (minus `exclude`)
// reach every agency in `to`, provided the record's and each field's sensitivity labels
// are all in `labels`. Identifiers always travel; nothing else does unless included.
struct Rule {
  std::string id;        // unique across the rule set, [a-z0-9][a-z0-9-.]*
  std::string protocol;  // the protocol (file) that defines it
  int protocol_version = 0;
  std::string description;
  SourceLocation defined_at;

  std::vector<Party> from;  // agencies and kinds; never relationships
  std::vector<Glob> types;  // record-type patterns, e.g. "referral.*"
  std::vector<Party> to;    // non-empty
  std::vector<PathPattern> include;
  std::vector<PathPattern> exclude;
  std::vector<std::string> labels;  // sorted, unique
};

}  // namespace gallery::router
