// --key and --hub-key, the CurveZMQ flags every adapter takes: the agency's secret key file
// and the hub's public key file, as `hubctl keys new` writes them.
#pragma once

#include <string>
#include <string_view>

#include "adapters/sdk/client_options.h"
#include "hub/common/status.h"

namespace gallery::adapters {

struct KeyFlags {
  std::string key_file;      // --key FILE: this agency's secret key (AGENCY.key)
  std::string hub_key_file;  // --hub-key FILE: the hub's public key (HUB.pub)
};

// When `name` is "--key" or "--hub-key", stores `value` and returns true. Pure.
bool TakeKeyFlag(std::string_view name, const std::string& value, KeyFlags& out);

// kInvalidArgument "--key and --hub-key go together" when only one is given. Pure.
Status CheckKeyFlags(const KeyFlags& flags);

// Reads the key files into `options` when the flags were given; leaves `options` plain
// otherwise. The error of sdk::LoadClientKeys (naming the file). Blocks on file I/O.
Status ApplyKeyFlags(const KeyFlags& flags, sdk::ClientOptions& options);

}  // namespace gallery::adapters
