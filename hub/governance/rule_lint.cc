#include "hub/governance/rule_lint.h"

#include <algorithm>
#include <charconv>

#include "hub/governance/rule_scope.h"
#include "hub/governance/shadowing.h"

namespace gallery::governance {
namespace {

size_t CountSet(const std::vector<bool>& set) {
  return static_cast<size_t>(std::count(set.begin(), set.end(), true));
}

// Never-matching rules; returns false when the rule can share nothing.
bool CheckReach(const LintInput& in, const router::Rule& rule, const RuleScope& scope,
                std::vector<Finding>& findings) {
  const std::string name = "rule '" + rule.id + "'";
  if (CountSet(scope.from) == 0) {
    findings.push_back({in.positions.Key(rule, "from"), Severity::kWarning,
                        name + " takes records from " + PartyList(rule.from) +
                            ", but no configured agency is one of them: it never matches",
                        "no-configured-agency"});
    return false;
  }
  if (CountSet(scope.to) == 0 && scope.relationships.empty()) {
    findings.push_back({in.positions.Key(rule, "to"), Severity::kWarning,
                        name + " shares with " + PartyList(rule.to) +
                            ", but no configured agency is one of them: it never matches",
                        "no-configured-agency"});
    return false;
  }
  if (scope.relationships.empty() && CountSet(scope.from) == 1 && scope.from == scope.to) {
    const auto only = std::find(scope.from.begin(), scope.from.end(), true) - scope.from.begin();
    findings.push_back({in.positions.Key(rule, "to"), Severity::kError,
                        name + " can never share: its only source, " +
                            in.agencies[static_cast<size_t>(only)].id +
                            ", is also its only recipient, and no agency receives its own "
                            "records",
                        "sends-to-itself"});
    return false;
  }
  if (rule.include.empty()) {
    findings.push_back({rule.defined_at, Severity::kWarning,
                        name + " includes nothing: it shares only the subject's identifiers "
                               "and the record's dates",
                        "identifiers-only"});
    return true;
  }
  const bool all_excluded =
      std::all_of(rule.include.begin(), rule.include.end(), [&](const router::PathPattern& i) {
        return std::any_of(rule.exclude.begin(), rule.exclude.end(),
                           [&](const router::PathPattern& e) {
                             return PatternCovers(e.glob.pattern(), i.glob.pattern());
                           });
      });
  if (all_excluded) {
    findings.push_back({in.positions.Key(rule, "exclude"), Severity::kError,
                        name + " excludes everything it includes: it shares only the "
                               "subject's identifiers and the record's dates",
                        "everything-excluded"});
    return false;
  }
  return true;
}

void CheckAgainstCatalogue(const LintInput& in, const router::Rule& rule,
                           std::vector<Finding>& findings) {
  const Catalogue& catalogue = *in.catalogue;
  std::vector<const CataloguedType*> covered;
  for (size_t i = 0; i < rule.types.size(); ++i) {
    bool any = false;
    for (const CataloguedType& type : catalogue.types) {
      if (!rule.types[i].Matches(type.name)) continue;
      any = true;
      if (std::find(covered.begin(), covered.end(), &type) == covered.end()) {
        covered.push_back(&type);
      }
    }
    if (!any) {
      findings.push_back({in.positions.Item(rule, "types", i), Severity::kWarning,
                          "record type '" + rule.types[i].pattern() + "' of rule '" + rule.id +
                              "' matches no type in the catalogue",
                          "unknown-record-type"});
    }
  }
  if (covered.empty()) return;
  std::string names;
  for (const CataloguedType* type : covered) names += (names.empty() ? "" : ", ") + type->name;
  auto check_paths = [&](const std::vector<router::PathPattern>& patterns, std::string_view key) {
    for (size_t i = 0; i < patterns.size(); ++i) {
      if (patterns[i].written.starts_with('@')) continue;  // demographics: checked at load
      const bool known = std::any_of(covered.begin(), covered.end(), [&](const auto* type) {
        return std::any_of(type->paths.begin(), type->paths.end(),
                           [&](const std::string& p) { return patterns[i].glob.Matches(p); });
      });
      if (!known) {
        findings.push_back({in.positions.Item(rule, key, i), Severity::kWarning,
                            std::string(key) + " '" + patterns[i].written + "' of rule '" +
                                rule.id + "' matches no heading or field of " + names +
                                " in the catalogue",
                            "unknown-field"});
      }
    }
  };
  check_paths(rule.include, "include");
  check_paths(rule.exclude, "exclude");
  for (size_t i = 0; i < rule.labels.size(); ++i) {
    const bool known = std::any_of(covered.begin(), covered.end(), [&](const auto* type) {
      return std::find(type->labels.begin(), type->labels.end(), rule.labels[i]) !=
             type->labels.end();
    });
    if (known) continue;
    // Labels are kept sorted and without repeats, so point at the list, not an item.
    findings.push_back({in.positions.Key(rule, "labels"), Severity::kWarning,
                        "label '" + rule.labels[i] + "' of rule '" + rule.id +
                            "' is carried by none of " + names + " in the catalogue",
                        "unknown-label"});
  }
}

void CheckGovernance(const LintInput& in, const router::Rule& rule,
                     std::vector<Finding>& findings) {
  if (rule.legal_basis.empty()) {
    findings.push_back({rule.defined_at, Severity::kWarning,
                        "rule '" + rule.id +
                            "' has no legal basis: give legal_basis on the "
                            "rule or on protocol '" +
                            rule.protocol + "'",
                        "missing-legal-basis"});
  }
  if (rule.consent == router::ConsentMode::kOverride) {
    findings.push_back({in.positions.Key(rule, "consent"), Severity::kNote,
                        "rule '" + rule.id +
                            "' overrides consent and objections (each use "
                            "is audited and alerted); justification: " +
                            OneLine(rule.justification),
                        "consent-override"});
  }
}

void CheckProtocol(const LintInput& in, const router::Protocol& protocol,
                   const LintOptions& options, std::vector<Finding>& findings) {
  const std::string name = "protocol '" + protocol.name + "'";
  auto missing = [&](std::string_view what, std::string_view code) {
    findings.push_back({protocol.defined_at, Severity::kWarning,
                        name + " has no " + std::string(what), std::string(code)});
  };
  if (protocol.owners.empty()) missing("owners", "missing-owners");
  if (protocol.approved.empty()) missing("approval date (approved)", "missing-approval");
  if (protocol.review_by.empty()) {
    missing("review date (review_by)", "missing-review-date");
    return;
  }
  const std::optional<std::chrono::sys_days> review = ParseDate(protocol.review_by);
  if (!review) return;  // the loader rejects malformed dates
  const auto days = (*review - options.today).count();
  const router::SourceLocation at = in.positions.ProtocolKey(protocol, "review_by");
  if (days < 0) {
    findings.push_back({at, Severity::kError,
                        name + " was due for review by " + protocol.review_by +
                            ": its rules no longer permit anything",
                        "protocol-expired"});
  } else if (days <= options.soon_days) {
    findings.push_back({at, Severity::kWarning,
                        name + " is due for review by " + protocol.review_by + " (in " +
                            std::to_string(days) + (days == 1 ? " day" : " days") +
                            "); after that its rules permit nothing",
                        "review-due-soon"});
  }
}

}  // namespace

std::optional<std::chrono::sys_days> ParseDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int y = 0;
  unsigned m = 0;
  unsigned d = 0;
  auto read = [&](size_t pos, size_t len, auto& value) {
    const auto [end, ec] = std::from_chars(text.data() + pos, text.data() + pos + len, value);
    return ec == std::errc() && end == text.data() + pos + len;
  };
  if (!read(0, 4, y) || !read(5, 2, m) || !read(8, 2, d)) return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year{y}, std::chrono::month{m},
                                         std::chrono::day{d}};
  if (!date.ok()) return std::nullopt;
  return std::chrono::sys_days{date};
}

