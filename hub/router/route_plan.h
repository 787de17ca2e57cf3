// The outcome of routing one record before any copy is built: for each recipient which of
// the record's items travel. Recipients allowed the same items share one view, so the hub
// serializes each distinct redaction once however many agencies receive it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "hub/router/decision.h"
#include "hub/router/redaction.h"
#include "hub/router/rule.h"

namespace gallery::router {

// One distinct redaction of the record.
struct View {
  std::vector<bool> allowed;          // parallel to RoutePlan::items
  std::vector<std::string> withheld;  // ListWithheld's paths for `allowed`
};

// One recipient's disclosure, without the copy itself.
struct Grant {
  std::string recipient;              // agency id
  std::vector<std::string> rule_ids;  // every rule that permitted it, sorted
  size_t view = 0;                    // index into RoutePlan::views
};

// What the rules said about one agency, while planning.
struct Verdict {
  std::vector<size_t> permitting;    // rule indexes, ascending
  const Rule* blocked_by = nullptr;  // first rule that reached it but a label stopped
  std::string_view blocked_label;
  // First registered-GP rule that applied while this practice was not the subject's GP.
  const Rule* not_registered_gp = nullptr;
};

// Points into the routed record (through `items`), which must outlive the plan. Planning
// record after record into one RoutePlan reuses its allocations.
struct RoutePlan {
  std::vector<RecordItem> items;          // ListItems(record); empty when nobody receives it
  std::vector<View> views;                // distinct, in order of first use
  std::vector<Grant> grants;              // sorted by recipient
  std::vector<Withholding> withholdings;  // every other configured agency but the source

  // Working space of RuleSet::Plan; meaningless to callers.
  struct Scratch {
    std::vector<Verdict> verdicts;               // by agency index
    std::vector<std::vector<bool>> rule_allows;  // by rule: which items it lets through
    std::vector<bool> rule_allows_known;         // by rule: rule_allows computed for this record
    std::vector<bool> allowed;
  } scratch;
};

}  // namespace gallery::router
