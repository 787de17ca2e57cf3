#include "adapters/fhir/fhir_time.h"

#include <charconv>
#include <cstdio>

namespace gallery::fhir {
namespace {

bool Digits(std::string_view s, size_t at, size_t n, int& out) {
  if (at + n > s.size()) return false;
  for (size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  std::from_chars(s.data() + at, s.data() + at + n, out);
  return true;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// Days from 1970-01-01 to the civil date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

}  // namespace

std::string FhirDateTime::IsoDate() const {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", year, month, day);
  return buffer;
}

google::protobuf::Timestamp FhirDateTime::ToTimestamp() const {
  google::protobuf::Timestamp ts;
  const int64_t seconds = DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 +
                          second - int64_t{offset_minutes} * 60;
  ts.set_seconds(seconds);
  ts.set_nanos(nanos);
  return ts;
}

std::optional<FhirDateTime> ParseFhirDateTime(std::string_view s) {
  FhirDateTime t;
  if (!Digits(s, 0, 4, t.year) || t.year < 1) return std::nullopt;
  if (s.size() == 4) return t;
  if (s[4] != '-' || !Digits(s, 5, 2, t.month) || t.month < 1 || t.month > 12) return std::nullopt;
  if (s.size() == 7) return t;
  if (s[7] != '-' || !Digits(s, 8, 2, t.day) || t.day < 1 || t.day > DaysInMonth(t.year, t.month)) {
    return std::nullopt;
  }
  if (s.size() == 10) return t;
  if (s[10] != 'T' || !Digits(s, 11, 2, t.hour) || s.size() < 19 || s[13] != ':' ||
      !Digits(s, 14, 2, t.minute) || s[16] != ':' || !Digits(s, 17, 2, t.second) || t.hour > 23 ||
      t.minute > 59 || t.second > 60) {
    return std::nullopt;
  }
  t.has_time = true;
  size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    ++i;
    int digits = 0;
    int nanos = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (digits < 9) nanos = nanos * 10 + (s[i] - '0');
      ++digits;
      ++i;
    }
    if (digits == 0) return std::nullopt;
    for (int k = digits; k < 9; ++k) nanos *= 10;
    t.nanos = nanos;
  }
  if (i < s.size() && s[i] == 'Z' && i + 1 == s.size()) return t;
  int oh = 0;
  int om = 0;
  if (i + 6 != s.size() || (s[i] != '+' && s[i] != '-') || !Digits(s, i + 1, 2, oh) ||
      s[i + 3] != ':' || !Digits(s, i + 4, 2, om) || oh > 14 || om > 59) {
    return std::nullopt;
  }
  t.offset_minutes = (s[i] == '-' ? -1 : 1) * (oh * 60 + om);
  return t;
}

}  // namespace gallery::fhir
