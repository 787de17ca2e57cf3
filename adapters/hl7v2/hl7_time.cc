#include "adapters/hl7v2/hl7_time.h"

#include <cstddef>

namespace gallery::hl7v2 {
namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

std::optional<csv::DateTimeParts> ParseHl7DateTime(std::string_view text) {
  csv::DateTimeParts p;
  std::string_view body = text;
  const size_t sign = text.find_first_of("+-");
  if (sign != std::string_view::npos) {
    int hh = 0;
    int mm = 0;
    if (text.size() != sign + 5 || !Digits(text, sign + 1, 2, hh) ||
        !Digits(text, sign + 3, 2, mm) || hh > 14 || mm > 59) {
      return std::nullopt;
    }
    p.utc_offset_seconds = (hh * 3600 + mm * 60) * (text[sign] == '-' ? -1 : 1);
    body = text.substr(0, sign);
  }
  if (const size_t dot = body.find('.'); dot != std::string_view::npos) {
    if (dot != 14 || dot + 1 == body.size()) return std::nullopt;
    for (char c : body.substr(dot + 1)) {
      if (c < '0' || c > '9') return std::nullopt;
    }
    body = body.substr(0, dot);
  }
  if (body.size() != 8 && body.size() != 10 && body.size() != 12 && body.size() != 14) {
    return std::nullopt;
  }
  if (!Digits(body, 0, 4, p.year) || !Digits(body, 4, 2, p.month) ||
      !Digits(body, 6, 2, p.day)) {
    return std::nullopt;
  }
  if (body.size() >= 10 && !Digits(body, 8, 2, p.hour)) return std::nullopt;
  if (body.size() >= 12 && !Digits(body, 10, 2, p.minute)) return std::nullopt;
  if (body.size() >= 14 && !Digits(body, 12, 2, p.second)) return std::nullopt;
  if (p.year < 1 || p.month < 1 || p.month > 12 || p.day < 1 ||
      p.day > DaysInMonth(p.year, p.month) || p.hour > 23 || p.minute > 59 || p.second > 59) {
    return std::nullopt;
  }
  return p;
}

}  // namespace gallery::hl7v2
