// RuleIndex: finds the rules that apply to a record by source agency and record type
// without looking at the others, so that a decision costs the same with 10 rules or 10,000.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "hub/router/rule.h"

namespace gallery::router {

// Hashes std::string keys and looks them up by std::string_view without a copy.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Immutable after construction; thread-safe. `rules` must outlive the index.
class RuleIndex {
 public:
  // `sources[r]` lists the agency indexes rule r's `from` names; `agency_count` bounds them.
  RuleIndex(const std::vector<Rule>& rules, const std::vector<std::vector<uint32_t>>& sources,
            size_t agency_count);

  // Sets `out` to the indexes, ascending, of the rules whose `from` names agency `source`
  // and whose `types` match `type` (lower case). Allocates only when `out` must grow.
  void Find(uint32_t source, std::string_view type, std::vector<uint32_t>& out) const;

 private:
  struct BySource {
    // Exact type -> rules naming it, ascending.
    std::unordered_map<std::string, std::vector<uint32_t>, StringHash, std::equal_to<>> exact;
    std::vector<uint32_t> globbed;  // rules with a '*' pattern, ascending; few per source
  };

  const std::vector<Rule>& rules_;
  std::vector<BySource> by_source_;
};

}  // namespace gallery::router
