#include "hub/involvement/agency_match.h"

#include <algorithm>

namespace gallery::involvement {

bool Names(const std::vector<router::Party>& parties, const Agency& agency) {
  return std::any_of(parties.begin(), parties.end(), [&](const router::Party& party) {
    return (party.type == router::Party::Type::kAgency && party.value == agency.id) ||
           (party.type == router::Party::Type::kKind && party.value == agency.kind);
  });
}

const Agency* FindAgency(const std::vector<Agency>& agencies, std::string_view id) {
  for (const Agency& agency : agencies) {
    if (agency.id == id) return &agency;
  }
  return nullptr;
}

}  // namespace gallery::involvement
