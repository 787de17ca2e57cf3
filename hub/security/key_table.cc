#include "hub/security/key_table.h"

#include <map>

namespace gallery::security {

Result<std::shared_ptr<const KeyTable>> KeyTable::Build(
    std::vector<AgencyKey> keys, const std::unordered_set<std::string>& agencies) {
  auto table = std::make_shared<KeyTable>();
  std::string errors;
  auto add_error = [&](const std::string& error) {
    errors += (errors.empty() ? "" : "\n") + error;
  };
  for (AgencyKey& key : keys) {
    if (!agencies.contains(key.agency)) {
      add_error(key.origin + ": key for unknown agency '" + key.agency + "'");
      continue;
    }
    auto [it, inserted] = table->keys_.emplace(key.public_key, key);
    if (inserted) continue;
    AgencyKey& held = it->second;
    if (held.agency != key.agency) {
      add_error(key.origin + ": key already given to agency '" + held.agency + "' at " +
                held.origin);
    } else if (held.refused_from && (!key.refused_from || *key.refused_from > *held.refused_from)) {
      held.refused_from = key.refused_from;
    }
  }
  if (!errors.empty()) return InvalidArgument(errors);
  return std::shared_ptr<const KeyTable>(std::move(table));
}

KeyTable::Match KeyTable::Find(std::string_view public_key, int64_t now) const {
  auto it = keys_.find(std::string(public_key));
  if (it == keys_.end()) return {};
  const AgencyKey& key = it->second;
  if (key.refused_from && now >= *key.refused_from) return {Verdict::kExpiredKey, key.agency};
  return {Verdict::kAccepted, key.agency};
}

std::vector<std::pair<std::string, int>> KeyTable::CountsByAgency() const {
  std::map<std::string, int> counts;
  for (const auto& [public_key, key] : keys_) ++counts[key.agency];
  return {counts.begin(), counts.end()};
}

}  // namespace gallery::security
