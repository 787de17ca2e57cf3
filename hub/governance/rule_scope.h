// RuleScope: what a rule reaches, resolved against the configured agencies, and the
// conservative comparisons of patterns that the lint's "never matches", "shadowed" and
// "conflicting consent" findings rest on. Conservative means: when unsure, say "does not
// cover", so that a finding is only raised when it certainly holds.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hub/common/agency.h"
#include "hub/router/rule.h"

namespace gallery::governance {

// Value type. Indexes follow the `agencies` it was resolved against.
struct RuleScope {
  std::vector<bool> from;                  // agencies the rule takes records from
  std::vector<bool> to;                    // agencies named in `to` by id or kind
  std::vector<std::string> relationships;  // `to` entries resolved per record, sorted
};

RuleScope ResolveScope(const router::Rule& rule, const std::vector<Agency>& agencies);

// True when every text glob `narrow` matches, glob `wide` matches too, decided only in the
// certain cases: equal patterns (ignoring case), `wide` being "*/*" (an include of "*")
// and `narrow` a path, or `wide` being "<prefix>*" with `narrow`'s literal start beginning
// with that prefix.
bool PatternCovers(std::string_view wide, std::string_view narrow);

// True when every path the include/exclude pair (`narrow_include` minus `narrow_exclude`)
// lets through is let through by the wide pair as well (conservatively).
bool PathsCover(const std::vector<router::PathPattern>& wide_include,
                const std::vector<router::PathPattern>& wide_exclude,
                const std::vector<router::PathPattern>& narrow_include,
                const std::vector<router::PathPattern>& narrow_exclude);

// required 0 < objection-respected 1 < override 2: a higher mode shares in every consent
// state a lower one shares in.
int ConsentPermissiveness(router::ConsentMode mode);

// "asc-county", "kind:housing" ... as the rule's list was written, comma separated.
std::string PartyList(const std::vector<router::Party>& parties);

// "file:line:col".
std::string Where(const router::SourceLocation& at);

}  // namespace gallery::governance
