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

}  // namespace gallery::router
