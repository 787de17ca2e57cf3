#include "hub/config/security_config.h"

#include <filesystem>

#include "hub/security/curve_key.h"

namespace gallery::config {
namespace {

// A non-empty scalar at `map[key]`, or "" (with an error when present but not one).
std::string Text(const YAML::Node& map, const std::string& key, YamlErrors& errors) {
  const YAML::Node value = map[key];
  if (!value.IsDefined()) return "";
  if (!value.IsScalar() || value.Scalar().empty()) {
    errors.Add(value, "'" + key + "' must be a non-empty value");
    return "";
  }
  return value.Scalar();
}

std::string Resolve(const std::string& path, const std::string& base_dir) {
  if (path.empty() || base_dir.empty() || std::filesystem::path(path).is_absolute()) return path;
  return (std::filesystem::path(base_dir) / path).lexically_normal().string();
}

}  // namespace

void ParseSecuritySection(const YAML::Node& security, const std::string& base_dir,
                          YamlErrors& errors, SecurityConfig& out) {
  CheckKeys(security, {"server_secret_key_file", "agency_keys_dir", "allow_plaintext"}, errors);
  out.server_secret_key_file = Resolve(Text(security, "server_secret_key_file", errors), base_dir);
  out.agency_keys_dir = Resolve(Text(security, "agency_keys_dir", errors), base_dir);
  const std::string plaintext = Text(security, "allow_plaintext", errors);
  if (plaintext == "true" || plaintext == "false") {
    out.allow_plaintext = plaintext == "true";
  } else if (!plaintext.empty()) {
    errors.Add(security["allow_plaintext"], "'allow_plaintext' must be true or false");
  }
}

void ParseAgencyPublicKeys(const YAML::Node& list, const std::string& agency, YamlErrors& errors,
                           std::vector<security::AgencyKey>& out) {
  if (!list.IsSequence()) {
    errors.Add(list, "'public_keys' must be a list of maps with keys: key, valid_until");
    return;
  }
  for (const YAML::Node& item : list) {
    if (!item.IsMap()) {
      errors.Add(item, "each public key must be a map with keys: key, valid_until");
      continue;
    }
    CheckKeys(item, {"key", "valid_until"}, errors);
    security::AgencyKey key;
    key.agency = agency;
    const YAML::Mark mark = item["key"].IsDefined() ? item["key"].Mark() : item.Mark();
    key.origin = errors.Where(mark);
    key.public_key = Text(item, "key", errors);
    if (!item["key"].IsDefined()) {
      errors.Add(item, "public key is missing required key 'key'");
      continue;
    }
    if (!key.public_key.empty() && !security::IsZ85Key(key.public_key)) {
      errors.Add(item["key"], "'key' must be a Z85 CURVE public key (40 characters)");
      continue;
    }
    if (const std::string date = Text(item, "valid_until", errors); !date.empty()) {
      key.refused_from = security::ParseValidUntil(date);
      if (!key.refused_from) {
        errors.Add(item["valid_until"], "'valid_until' must be a date YYYY-MM-DD");
        continue;
      }
    }
    if (!key.public_key.empty()) out.push_back(std::move(key));
  }
}

}  // namespace gallery::config
