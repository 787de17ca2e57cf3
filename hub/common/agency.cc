#include "hub/common/agency.h"

#include <algorithm>

namespace gallery {

bool IsAgencyKind(std::string_view kind) {
  return std::find(kAgencyKinds.begin(), kAgencyKinds.end(), kind) != kAgencyKinds.end();
}

}  // namespace gallery
