#include "adapters/sdk/client_keys.h"

#include "hub/security/curve_key.h"

namespace gallery::sdk {

Status LoadClientKeys(const std::string& key_file, const std::string& hub_key_file,
                      ClientOptions& options) {
  auto secret = security::ReadKeyFile(key_file);
  if (!secret.ok()) return secret.status();
  auto public_key = security::PublicKeyOf(*secret);
  if (!public_key.ok()) return public_key.status();
  auto hub_key = security::ReadKeyFile(hub_key_file);
  if (!hub_key.ok()) return hub_key.status();
  options.curve_secret_key = std::move(secret).value();
  options.curve_public_key = std::move(public_key).value();
  options.curve_server_public_key = std::move(hub_key).value();
  return OkStatus();
}

}  // namespace gallery::sdk
