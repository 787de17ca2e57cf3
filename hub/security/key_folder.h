// The agency key folder: one Z85 public key per file, named after its agency, read whole
// at start and on every reload.
#pragma once

#include <string>
#include <vector>

#include "hub/common/result.h"
#include "hub/security/agency_key.h"

namespace gallery::security {

// Reads every `<agency-id>.pub` and `<agency-id>.<anything>.pub` file of `dir` (other files,
// such as an agency's own `.key`, are ignored). Each holds a Z85 public key on its first
// line and optionally `valid_until: YYYY-MM-DD` on the second. Returns the keys in file-name
// order, or kInvalidArgument listing every malformed file, one "file:line: message" per
// line (never quoting a key); kNotFound when `dir` is not a folder. Blocks on I/O.
Result<std::vector<AgencyKey>> LoadKeyFolder(const std::string& dir);

}  // namespace gallery::security