std::vector<Finding> LintRules(const LintInput& in, const LintOptions& options) {
  std::vector<Finding> findings;
  if (in.catalogue == nullptr) {
    findings.push_back({{in.catalogue_path, 0, 0},
                        Severity::kNote,
                        "no record-type catalogue: record types, headings, fields and labels "
                        "were not checked",
                        "no-catalogue"});
  }
  std::vector<RuleScope> scopes;
  std::vector<bool> live;
  for (const router::Rule& rule : in.rules) {
    scopes.push_back(ResolveScope(rule, in.agencies));
    const router::Protocol* protocol =
        rule.protocol_index < in.protocols.size() ? &in.protocols[rule.protocol_index] : nullptr;
    const std::optional<std::chrono::sys_days> review =
        protocol != nullptr ? ParseDate(protocol->review_by) : std::nullopt;
    const bool expired = review.has_value() && *review < options.today;
    live.push_back(CheckReach(in, rule, scopes.back(), findings) && !expired);
    if (in.catalogue != nullptr) CheckAgainstCatalogue(in, rule, findings);
    CheckGovernance(in, rule, findings);
  }
  for (const router::Protocol& protocol : in.protocols) {
    CheckProtocol(in, protocol, options, findings);
  }
  const RulePairInput pairs{in.rules, in.protocols, in.agencies, scopes, live};
  FindShadowedRules(pairs, findings);
  FindConsentConflicts(pairs, findings);
  return findings;
}

}  // namespace gallery::governance
