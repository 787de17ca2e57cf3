// RuleSet: the sharing protocols loaded together, compiled and immutable.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gallery/v1/record.pb.h"
#include "hub/common/agency.h"
#include "hub/common/result.h"
#include "hub/router/decision.h"
#include "hub/router/route_plan.h"
#include "hub/router/rule.h"

namespace gallery::router {

// Immutable once built, so safe to share across threads through shared_ptr<const RuleSet>.
class RuleSet {
 public:
  // Loads every *.yaml / *.yml file in `dir` (sorted by name). Errors are
  // kInvalidArgument and list every problem found as "file:line:col: message", one per
  // line; unknown agencies, kinds and duplicate rule ids are errors.
  // Other files (README.md, dot files) and sub-folders are ignored; a folder with no rule
  // files gives an empty set, which shares nothing. A missing `dir` is kNotFound, one that
  // cannot be listed or read kFailedPrecondition. Blocks on file I/O; thread-safe.
  static Result<std::shared_ptr<const RuleSet>> LoadDirectory(const std::string& dir,
                                                              std::vector<Agency> agencies);
  // As LoadDirectory for one document; `file` names it in errors.
  static Result<std::shared_ptr<const RuleSet>> LoadString(std::string_view yaml,
                                                           const std::string& file,
                                                           std::vector<Agency> agencies);

  // Default deny: decides, for every configured agency except the source, whether the
  // record travels and in which redacted form. Never blocks; thread-safe.
  // Route() is Plan() with each grant's redacted copy built as a message.
  Decision Route(const v1::Record& record) const;

  // The same decision, with the redactions left as views over `record`'s items for the
  // caller to serialize (AppendRedacted), once per distinct view. `record` must outlive
  // the plan. Never blocks; thread-safe.
  RoutePlan Plan(const v1::Record& record) const;
  // As above, into `plan`, reusing the storage it holds from earlier records.
  void Plan(const v1::Record& record, RoutePlan& plan) const;

  const std::vector<Rule>& rules() const { return rules_; }
  const std::vector<Agency>& agencies() const { return agencies_; }
  // SHA-256 hex of the loaded files' names and contents; identifies the rule set in logs.
  const std::string& content_hash() const { return content_hash_; }

 private:
  RuleSet(std::vector<Rule> rules, std::vector<Agency> agencies, std::string content_hash);

  // A rule's `from` and fixed `to` resolved against agencies_ once, so that Route compares
  // indexes, not strings. Parallel to rules_.
  struct Resolved {
    std::vector<bool> from;         // indexed like agencies_
    std::vector<size_t> to;         // indexes into agencies_ from ids and kinds; unique
    bool to_registered_gp = false;  // `to` names relationship:registered-gp
  };

  std::vector<Rule> rules_;
  std::vector<Agency> agencies_;
  std::string content_hash_;
  std::vector<Resolved> resolved_;
  std::unordered_map<std::string, size_t> agency_index_;  // id -> index into agencies_
  std::unordered_map<std::string, size_t> gp_by_ods_;     // gp-practice ODS -> index
  std::vector<size_t> by_id_;                             // agencies_ indexes sorted by id
};

}  // namespace gallery::router
