#include "hub/governance/shadowing.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>

namespace gallery::governance {
namespace {

bool Subset(const std::vector<bool>& narrow, const std::vector<bool>& wide) {
  for (size_t i = 0; i < narrow.size(); ++i) {
    if (narrow[i] && !wide[i]) return false;
  }
  return true;
}

bool TypesCover(const router::Rule& wide, const router::Rule& narrow) {
  return std::all_of(narrow.types.begin(), narrow.types.end(), [&](const router::Glob& n) {
    return std::any_of(wide.types.begin(), wide.types.end(), [&](const router::Glob& w) {
      return PatternCovers(w.pattern(), n.pattern());
    });
  });
}

// A type pattern both rules certainly match some type with: the narrower of two patterns
// where one covers the other.
std::optional<std::string> CommonType(const router::Rule& a, const router::Rule& b) {
  for (const router::Glob& x : a.types) {
    for (const router::Glob& y : b.types) {
      if (PatternCovers(x.pattern(), y.pattern())) return y.pattern();
      if (PatternCovers(y.pattern(), x.pattern())) return x.pattern();
    }
  }
  return std::nullopt;
}

class PairChecker {
 public:
  explicit PairChecker(const RulePairInput& input) : in_(input) {}

  const router::Protocol* ProtocolOf(const router::Rule& rule) const {
    return rule.protocol_index < in_.protocols.size() ? &in_.protocols[rule.protocol_index]
                                                      : nullptr;
  }

  int64_t ExpiresAt(const router::Rule& rule) const {
    const router::Protocol* p = ProtocolOf(rule);
    return p != nullptr ? p->expires_at_us : INT64_MAX;
  }

  bool HasHeadings(const router::Rule& rule) const {
    const router::Protocol* p = ProtocolOf(rule);
    return p != nullptr && !p->headings.empty();
  }

  bool Covers(size_t s, size_t r) const {
    const router::Rule& wide = in_.rules[s];
    const router::Rule& narrow = in_.rules[r];
    const RuleScope& ws = in_.scopes[s];
    const RuleScope& ns = in_.scopes[r];
    const bool same_protocol = wide.protocol == narrow.protocol;
    // A consent directive may name a protocol: only an override, or a rule of the same
    // protocol, is certainly as permissive whatever directive the subject gave.
    const bool consent_ok =
        ConsentPermissiveness(wide.consent) >= ConsentPermissiveness(narrow.consent) &&
        (wide.consent == router::ConsentMode::kOverride || same_protocol);
    return Subset(ns.from, ws.from) && Subset(ns.to, ws.to) &&
           std::includes(ws.relationships.begin(), ws.relationships.end(), ns.relationships.begin(),
                         ns.relationships.end()) &&
           TypesCover(wide, narrow) &&
           PathsCover(wide.include, wide.exclude, narrow.include, narrow.exclude) &&
           std::includes(wide.labels.begin(), wide.labels.end(), narrow.labels.begin(),
                         narrow.labels.end()) &&
           consent_ok && wide.purpose == narrow.purpose && ExpiresAt(wide) >= ExpiresAt(narrow) &&
           (same_protocol || (!HasHeadings(wide) && !HasHeadings(narrow)));
  }

  // "asc-county -> dn-central" for some source and recipient both rules certainly reach.
  std::optional<std::string> CommonPair(size_t i, size_t j) const {
    const RuleScope& a = in_.scopes[i];
    const RuleScope& b = in_.scopes[j];
    for (size_t s = 0; s < in_.agencies.size(); ++s) {
      if (!a.from[s] || !b.from[s]) continue;
      for (size_t t = 0; t < in_.agencies.size(); ++t) {
        if (t != s && a.to[t] && b.to[t]) {
          return in_.agencies[s].id + " -> " + in_.agencies[t].id;
        }
      }
      for (const std::string& rel : a.relationships) {
        if (std::binary_search(b.relationships.begin(), b.relationships.end(), rel)) {
          return in_.agencies[s].id + " -> relationship:" + rel;
        }
      }
    }
    return std::nullopt;
  }

 private:
  const RulePairInput& in_;
};

}  // namespace

void FindShadowedRules(const RulePairInput& input, std::vector<Finding>& findings) {
  const PairChecker checker(input);
  for (size_t r = 0; r < input.rules.size(); ++r) {
    if (!input.live[r]) continue;
    for (size_t s = 0; s < input.rules.size(); ++s) {
      if (s == r || !input.live[s] || !checker.Covers(s, r)) continue;
      // Two rules that cover each other: keep the first, report the later one.
      if (s > r && checker.Covers(r, s)) continue;
      const router::Rule& rule = input.rules[r];
      const router::Rule& by = input.rules[s];
      findings.push_back({rule.defined_at, Severity::kWarning,
                          "rule '" + rule.id + "' adds nothing: rule '" + by.id + "' (" +
                              Where(by.defined_at) +
                              ") already shares every record, field and label it does, "
                              "as permissively and for as long",
                          "shadowed"});
      break;
    }
  }
}

void FindConsentConflicts(const RulePairInput& input, std::vector<Finding>& findings) {
  const PairChecker checker(input);
  for (size_t j = 0; j < input.rules.size(); ++j) {
    if (!input.live[j]) continue;
    for (size_t i = 0; i < j; ++i) {
      const router::Rule& first = input.rules[i];
      const router::Rule& later = input.rules[j];
      if (!input.live[i] || first.consent == later.consent) continue;
      const std::optional<std::string> type = CommonType(first, later);
      if (!type) continue;
      const std::optional<std::string> pair = checker.CommonPair(i, j);
      if (!pair) continue;
      const router::ConsentMode wins =
          ConsentPermissiveness(first.consent) > ConsentPermissiveness(later.consent)
              ? first.consent
              : later.consent;
      findings.push_back(
          {later.defined_at, Severity::kWarning,
           "rule '" + later.id + "' (consent " + std::string(ConsentModeName(later.consent)) +
               ") and rule '" + first.id + "' (" + Where(first.defined_at) + ", consent " +
               std::string(ConsentModeName(first.consent)) + ") both share " + *type + " " + *pair +
               "; either is enough, so '" + std::string(ConsentModeName(wins)) + "' is in effect",
           "consent-conflict"});
    }
  }
}

}  // namespace gallery::governance
