#include "hub/router/path_pattern.h"

#include <algorithm>

namespace gallery::router {
namespace {

std::string DemographicList() {
  std::string out;
  for (std::string_view name : kDemographicNames) {
    if (!out.empty()) out += ", ";
    out += kSubjectPrefix;
    out += name;
  }
  return out;
}

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

// "@subject/<name>": the name must be known, or a wildcard that covers at least one known
// name, so that a typo such as "@subject/postocde" cannot silently match nothing.
Result<PathPattern> CompileSubjectPattern(std::string_view written) {
  const std::string lower = AsciiLower(written);
  if (!lower.starts_with(kSubjectPrefix) || lower.size() == kSubjectPrefix.size()) {
    return InvalidArgument("'" + std::string(written) +
                           "' is not a known path: '@' paths name a demographic, one of " +
                           DemographicList() + " (or @subject/*)");
  }
  const Glob name(lower.substr(kSubjectPrefix.size()));
  const bool known = std::any_of(kDemographicNames.begin(), kDemographicNames.end(),
                                 [&](std::string_view n) { return name.Matches(n); });
  if (!known) {
    return InvalidArgument("unknown demographic '" + std::string(written) +
                           "' (expected one of: " + DemographicList() + ")");
  }
  return PathPattern{std::string(written), Glob(written)};
}

bool IsTypePart(std::string_view part) {
  if (part.empty()) return false;
  return std::all_of(part.begin(), part.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '*';
  });
}

}  // namespace

std::string DemographicPath(Demographic d) {
  return std::string(kSubjectPrefix) + std::string(kDemographicNames[static_cast<size_t>(d)]);
}

Result<PathPattern> CompilePathPattern(std::string_view written) {
  const std::string text(written);
  if (written.empty() || std::all_of(written.begin(), written.end(), IsSpace)) {
    return InvalidArgument("path pattern must not be empty");
  }
  // Headings and field names are matched exactly apart from case, so " Mobility" or
  // "Mobility / Aids" would never match anything; say so at load instead.
  if (IsSpace(written.front()) || IsSpace(written.back())) {
    return InvalidArgument("path '" + text + "' starts or ends with a space");
  }
  if (written.front() == '@') return CompileSubjectPattern(written);
  const size_t slash = written.find('/');
  if (slash == std::string_view::npos) {
    // A bare heading stands for the whole section.
    return PathPattern{text, Glob(text + "/*")};
  }
  const std::string_view heading = written.substr(0, slash);
  const std::string_view field = written.substr(slash + 1);
  if (heading.empty()) return InvalidArgument("path '" + text + "' has an empty heading");
  if (field.empty()) return InvalidArgument("path '" + text + "' has an empty field name");
  if (IsSpace(heading.back()) || IsSpace(field.front())) {
    return InvalidArgument("path '" + text + "' has spaces around '/'; write Heading/Field");
  }
  return PathPattern{text, Glob(text)};
}

Result<Glob> CompileTypePattern(std::string_view written) {
  if (written == "*") return Glob(written);
  const size_t dot = written.find('.');
  const bool ok = dot != std::string_view::npos && IsTypePart(written.substr(0, dot)) &&
                  IsTypePart(written.substr(dot + 1));
  if (!ok) {
    return InvalidArgument("record type pattern '" + std::string(written) +
                           "' must look like domain.event in lower case, digits and hyphens, "
                           "with '*' as a wildcard (e.g. assessment.single, referral.*)");
  }
  return Glob(written);
}

}  // namespace gallery::router
