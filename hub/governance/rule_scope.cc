#include "hub/governance/rule_scope.h"

#include <algorithm>

#include "hub/router/glob.h"

namespace gallery::governance {

RuleScope ResolveScope(const router::Rule& rule, const std::vector<Agency>& agencies) {
  using router::Party;
  RuleScope scope;
  scope.from.assign(agencies.size(), false);
  scope.to.assign(agencies.size(), false);
  auto matches = [](const Party& party, const Agency& agency) {
    return (party.type == Party::Type::kAgency && party.value == agency.id) ||
           (party.type == Party::Type::kKind && party.value == agency.kind);
  };
  for (size_t a = 0; a < agencies.size(); ++a) {
    for (const Party& p : rule.from) scope.from[a] = scope.from[a] || matches(p, agencies[a]);
    for (const Party& p : rule.to) scope.to[a] = scope.to[a] || matches(p, agencies[a]);
  }
  for (const Party& p : rule.to) {
    if (p.type == Party::Type::kRelationship) scope.relationships.push_back(p.value);
  }
  std::sort(scope.relationships.begin(), scope.relationships.end());
  scope.relationships.erase(std::unique(scope.relationships.begin(), scope.relationships.end()),
                            scope.relationships.end());
  return scope;
}

bool PatternCovers(std::string_view wide, std::string_view narrow) {
  if (router::EqualsIgnoreCase(wide, narrow)) return true;
  // An include of "*" compiles to "*/*": every path, since every path a pattern with a
  // literal '/' matches has one.
  if (wide == "*/*") return narrow.find('/') != std::string_view::npos;
  const size_t star = wide.find('*');
  if (star == std::string_view::npos || star + 1 != wide.size()) return false;
  const std::string_view prefix = wide.substr(0, star);
  const std::string_view literal = narrow.substr(0, narrow.find('*'));
  return literal.size() >= prefix.size() &&
         router::EqualsIgnoreCase(literal.substr(0, prefix.size()), prefix);
}

bool PathsCover(const std::vector<router::PathPattern>& wide_include,
                const std::vector<router::PathPattern>& wide_exclude,
                const std::vector<router::PathPattern>& narrow_include,
                const std::vector<router::PathPattern>& narrow_exclude) {
  auto covered_by = [](const router::PathPattern& p, const std::vector<router::PathPattern>& by) {
    return std::any_of(by.begin(), by.end(), [&](const router::PathPattern& w) {
      return PatternCovers(w.glob.pattern(), p.glob.pattern());
    });
  };
  // What the narrow pair lets through matches one of its includes, so one of the wide
  // includes; and whatever a wide exclude removes, a narrow exclude removed already.
  return std::all_of(narrow_include.begin(), narrow_include.end(),
                     [&](const router::PathPattern& p) { return covered_by(p, wide_include); }) &&
         std::all_of(wide_exclude.begin(), wide_exclude.end(),
                     [&](const router::PathPattern& p) { return covered_by(p, narrow_exclude); });
}

int ConsentPermissiveness(router::ConsentMode mode) {
  switch (mode) {
    case router::ConsentMode::kRequired:
      return 0;
    case router::ConsentMode::kObjectionRespected:
      return 1;
    case router::ConsentMode::kOverride:
      return 2;
  }
  return 0;
}

std::string PartyList(const std::vector<router::Party>& parties) {
  std::string out;
  for (const router::Party& p : parties) {
    if (!out.empty()) out += ", ";
    out += p.ToString();
  }
  return out;
}

std::string Where(const router::SourceLocation& at) {
  return at.file + ":" + std::to_string(at.line) + ":" + std::to_string(at.column);
}

}  // namespace gallery::governance
