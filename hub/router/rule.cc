#include "hub/router/rule.h"

namespace gallery::router {

std::string Party::ToString() const {
  switch (type) {
    case Type::kAgency: return value;
    case Type::kKind: return "kind:" + value;
    case Type::kRelationship: return "relationship:" + value;
  }
  return value;
}

std::string_view ConsentModeName(ConsentMode mode) {
  switch (mode) {
    case ConsentMode::kObjectionRespected: return "objection-respected";
    case ConsentMode::kRequired: return "required";
    case ConsentMode::kOverride: return "override";
  }
  return "objection-respected";
}

}  // namespace gallery::router
