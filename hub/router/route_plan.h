// The outcome of routing one record before any copy is built: for each recipient which of
// the record's items travel and under which headings. Recipients allowed the same items
// under the same headings share one view, so the hub serializes each distinct redaction
// once however many agencies receive it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "hub/router/decision.h"
#include "hub/router/plan_scratch.h"
#include "hub/router/redaction.h"

namespace gallery::router {

// Which agencies a plan lists withholdings for. Recipients are listed either way.
enum class PlanScope {
  // Agencies an applicable rule reached (by id, kind or relationship), agencies with an
  // active relationship with the subject, and the practice the record names as registered
  // GP when it is not: the ones audit must explain. The rest receive nothing by default.
  kConsidered,
  // Every configured agency but the source: for explaining and testing rule sets.
  kEveryAgency,
};

// One distinct redaction of the record.
struct View {
  std::vector<bool> allowed;        // parallel to RoutePlan::items
  SectionHeadings headings;         // the recipient's headings; points into the RuleSet
  std::vector<std::string> withheld;  // ListWithheld's paths for `allowed`: source headings
};

// One recipient's disclosure, without the copy itself.
struct Grant {
  std::string recipient;               // agency id
  std::vector<std::string> rule_ids;   // every rule that permitted it, sorted
  std::vector<std::string> purposes;   // those rules' purposes, sorted, unique
  std::vector<OverrideUse> overrides;  // those of the rules that override consent, by rule id
  size_t view = 0;                     // index into RoutePlan::views
  // Why it travels when no rule permitted it (rule_ids then empty): kCorrectionOfDisclosed.
  // Empty for a grant the rules made.
  std::string_view basis;
};

// The working space of RuleSet::Plan; meaningless to callers.
struct PlanScratch {
  uint64_t epoch = 0;
  std::vector<Verdict> verdicts;        // by agency index, valid where epoch matches
  std::vector<uint32_t> touched;        // the agencies whose verdicts this Plan set
  std::vector<uint32_t> candidates;     // rule indexes from the RuleIndex
  std::vector<AppliedRule> applied;     // the first `applied_count` are this record's
  size_t applied_count = 0;
  std::vector<uint32_t> registered_gp;  // agencies, usually one
  std::vector<uint32_t> allocated;      // agencies with relationship allocated-worker
  std::vector<uint32_t> related;        // agencies with any relationship
  int32_t first_gp_rule = -1;           // first applied rule sending to the registered GP
  std::string type;                     // the record type, lower case
  std::string ods;                      // the registered GP's ODS code, upper case
  std::vector<bool> allowed;
  std::vector<const std::string*> headings;

  Spares<std::string> strings;  // rule ids, purposes and withheld paths
  Spares<OverrideUse> overrides;
  Spares<Grant> grants;
  Spares<View> views;
  Spares<Withholding> withholdings;
  Spares<RecordItem> items;
};

// Points into the routed record (through `items`) and into the RuleSet (through views'
// headings), which must outlive the plan. Planning record after record into one RoutePlan
// reuses its allocations.
struct RoutePlan {
  std::vector<RecordItem> items;          // ListItems(record); empty when nobody receives it
  std::vector<View> views;                // distinct, in order of first use
  std::vector<Grant> grants;              // sorted by recipient
  std::vector<Withholding> withholdings;  // sorted by agency; which ones: PlanScope

  PlanScratch scratch;
};

}  // namespace gallery::router
