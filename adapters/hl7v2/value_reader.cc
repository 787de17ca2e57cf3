#include "adapters/hl7v2/value_reader.h"

#include <charconv>

#include "adapters/hl7v2/escape.h"

namespace gallery::hl7v2 {
namespace {

std::vector<std::string_view> SplitOn(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  if (sep == '\0') {
    out.push_back(s);
    return out;
  }
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

std::string_view Nth(std::string_view s, int n, char sep) {
  if (n <= 0) return s;
  const std::vector<std::string_view> parts = SplitOn(s, sep);
  return static_cast<size_t>(n) <= parts.size() ? parts[static_cast<size_t>(n) - 1]
                                                 : std::string_view();
}

std::string Trimmed(std::string text) {
  const size_t begin = text.find_first_not_of(' ');
  if (begin == std::string::npos) return {};
  text.erase(text.find_last_not_of(' ') + 1);
  text.erase(0, begin);
  return text;
}

bool ParsePositive(std::string_view s, int& out) {
  if (s.empty() || s.size() > 4) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size() && out > 0;
}

// Decodes `encoded`, splitting on `sep` first when given, and joins the non-empty parts.
Result<std::string> DecodeJoined(std::string_view encoded, char sep, char inner,
                                 const Message& m) {
  std::string out;
  for (std::string_view part : SplitOn(encoded, sep)) {
    std::string text;
    if (inner != '\0') {
      auto joined = DecodeJoined(part, inner, '\0', m);
      if (!joined.ok()) return joined.status();
      text = std::move(joined).value();
    } else {
      auto decoded = Unescape(part, m.delimiters, m.charset);
      if (!decoded.ok()) return decoded.status();
      text = Trimmed(std::move(decoded).value());
    }
    if (text.empty() || text == "\"\"") continue;
    if (!out.empty()) out += ' ';
    out += text;
  }
  return out;
}

}  // namespace

std::string FieldPath::ToString() const {
  std::string out = segment + "-" + std::to_string(field);
  if (component > 0) out += "." + std::to_string(component);
  if (subcomponent > 0) out += "." + std::to_string(subcomponent);
  return out;
}

Result<FieldPath> ParseFieldPath(std::string_view text) {
  auto bad = [&] {
    return InvalidArgument("'" + std::string(text.substr(0, 40)) +
                           "' is not a field path like PID-5 or PID-5.1");
  };
  if (text.size() < 5 || text[3] != '-') return bad();
  FieldPath path;
  path.segment = std::string(text.substr(0, 3));
  for (char c : path.segment) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return bad();
  }
  const std::vector<std::string_view> numbers = SplitOn(text.substr(4), '.');
  if (numbers.size() > 3) return bad();
  int* slots[] = {&path.field, &path.component, &path.subcomponent};
  for (size_t i = 0; i < numbers.size(); ++i) {
    if (!ParsePositive(numbers[i], *slots[i])) return bad();
  }
  return path;
}

std::vector<std::string_view> Repetitions(std::string_view field, const Delimiters& d) {
  return SplitOn(field, d.repetition);
}

std::string_view Component(std::string_view repetition, int n, const Delimiters& d) {
  if (d.component == '\0') return n == 1 ? repetition : std::string_view();
  return Nth(repetition, n, d.component);
}

Result<std::string> ReadValue(const Message& m, const Segment& segment, const FieldPath& path,
                              size_t repetition) {
  const Delimiters& d = m.delimiters;
  // MSH-1 and MSH-2 are the delimiters themselves, never escaped or split.
  if (segment.name == "MSH" && path.field <= 2) return std::string(segment.Field(path.field));
  const std::vector<std::string_view> reps =
      Repetitions(segment.Field(static_cast<size_t>(path.field)), d);
  if (repetition >= reps.size()) return std::string();
  std::string_view value = reps[repetition];
  Result<std::string> out = std::string();
  if (path.component == 0) {
    out = DecodeJoined(value, d.component, d.subcomponent, m);
  } else {
    value = Component(value, path.component, d);
    if (path.subcomponent == 0) {
      out = DecodeJoined(value, d.subcomponent, '\0', m);
    } else {
      out = DecodeJoined(Nth(value, path.subcomponent, d.subcomponent), '\0', '\0', m);
    }
  }
  if (!out.ok()) {
    return InvalidArgument(m.Where(segment, path.field) + ": " + out.status().message());
  }
  return out;
}

Result<std::string> ReadFirst(const Message& message, const FieldPath& path) {
  const Segment* segment = message.Find(path.segment);
  if (segment == nullptr) return std::string();
  return ReadValue(message, *segment, path);
}

}  // namespace gallery::hl7v2
