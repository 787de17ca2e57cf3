#include "hub/router/parties.h"

namespace gallery::router {

std::vector<uint32_t> AgenciesNamed(const std::vector<Party>& parties,
                                    const std::vector<Agency>& agencies) {
  std::vector<uint32_t> out;
  for (uint32_t a = 0; a < agencies.size(); ++a) {
    for (const Party& party : parties) {
      const bool named = (party.type == Party::Type::kAgency && party.value == agencies[a].id) ||
                         (party.type == Party::Type::kKind && party.value == agencies[a].kind);
      if (named) {
        out.push_back(a);
        break;
      }
    }
  }
  return out;
}

bool Intersect(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  for (size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i] == b[j]) return true;
    if (a[i] < b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return false;
}

}  // namespace gallery::router
