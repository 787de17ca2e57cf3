// An agency known to the hub, and the vocabulary of agency kinds.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace gallery {

// The agency kinds of the shared vocabulary; configs and rules may use only these.
inline constexpr std::array<std::string_view, 10> kAgencyKinds = {
    "gp-practice",        "hospital", "community-health", "mental-health",
    "adult-social-care",  "childrens-social-care", "housing", "police",
    "education",          "voluntary"};

bool IsAgencyKind(std::string_view kind);

// One agency from the hub's config. Value type.
struct Agency {
  std::string id;        // stable id used on the wire, in rules and in audit, e.g. "gp-riverside"
  std::string name;      // display name, e.g. "Riverside Surgery"
  std::string kind;      // one of kAgencyKinds
  std::string ods_code;  // NHS ODS organisation code, if it has one; resolves registered-gp
  // How other agencies reach it about a person (a duty desk's phone, a shared mailbox);
  // told to agencies that learn of its involvement. Empty when the config gives none.
  std::string contact = {};
};

}  // namespace gallery
