#include "hub/router/rule_index.h"

#include <algorithm>

namespace gallery::router {
namespace {

bool HasStar(const Glob& glob) { return glob.pattern().find('*') != std::string::npos; }

}  // namespace

RuleIndex::RuleIndex(const std::vector<Rule>& rules,
                     const std::vector<std::vector<uint32_t>>& sources, size_t agency_count)
    : rules_(rules), by_source_(agency_count) {
  for (uint32_t r = 0; r < rules.size(); ++r) {
    for (uint32_t a : sources[r]) {
      BySource& index = by_source_[a];
      bool globbed = false;
      for (const Glob& type : rules[r].types) {
        if (HasStar(type)) {
          globbed = true;
          continue;
        }
        std::vector<uint32_t>& list = index.exact[AsciiLower(type.pattern())];
        // A rule naming one type twice is listed once.
        if (list.empty() || list.back() != r) list.push_back(r);
      }
      if (globbed) index.globbed.push_back(r);
    }
  }
}

void RuleIndex::Find(uint32_t source, std::string_view type, std::vector<uint32_t>& out) const {
  out.clear();
  const BySource& index = by_source_[source];
  static const std::vector<uint32_t> kNone;
  const auto it = index.exact.find(type);
  const std::vector<uint32_t>& exact = it == index.exact.end() ? kNone : it->second;
  // Merges the two ascending lists; a rule in both (an exact type and a glob) once.
  size_t e = 0;
  for (uint32_t r : index.globbed) {
    const bool matches = std::any_of(rules_[r].types.begin(), rules_[r].types.end(),
                                     [&](const Glob& g) { return g.Matches(type); });
    if (!matches) continue;
    while (e < exact.size() && exact[e] < r) out.push_back(exact[e++]);
    if (e < exact.size() && exact[e] == r) ++e;
    out.push_back(r);
  }
  out.insert(out.end(), exact.begin() + static_cast<std::ptrdiff_t>(e), exact.end());
}

}  // namespace gallery::router
