// Resolving a rule's or a translation's parties against the hub's agencies.
#pragma once

#include <cstdint>
#include <vector>

#include "hub/common/agency.h"
#include "hub/router/rule.h"

namespace gallery::router {

// Indexes into `agencies` of those `parties` name by id or kind, ascending and unique.
// Relationships name no agency here: they are resolved per record.
std::vector<uint32_t> AgenciesNamed(const std::vector<Party>& parties,
                                    const std::vector<Agency>& agencies);

// Whether two ascending lists share an element.
bool Intersect(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b);

}  // namespace gallery::router
