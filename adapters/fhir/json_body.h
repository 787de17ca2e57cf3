// Reading a request body as JSON, safely: bounded nesting (the serializer and our readers
// recurse), no exceptions, and XML recognised so that it can be answered 415.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "adapters/fhir/fhir_error.h"

namespace gallery::fhir {

// Deeper JSON than any FHIR resource needs is refused rather than parsed.
inline constexpr int kMaxJsonDepth = 64;

// True when `body` starts (after whitespace and a byte order mark) with '<'.
bool LooksLikeXml(std::string_view body);

// Parses `body` into `out`. 400 "structure" when it is not JSON (invalid UTF-8 included)
// or nests deeper than kMaxJsonDepth. Thread-safe; never throws.
Refusal ParseJsonBody(std::string_view body, nlohmann::json& out);

// `value` serialized, with any invalid UTF-8 replaced rather than thrown on.
std::string DumpJson(const nlohmann::json& value);

}  // namespace gallery::fhir
