// Times as ISO 8601 UTC text, to the second, for reports and the admin API.
#pragma once

#include <cstdint>
#include <string>

namespace gallery {

// "2026-11-27T04:50:00Z" for `micros` since the Unix epoch.
std::string Iso8601Utc(int64_t micros);

}  // namespace gallery
