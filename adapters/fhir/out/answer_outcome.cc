#include "adapters/fhir/out/answer_outcome.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "adapters/common/flag_parsing.h"

namespace gallery::fhir_out {

Outcome OutcomeOf(int http_status, std::string_view method) {
  if (http_status >= 200 && http_status < 300) return Outcome::kDone;
  if (method == "DELETE" && (http_status == 404 || http_status == 410)) return Outcome::kDone;
  if (http_status == 429 || (http_status >= 500 && http_status < 600)) return Outcome::kRetry;
  return Outcome::kRefused;
}

std::string IssueCodes(std::string_view body) {
  const nlohmann::json outcome = nlohmann::json::parse(body, nullptr, false);
  if (!outcome.is_object() || outcome.value("resourceType", "") != "OperationOutcome") return "";
  const auto issues = outcome.find("issue");
  if (issues == outcome.end() || !issues->is_array()) return "";
  std::string codes;
  for (const auto& issue : *issues) {
    if (!issue.is_object()) continue;
    const auto code = issue.find("code");
    if (code == issue.end() || !code->is_string()) continue;
    // Issue codes are a FHIR value set (lower-case words and '-'); anything else is not
    // echoed into logs.
    const std::string text = code->get<std::string>();
    const bool plain = !text.empty() && text.size() <= 32 &&
                       std::all_of(text.begin(), text.end(),
                                   [](char c) { return (c >= 'a' && c <= 'z') || c == '-'; });
    if (!codes.empty()) codes += ",";
    codes += plain ? text : "?";
  }
  return codes;
}

std::optional<std::chrono::milliseconds> RetryAfter(std::string_view header) {
  constexpr long long kMaxSeconds = 24 * 60 * 60;
  auto seconds = adapters::ParseNumber(header, 0, kMaxSeconds);
  if (!seconds) return std::nullopt;
  return std::chrono::seconds(*seconds);
}

std::chrono::milliseconds Backoff::Next() {
  const auto wait = next_;
  next_ = std::min(next_ * 2, max_);
  return wait;
}

}  // namespace gallery::fhir_out
