#include "hub/router/subject_state.h"

namespace gallery::router {

std::string_view ConsentStatusName(ConsentStatus status) {
  switch (status) {
    case ConsentStatus::kNone: return "none";
    case ConsentStatus::kGiven: return "given";
    case ConsentStatus::kObjected: return "objected";
    case ConsentStatus::kWithdrawn: return "withdrawn";
  }
  return "none";
}

}  // namespace gallery::router
