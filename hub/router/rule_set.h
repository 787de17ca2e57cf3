// RuleSet: the sharing protocols loaded together, compiled and immutable.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gallery/v1/record.pb.h"
#include "hub/common/agency.h"
#include "hub/common/result.h"
#include "hub/router/correction.h"
#include "hub/router/decision.h"
#include "hub/router/heading_translator.h"
#include "hub/router/involvement_alert_rule.h"
#include "hub/router/involvement_rule.h"
#include "hub/router/route_plan.h"
#include "hub/router/rule.h"
#include "hub/router/rule_index.h"
#include "hub/router/rule_loader.h"
#include "hub/router/subject_state.h"

namespace gallery::router {

// Immutable once built, so safe to share across threads through shared_ptr<const RuleSet>.
class RuleSet {
 public:
  // Loads every *.yaml / *.yml file in `dir` (sorted by name) but catalogue.yaml, the
  // record-type catalogue, which is not a protocol. Errors are
  // kInvalidArgument and list every problem found as "file:line:col: message", one per
  // line; unknown agencies, kinds, duplicate rule ids and protocol names are errors.
  // Other files (README.md, dot files) and sub-folders are ignored; a folder with no rule
  // files gives an empty set, which shares nothing. A missing `dir` is kNotFound, one that
  // cannot be listed or read kFailedPrecondition. Each file must keep within
  // `yaml_limits`. Blocks on file I/O; thread-safe.
  static Result<std::shared_ptr<const RuleSet>> LoadDirectory(
      const std::string& dir, std::vector<Agency> agencies, const YamlLimits& yaml_limits = {});
  // As LoadDirectory for one document; `file` names it in errors.
  static Result<std::shared_ptr<const RuleSet>> LoadString(std::string_view yaml,
                                                           const std::string& file,
                                                           std::vector<Agency> agencies);

  // Default deny: decides whether the record travels to each agency, in which redacted
  // form and under which headings, asking `state` for the subject's consent and
  // relationships; withholdings are listed as `scope` says. The decision time is the
  // record's received_at, else now. Never blocks (unless `state` does); thread-safe.
  // Route() is Plan() with each grant's redacted copy built as a message.
  Decision Route(const v1::Record& record, const SubjectState& state,
                 PlanScope scope = PlanScope::kConsidered) const;
  // As above knowing nothing of the subject (NoSubjectState).
  Decision Route(const v1::Record& record) const;

  // The same decision, with the redactions left as views over `record`'s items for the
  // caller to serialize (AppendRedacted), once per distinct view. `record` and this
  // RuleSet must outlive the plan. Reuses the storage `plan` holds from earlier records.
  void Plan(const v1::Record& record, const SubjectState& state, RoutePlan& plan,
            PlanScope scope = PlanScope::kConsidered) const;
  // As above knowing nothing of the subject (NoSubjectState).
  void Plan(const v1::Record& record, RoutePlan& plan) const;
  RoutePlan Plan(const v1::Record& record) const;

  // For `correction`, a record that amends or retracts another, after Plan(correction, ...)
  // filled `plan`: adds a grant for each of `earlier` that the plan does not already grant
  // (but the source), with basis kCorrectionOfDisclosed and no rule ids, and drops that
  // agency's withholding. An amendment carries only the items whose paths are in the
  // agency's `disclosed`, a retraction none of them: either way no more than the agency was
  // given before, under the headings this rule set gives it. Thread-safe.
  void AddCorrectionGrants(const v1::Record& correction,
                           std::span<const EarlierRecipient> earlier, RoutePlan& plan) const;

  const std::vector<Protocol>& protocols() const { return protocols_; }
  const std::vector<Rule>& rules() const { return rules_; }
  // Who may learn of whose involvement with a person (`involvement:` blocks).
  const std::vector<InvolvementRule>& involvement_rules() const { return involvement_; }
  // Who is alerted when which records arrive (`involvement_alerts:` blocks).
  const std::vector<InvolvementAlertRule>& alert_rules() const { return alerts_; }
  // The alert rules naming `record_type`, in load order; empty for most types, so that an
  // ordinary record costs one hash lookup. Thread-safe.
  std::span<const uint32_t> AlertRulesFor(std::string_view record_type) const;
  const std::vector<Agency>& agencies() const { return agencies_; }
  // SHA-256 hex of the loaded files' names and contents; identifies the rule set in logs.
  const std::string& content_hash() const { return content_hash_; }

 private:
  RuleSet(LoadedRules loaded, std::vector<Agency> agencies, std::string content_hash);

  // A rule's `to` resolved against agencies_ once, so that Plan compares indexes, not
  // strings. Parallel to rules_.
  struct Resolved {
    std::vector<uint32_t> to;       // indexes into agencies_ from ids and kinds; ascending
    bool to_registered_gp = false;  // `to` names relationship:registered-gp
    bool to_allocated_worker = false;
    bool to_any_relationship = false;
  };

  std::optional<uint32_t> FindAgency(std::string_view id) const;
  // The gp-practice whose ODS code is the record's registered_gp_ods.
  std::optional<uint32_t> NamedPractice(const v1::Record& record, PlanScratch& scratch) const;
  // Fills scratch.registered_gp, .allocated and .related for `record`'s subject.
  void ResolveRelationships(const v1::Record& record, const SubjectState& state,
                            PlanScratch& scratch) const;
  // Decides what rule `rule`, which applies to `record`, does with it; returns its position
  // in scratch.applied.
  uint32_t Apply(uint32_t rule, const v1::Record& record, const SubjectState& state,
                 int64_t now_us, PlanScratch& scratch) const;
  // The items `applied` lets through, computed on first use and then shared.
  const std::vector<bool>& Allows(AppliedRule& applied, const std::vector<RecordItem>& items) const;
  // Sets plan.withholdings[count++] to why `agency` receives nothing; `verdict` is null
  // when no rule reached it.
  void Withhold(const v1::Record& record, uint32_t agency, const Verdict* verdict,
                RoutePlan& plan, size_t& count) const;
  // Sets plan.grants[grants++] for `agency`, sharing a view of this record when one
  // matches and adding plan.views[views++] when none does.
  void GrantTo(const v1::Record& record, uint32_t agency, std::optional<uint32_t> source,
               const Verdict& verdict, RoutePlan& plan, size_t& grants, size_t& views) const;
  // The index of the view of `record` allowing scratch.allowed under scratch.headings,
  // adding plan.views[views++] when no view matches.
  size_t ViewFor(const v1::Record& record, RoutePlan& plan, size_t& views) const;

  std::vector<Protocol> protocols_;
  std::vector<Rule> rules_;
  std::vector<InvolvementRule> involvement_;
  std::vector<InvolvementAlertRule> alerts_;
  // record type -> indexes into alerts_
  std::unordered_map<std::string, std::vector<uint32_t>, StringHash, std::equal_to<>>
      alerts_by_type_;
  std::vector<Agency> agencies_;
  std::string content_hash_;
  std::vector<Resolved> resolved_;
  // id -> index into agencies_
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> agency_index_;
  // gp-practice ODS code, upper case -> index
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> gp_by_ods_;
  std::vector<uint32_t> by_id_;    // agencies_ indexes sorted by id
  std::vector<uint32_t> id_rank_;  // agency index -> position in by_id_
  std::unique_ptr<const RuleIndex> index_;
  std::unique_ptr<const HeadingTranslator> translator_;
};

}  // namespace gallery::router
