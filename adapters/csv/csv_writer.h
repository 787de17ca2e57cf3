// Writing CSV as RFC 4180 says: the inverse of csv_reader.h, for rejects files and the
// outbound writer. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gallery::csv {

// Appends `field` to `out`, quoted when it holds a comma, a quote, CR or LF, or starts or
// ends with a space (quotes doubled inside), so any reader gets the exact bytes back.
void AppendCsvField(std::string& out, std::string_view field);

// Appends `fields` as one row ending in CRLF.
void AppendCsvRow(std::string& out, const std::vector<std::string>& fields);

}  // namespace gallery::csv
