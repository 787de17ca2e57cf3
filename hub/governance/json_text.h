// JsonString: a value quoted and escaped as a JSON string, for the governance reports'
// JSON output.
#pragma once

#include <string>
#include <string_view>

namespace gallery::governance {

// Escapes quotes, backslashes and control characters; bytes that are not UTF-8 become
// U+FFFD, so the output is always valid JSON. Thread-safe.
std::string JsonString(std::string_view text);

}  // namespace gallery::governance
