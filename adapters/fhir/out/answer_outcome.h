// What an answer from the recipient's FHIR server means for the hub delivery it carried:
// done (ack), try again later (keep it, back off), or refused (nack: the hub's redelivery
// and dead-letter path takes it), and the backoff between tries.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace gallery::fhir_out {

enum class Outcome { kDone, kRetry, kRefused };

// 2xx, and 404 or 410 to a DELETE (already gone: a resent retraction) → kDone; 429 and
// 5xx → kRetry; anything else → kRefused. Pure.
Outcome OutcomeOf(int http_status, std::string_view method);

// The `code` of each issue of an OperationOutcome `body`, comma-separated ("invalid,required"),
// or "" when the body is not one. Issue diagnostics are not read: they may quote contents.
// Pure; never throws.
std::string IssueCodes(std::string_view body);

// A Retry-After header in delta-seconds ("120") as a wait; nullopt for anything else (an
// HTTP date, garbage), and for more than a day. Pure.
std::optional<std::chrono::milliseconds> RetryAfter(std::string_view header);

// Capped exponential backoff: initial, doubling, at most `max`. Not thread-safe.
class Backoff {
 public:
  Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max)
      : initial_(initial), max_(max), next_(initial) {}
  // The wait before the next try; each call doubles the one after, up to the cap.
  std::chrono::milliseconds Next();
  void Reset() { next_ = initial_; }

 private:
  std::chrono::milliseconds initial_;
  std::chrono::milliseconds max_;
  std::chrono::milliseconds next_;
};

}  // namespace gallery::fhir_out
