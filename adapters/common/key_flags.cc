#include "adapters/common/key_flags.h"

#include "adapters/sdk/client_keys.h"

namespace gallery::adapters {

bool TakeKeyFlag(std::string_view name, const std::string& value, KeyFlags& out) {
  if (name == "--key") {
    out.key_file = value;
  } else if (name == "--hub-key") {
    out.hub_key_file = value;
  } else {
    return false;
  }
  return true;
}

Status CheckKeyFlags(const KeyFlags& flags) {
  if (flags.key_file.empty() != flags.hub_key_file.empty()) {
    return InvalidArgument("--key and --hub-key go together");
  }
  return OkStatus();
}

Status ApplyKeyFlags(const KeyFlags& flags, sdk::ClientOptions& options) {
  if (flags.key_file.empty()) return OkStatus();
  return sdk::LoadClientKeys(flags.key_file, flags.hub_key_file, options);
}

}  // namespace gallery::adapters
