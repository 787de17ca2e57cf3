// Matching agencies against a rule's parties, for involvement queries and alerts.
#pragma once

#include <string_view>
#include <vector>

#include "hub/common/agency.h"
#include "hub/router/rule.h"

namespace gallery::involvement {

// True when `parties` names `agency` by id or by kind.
bool Names(const std::vector<router::Party>& parties, const Agency& agency);

// The agency with `id`, or null.
const Agency* FindAgency(const std::vector<Agency>& agencies, std::string_view id);

}  // namespace gallery::involvement
