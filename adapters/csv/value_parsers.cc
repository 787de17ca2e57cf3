#include "adapters/csv/value_parsers.h"

#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "adapters/csv/text_util.h"

namespace gallery::csv {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

constexpr std::array<std::string_view, 12> kMonthNames = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};

// Reads between `min` and `max` digits at `pos`, greedily, so that "%d%m%Y" reads
// "05121993" as 05, 12, 1993.
bool ReadNumber(std::string_view text, size_t& pos, int min, int max, int& out) {
  int n = 0;
  int value = 0;
  while (n < max && pos < text.size() && IsDigit(text[pos])) {
    value = value * 10 + (text[pos] - '0');
    ++pos;
    ++n;
  }
  out = value;
  return n >= min;
}

bool ReadMonthName(std::string_view text, size_t& pos, bool full, int& month) {
  for (size_t m = 0; m < kMonthNames.size(); ++m) {
    const std::string_view name = full ? kMonthNames[m] : kMonthNames[m].substr(0, 3);
    if (EqualsIgnoreCase(text.substr(pos, name.size()), name)) {
      pos += name.size();
      month = static_cast<int>(m) + 1;
      return true;
    }
  }
  return false;
}

bool ReadOffset(std::string_view text, size_t& pos, int& seconds) {
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
    seconds = 0;
    return true;
  }
  if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-')) return false;
  const int sign = text[pos] == '-' ? -1 : 1;
  ++pos;
  int hours = 0;
  int minutes = 0;
  if (!ReadNumber(text, pos, 2, 2, hours)) return false;
  if (pos < text.size() && text[pos] == ':') ++pos;
  if (!ReadNumber(text, pos, 2, 2, minutes)) return false;
  if (hours > 23 || minutes > 59) return false;
  seconds = sign * (hours * 3600 + minutes * 60);
  return true;
}

bool ValidParts(const DateTimeParts& p) {
  using namespace std::chrono;
  const year_month_day ymd{year{p.year}, month{static_cast<unsigned>(p.month)},
                           day{static_cast<unsigned>(p.day)}};
  return p.year >= 1 && ymd.ok() && p.hour < 24 && p.minute < 60 && p.second < 60;
}

}  // namespace

std::optional<int64_t> ParseInteger(std::string_view s) {
  // from_chars refuses a leading '+', which people do type; one sign at most.
  if (!s.empty() && s.front() == '+') {
    s.remove_prefix(1);
    if (s.empty() || s.front() == '-') return std::nullopt;
  }
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

std::optional<double> ParseDecimal(std::string_view s) {
  if (!s.empty() && s.front() == '+') {
    s.remove_prefix(1);
    if (s.empty() || s.front() == '-') return std::nullopt;
  }
  // from_chars also reads "inf", "nan" and hex floats with the right flags; a cell is
  // accepted only when it is made of digits, sign, point and exponent.
  for (char c : s) {
    if (!IsDigit(c) && c != '-' && c != '.' && c != 'e' && c != 'E') return std::nullopt;
  }
  double value = 0;
  const auto [end, ec] =
      std::from_chars(s.data(), s.data() + s.size(), value, std::chars_format::general);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::optional<bool> ParseBoolean(std::string_view s) {
  for (std::string_view yes : {"yes", "y", "true", "1"}) {
    if (EqualsIgnoreCase(s, yes)) return true;
  }
  for (std::string_view no : {"no", "n", "false", "0"}) {
    if (EqualsIgnoreCase(s, no)) return false;
  }
  return std::nullopt;
}

bool IsGender(std::string_view s) {
  return s == "male" || s == "female" || s == "other" || s == "unknown";
}

std::string DateTimeParts::IsoDate() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

google::protobuf::Timestamp DateTimeParts::ToTimestamp() const {
  using namespace std::chrono;
  const sys_days days{year_month_day{std::chrono::year{year},
                                     std::chrono::month{static_cast<unsigned>(month)},
                                     std::chrono::day{static_cast<unsigned>(day)}}};
  const int64_t seconds = int64_t{days.time_since_epoch().count()} * 86400 + hour * 3600 +
                          minute * 60 + second - utc_offset_seconds;
  google::protobuf::Timestamp ts;
  ts.set_seconds(seconds);
  return ts;
}

Result<DateFormat> DateFormat::Compile(std::string_view pattern) {
  DateFormat format;
  format.pattern_ = std::string(pattern);
  std::string seen;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '%') {
      if (format.pieces_.empty() || format.pieces_.back().directive != 0) {
        format.pieces_.push_back({});
      }
      format.pieces_.back().literal.push_back(pattern[i]);
      continue;
    }
    if (++i == pattern.size()) return InvalidArgument("format ends with a lone '%'");
    const char d = pattern[i];
    if (d == '%') {
      format.pieces_.push_back({0, "%"});
      continue;
    }
    if (std::string_view("YmdbBHMSz").find(d) == std::string_view::npos) {
      return InvalidArgument(std::string("unknown directive '%") + d +
                             "' (expected %Y %m %d %b %B %H %M %S %z %%)");
    }
    const bool month_like = d == 'm' || d == 'b' || d == 'B';
    if (seen.find(d) != std::string::npos ||
        (month_like && seen.find_first_of("mbB") != std::string::npos)) {
      return InvalidArgument(std::string("directive '%") + d + "' appears twice");
    }
    seen.push_back(d);
    format.pieces_.push_back({d, ""});
  }
  if (seen.find('Y') == std::string::npos || seen.find_first_of("mbB") == std::string::npos ||
      seen.find('d') == std::string::npos) {
    return InvalidArgument("format needs a year (%Y), a month (%m, %b or %B) and a day (%d)");
  }
  return format;
}

std::optional<DateTimeParts> DateFormat::Parse(std::string_view text) const {
  DateTimeParts p;
  size_t pos = 0;
  for (const Piece& piece : pieces_) {
    bool ok = true;
    switch (piece.directive) {
      case 0:
        ok = text.substr(pos, piece.literal.size()) == piece.literal;
        pos += piece.literal.size();
        break;
      case 'Y':
        ok = ReadNumber(text, pos, 4, 4, p.year);
        break;
      case 'm':
        ok = ReadNumber(text, pos, 1, 2, p.month);
        break;
      case 'd':
        ok = ReadNumber(text, pos, 1, 2, p.day);
        break;
      case 'b':
        ok = ReadMonthName(text, pos, false, p.month);
        break;
      case 'B':
        ok = ReadMonthName(text, pos, true, p.month);
        break;
      case 'H':
        ok = ReadNumber(text, pos, 1, 2, p.hour);
        break;
      case 'M':
        ok = ReadNumber(text, pos, 1, 2, p.minute);
        break;
      case 'S':
        ok = ReadNumber(text, pos, 1, 2, p.second);
        break;
      case 'z':
        ok = ReadOffset(text, pos, p.utc_offset_seconds);
        break;
      default:
        ok = false;
    }
    if (!ok) return std::nullopt;
  }
  if (pos != text.size() || !ValidParts(p)) return std::nullopt;
  return p;
}

}  // namespace gallery::csv
