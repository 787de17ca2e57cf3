#include "hub/metrics/text_format.h"

#include <cmath>

#include <fmt/format.h>

namespace gallery::metrics {
namespace {

bool IsNameStart(char c, bool colon_allowed) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon_allowed && c == ':');
}

bool IsName(std::string_view name, bool colon_allowed) {
  if (name.empty() || !IsNameStart(name[0], colon_allowed)) return false;
  for (char c : name.substr(1)) {
    if (!IsNameStart(c, colon_allowed) && !(c >= '0' && c <= '9')) return false;
  }
  return true;
}

}  // namespace

bool IsMetricName(std::string_view name) { return IsName(name, /*colon_allowed=*/true); }

bool IsLabelName(std::string_view name) {
  return IsName(name, /*colon_allowed=*/false) && !name.starts_with("__");
}

std::string QuoteLabelValue(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
  out += '"';
  return out;
}

std::string EscapeHelp(std::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::trunc(value) && std::fabs(value) < 1e15) {
    return fmt::format("{}", static_cast<int64_t>(value));
  }
  return fmt::format("{}", value);
}

std::string FormatLabels(const std::vector<std::string>& names,
                         const std::vector<std::string>& values, std::string_view extra_name,
                         std::string_view extra_value) {
  if (names.empty() && extra_name.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ',';
    out += names[i];
    out += '=';
    out += QuoteLabelValue(values[i]);
  }
  if (!extra_name.empty()) {
    if (!names.empty()) out += ',';
    out += extra_name;
    out += '=';
    out += QuoteLabelValue(extra_value);
  }
  out += '}';
  return out;
}

}  // namespace gallery::metrics
