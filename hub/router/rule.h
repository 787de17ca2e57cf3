// Rule and Protocol: the compiled sharing protocols (rule language v2), as loaded from YAML.
// Agencies and kinds are already checked against the hub's config; patterns are compiled.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
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

// The relationships `to` may name.
inline constexpr std::string_view kRegisteredGp = "registered-gp";
inline constexpr std::string_view kAllocatedWorker = "allocated-worker";
inline constexpr std::string_view kAnyRelationship = "any-agency-with-relationship";

// The purposes of the shared vocabulary.
inline constexpr std::string_view kDirectCare = "direct-care";
inline constexpr std::string_view kSafeguarding = "safeguarding";
inline constexpr std::string_view kServicePlanning = "service-planning";

// What a rule does with the subject's consent state.
enum class ConsentMode {
  kObjectionRespected,  // "objection-respected": shares unless the subject objected (default)
  kRequired,            // "required": shares only with consent given and not withdrawn
  kOverride,            // "override": shares whatever the consent state; needs a justification
};
std::string_view ConsentModeName(ConsentMode mode);

// Where something was defined, for duplicate-id errors and for explaining decisions.
struct SourceLocation {
  std::string file;
  int line = 0;    // 1-based
  int column = 0;  // 1-based
};

// A protocol's renaming of the source's headings for some recipients, so that each
// profession keeps its own headings and a recipient reads them under headings it knows.
struct HeadingTranslation {
  std::vector<Party> to;    // recipients: agencies and kinds
  std::vector<Party> from;  // sources it applies to; empty means any source
  // (source heading, recipient heading); source headings match ignoring case.
  std::vector<std::pair<std::string, std::string>> rename;
  SourceLocation defined_at;
};

// One protocol document: a locally agreed information-sharing agreement.
struct Protocol {
  std::string name;  // unique across the rule set, [a-z0-9-]+
  int version = 0;
  std::string description;
  std::vector<std::string> owners;  // owning organisations, as written
  std::string approved;             // "YYYY-MM-DD", empty when not given
  std::string review_by;            // "YYYY-MM-DD", empty when not given
  // The first instant past the review date (midnight UTC after review_by), microseconds
  // since the epoch; INT64_MAX when there is no review date. From then on the protocol's
  // rules permit nothing.
  int64_t expires_at_us = INT64_MAX;
  std::string purpose;      // default for its rules, one of the vocabulary's purposes
  std::string legal_basis;  // default for its rules
  ConsentMode consent = ConsentMode::kObjectionRespected;  // default for its rules
  std::vector<HeadingTranslation> headings;
  SourceLocation defined_at;  // where `protocol:` is
};

// Value type; immutable once in a RuleSet. A rule applies to a record whose source matches
// `from` and whose type matches `types`; it lets the `include`d paths (minus `exclude`)
// reach every agency in `to`, provided the record's and each field's sensitivity labels
// are all in `labels`, the protocol is not past its review date, and the subject's consent
// state allows it under `consent`. Identifiers always travel; nothing else does unless
// included.
struct Rule {
  std::string id;        // unique across the rule set, [a-z0-9][a-z0-9-.]*
  std::string protocol;  // the protocol (file) that defines it
  int protocol_version = 0;
  size_t protocol_index = 0;  // into RuleSet::protocols()
  std::string description;
  SourceLocation defined_at;

  std::vector<Party> from;  // agencies and kinds; never relationships
  std::vector<Glob> types;  // record-type patterns, e.g. "referral.*"
  std::vector<Party> to;    // non-empty
  std::vector<PathPattern> include;
  std::vector<PathPattern> exclude;
  std::vector<std::string> labels;  // sorted, unique

  std::string purpose;      // the rule's own, else its protocol's
  std::string legal_basis;  // the rule's own, else its protocol's
  ConsentMode consent = ConsentMode::kObjectionRespected;  // the rule's own, else protocol's
  std::string justification;  // required when consent is kOverride
};

}  // namespace gallery::router
