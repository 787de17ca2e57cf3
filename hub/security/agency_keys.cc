#include "hub/security/agency_keys.h"

#include "hub/security/key_folder.h"

namespace gallery::security {

Result<std::shared_ptr<const KeyTable>> LoadAgencyKeys(const config::HubConfig& config) {
  std::vector<AgencyKey> keys = config.security.agency_keys;
  if (!config.security.agency_keys_dir.empty()) {
    auto folder = LoadKeyFolder(config.security.agency_keys_dir);
    if (!folder.ok()) return folder.status();
    keys.insert(keys.end(), folder->begin(), folder->end());
  }
  std::unordered_set<std::string> agencies;
  for (const Agency& agency : config.agencies) agencies.insert(agency.id);
  return KeyTable::Build(std::move(keys), agencies);
}

}  // namespace gallery::security
