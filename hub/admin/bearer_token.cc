#include "hub/admin/bearer_token.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace gallery::admin {
namespace {

constexpr size_t kMinTokenChars = 16;
constexpr size_t kMaxTokenFileBytes = 4096;
constexpr std::string_view kScheme = "Bearer ";

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

Result<std::string> ReadTokenFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return NotFound("admin token file '" + path + "' does not exist or is not a file");
  }
  if (std::filesystem::file_size(path, ec) > kMaxTokenFileBytes || ec) {
    return InvalidArgument("admin token file '" + path + "' is larger than " +
                           std::to_string(kMaxTokenFileBytes) + " bytes");
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in.is_open()) text << in.rdbuf();
  if (!in.is_open() || in.bad()) {
    return FailedPrecondition("cannot read admin token file '" + path + "'");
  }
  std::string token = text.str();
  const auto first = std::find_if_not(token.begin(), token.end(), IsSpace);
  const auto last = std::find_if_not(token.rbegin(), token.rend(), IsSpace).base();
  token = first < last ? std::string(first, last) : std::string();
  if (token.size() < kMinTokenChars || std::any_of(token.begin(), token.end(), IsSpace)) {
    return InvalidArgument("admin token file '" + path + "' must hold one token of at least " +
                           std::to_string(kMinTokenChars) + " characters");
  }
  return token;
}

bool BearerMatches(std::string_view authorization, std::string_view expected) {
  if (expected.empty() || !authorization.starts_with(kScheme)) return false;
  const std::string_view given = authorization.substr(kScheme.size());
  // Every byte of `given` is compared, against the token repeated, so that neither an
  // early mismatch nor a length mismatch returns sooner.
  unsigned char differ = given.size() != expected.size() ? 1 : 0;
  for (size_t i = 0; i < given.size(); ++i) {
    differ |= static_cast<unsigned char>(given[i] ^ expected[i % expected.size()]);
  }
  return differ == 0;
}

}  // namespace gallery::admin
