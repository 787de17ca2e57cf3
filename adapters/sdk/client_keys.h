// Reading an agency's CURVE keys for the SDK from the files `hubctl keys new` writes.
#pragma once

#include <string>

#include "adapters/sdk/client_options.h"
#include "hub/common/status.h"

namespace gallery::sdk {

// Sets `options`' CURVE keys: this agency's secret key from `key_file` (its public key is
// derived from it, so the `.pub` beside it is not needed) and the hub's public key from
// `hub_key_file`. kNotFound or kFailedPrecondition when a file cannot be read,
// kInvalidArgument "file:1: ..." when it holds no Z85 key. Blocks on file I/O.
Status LoadClientKeys(const std::string& key_file, const std::string& hub_key_file,
                      ClientOptions& options);

}  // namespace gallery::sdk
