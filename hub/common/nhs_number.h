// NHS number validation: 10 digits whose last is a modulus-11 check digit.
#pragma once

#include <string>
#include <string_view>

#include "hub/common/status.h"

namespace gallery {

// Ok when `nhs_number` is exactly 10 ASCII digits with a correct modulus-11 check digit.
// Errors are kInvalidArgument and never quote the number (it is personal data).
Status ValidateNhsNumber(std::string_view nhs_number);

// Removes the spaces and hyphens people type ("943 476 5919"); does not validate.
std::string NormaliseNhsNumber(std::string_view typed);

}  // namespace gallery
