// The hub config's `security` section and each agency's `public_keys`: where the hub's own
// CURVE key and the agencies' public keys come from.
#pragma once

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "hub/common/yaml_util.h"
#include "hub/security/agency_key.h"

namespace gallery::config {

// Value type; thread-compatible.
struct SecurityConfig {
  // The hub's Z85 secret key, one line (its public key is derived from it). Required by
  // hubd unless allow_plaintext. Relative paths are resolved against the config's folder.
  std::string server_secret_key_file;
  // Optional folder of `<agency-id>[.<anything>].pub` files (security/key_folder.h), read at
  // start and on SIGHUP. Resolved likewise.
  std::string agency_keys_dir;
  // Local development only: the endpoint speaks plain ZeroMQ and trusts each Hello's agency.
  bool allow_plaintext = false;
  // Keys listed under the agencies' `public_keys`, in file order.
  std::vector<security::AgencyKey> agency_keys;
};

// Parses map `security` into `out`; `base_dir` anchors relative paths (used as is when
// empty). Adds every problem to `errors`. Never throws.
void ParseSecuritySection(const YAML::Node& security, const std::string& base_dir,
                          YamlErrors& errors, SecurityConfig& out);

// Parses agency `agency`'s `public_keys` list, `[{key: Z85, valid_until: YYYY-MM-DD}]`
// (valid_until optional), appending to `out`. Adds every problem to `errors`; never quotes
// a key. Never throws.
void ParseAgencyPublicKeys(const YAML::Node& list, const std::string& agency, YamlErrors& errors,
                           std::vector<security::AgencyKey>& out);

}  // namespace gallery::config
