// The agency key table of a hub config: its agencies' `public_keys` together with the
// key folder's files.
#pragma once

#include <memory>

#include "hub/common/result.h"
#include "hub/config/hub_config.h"
#include "hub/security/key_table.h"

namespace gallery::security {

// Reads `config.security.agency_keys_dir` (when set) and builds the table of it and the
// config's keys, checked against `config.agencies`. kInvalidArgument listing every
// malformed key file or misplaced key ("file:line: message"); kNotFound when the folder is
// missing. Blocks on I/O; thread-safe.
Result<std::shared_ptr<const KeyTable>> LoadAgencyKeys(const config::HubConfig& config);

}  // namespace gallery::security
