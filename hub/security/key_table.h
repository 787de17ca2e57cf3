// KeyTable: which agency each accepted public key authenticates, and until when. Built
// whole from the config's keys and the key folder, then swapped in whole.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "hub/common/result.h"
#include "hub/security/agency_key.h"

namespace gallery::security {

// Immutable once built; thread-safe.
class KeyTable {
 public:
  enum class Verdict { kAccepted, kUnknownKey, kExpiredKey };
  struct Match {
    Verdict verdict = Verdict::kUnknownKey;
    std::string agency;  // set unless kUnknownKey
  };

  // A table of `keys`, each of which must name one of `agencies`. Several keys per agency
  // may be valid at once (rotation). A key listed twice for one agency counts with its later
  // end; a key listed for two agencies, or for an agency the hub does not know, is
  // kInvalidArgument naming where it was declared (every such problem, one per line).
  static Result<std::shared_ptr<const KeyTable>> Build(
      std::vector<AgencyKey> keys, const std::unordered_set<std::string>& agencies);

  // The agency of Z85 `public_key` at Unix second `now`: a key past its end is refused from
  // then on, whether or not the table was rebuilt since. Never blocks.
  Match Find(std::string_view public_key, int64_t now) const;

  size_t size() const { return keys_.size(); }
  // Keys per agency, for the log line of a load.
  std::vector<std::pair<std::string, int>> CountsByAgency() const;

 private:
  std::unordered_map<std::string, AgencyKey> keys_;  // by Z85 public key
};

}  // namespace gallery::security
