// Reads a whole file into memory with a size cap, for adapters that parse complete files.
// Untrusted input must not be able to exhaust memory, hence the cap.
#pragma once

#include <cstddef>
#include <string>

#include "hub/common/result.h"

namespace gallery::csv {

// Returns the bytes of `path`. Blocks on file I/O. Thread-safe.
// Errors: kNotFound when the file cannot be opened, kInvalidArgument when it is larger
// than `max_bytes` (checked before reading), kDataLoss when reading fails midway.
// Messages name the path, never the content.
Result<std::string> ReadFileCapped(const std::string& path, size_t max_bytes);

}  // namespace gallery::csv
