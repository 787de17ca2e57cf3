#include "hub/security/agency_key.h"

#include <charconv>
#include <chrono>

namespace gallery::security {
namespace {

std::optional<int> Digits(std::string_view s) {
  int n = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return n;
}

}  // namespace

std::optional<int64_t> ParseValidUntil(std::string_view date) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return std::nullopt;
  const auto year = Digits(date.substr(0, 4));
  const auto month = Digits(date.substr(5, 2));
  const auto day = Digits(date.substr(8, 2));
  if (!year || !month || !day) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year(*year),
                                        std::chrono::month(static_cast<unsigned>(*month)),
                                        std::chrono::day(static_cast<unsigned>(*day))};
  if (!ymd.ok()) return std::nullopt;
  const auto next_day = std::chrono::sys_days(ymd) + std::chrono::days(1);
  return std::chrono::duration_cast<std::chrono::seconds>(next_day.time_since_epoch()).count();
}

}  // namespace gallery::security
