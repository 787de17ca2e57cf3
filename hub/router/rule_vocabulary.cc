#include "hub/router/rule_vocabulary.h"

#include <array>
#include <chrono>

namespace gallery::router {
namespace {

constexpr std::array<std::string_view, 3> kPurposes = {kDirectCare, kSafeguarding,
                                                       kServicePlanning};
constexpr std::array<ConsentMode, 3> kConsentModes = {
    ConsentMode::kRequired, ConsentMode::kObjectionRespected, ConsentMode::kOverride};

// Digits only: from_chars would accept a sign.
std::optional<int> Digits(std::string_view text) {
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

bool IsPurpose(std::string_view text) {
  for (std::string_view purpose : kPurposes) {
    if (purpose == text) return true;
  }
  return false;
}

std::string PurposeList() {
  std::string out;
  for (std::string_view purpose : kPurposes) {
    if (!out.empty()) out += ", ";
    out += purpose;
  }
  return out;
}

std::optional<ConsentMode> ConsentModeFromName(std::string_view name) {
  for (ConsentMode mode : kConsentModes) {
    if (ConsentModeName(mode) == name) return mode;
  }
  return std::nullopt;
}

std::string ConsentModeList() {
  std::string out;
  for (ConsentMode mode : kConsentModes) {
    if (!out.empty()) out += ", ";
    out += ConsentModeName(mode);
  }
  return out;
}

std::optional<int64_t> DaysSinceEpoch(std::string_view date) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return std::nullopt;
  const auto year = Digits(date.substr(0, 4));
  const auto month = Digits(date.substr(5, 2));
  const auto day = Digits(date.substr(8, 2));
  if (!year || !month || !day) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year(*year),
                                        std::chrono::month(static_cast<unsigned>(*month)),
                                        std::chrono::day(static_cast<unsigned>(*day))};
  if (!ymd.ok()) return std::nullopt;  // 2026-02-29, 2026-13-01
  return std::chrono::sys_days(ymd).time_since_epoch().count();
}

}  // namespace gallery::router
