#include "hub/common/nhs_number.h"

namespace gallery {

// Messages name the rule broken, never the digits: callers prefix the field path, e.g.
// "subject.nhs_number: check digit does not match".
Status ValidateNhsNumber(std::string_view nhs_number) {
  if (nhs_number.size() != 10) {
    return InvalidArgument("must be exactly 10 digits (has " + std::to_string(nhs_number.size()) +
                           " characters)");
  }
  int sum = 0;
  for (size_t i = 0; i < nhs_number.size(); ++i) {
    const char c = nhs_number[i];
    if (c < '0' || c > '9') return InvalidArgument("must contain only the digits 0-9");
    // Weights run 10 down to 2 over the first nine digits; the tenth is the check digit.
    if (i < 9) sum += (c - '0') * static_cast<int>(10 - i);
  }
  int check = 11 - (sum % 11);
  if (check == 11) check = 0;
  // A remainder that yields 10 has no check digit, so no NHS number is ever issued with it.
  if (check == 10) return InvalidArgument("is not a valid NHS number (no check digit possible)");
  if (check != nhs_number[9] - '0') return InvalidArgument("check digit does not match");
  return OkStatus();
}

std::string NormaliseNhsNumber(std::string_view typed) {
  std::string out;
  out.reserve(typed.size());
  for (char c : typed) {
    if (c != ' ' && c != '-') out.push_back(c);
  }
  return out;
}

}  // namespace gallery
