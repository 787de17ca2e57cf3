// RulePositions: where each key and list item of the loaded rules was written, read again
// from their files, so that a finding can point at the include entry it is about rather
// than at the rule's id.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "hub/router/rule.h"

namespace gallery::governance {

// Immutable once read; thread-compatible.
class RulePositions {
 public:
  // Re-reads the files the rules and protocols were loaded from (their defined_at). A file
  // that cannot be read or parsed again only costs precision: lookups fall back to the
  // rule's or protocol's own position. Blocks on file I/O.
  static RulePositions Read(const std::vector<router::Rule>& rules,
                            const std::vector<router::Protocol>& protocols);

  // Item `index` of the rule's list at `key` ("include", "types" ...), else the key, else
  // the rule's id.
  router::SourceLocation Item(const router::Rule& rule, std::string_view key, size_t index) const;
  // The rule's `key`, else the rule's id.
  router::SourceLocation Key(const router::Rule& rule, std::string_view key) const;
  // The protocol's top-level `key` ("review_by" ...), else where `protocol:` is.
  router::SourceLocation ProtocolKey(const router::Protocol& protocol, std::string_view key) const;

 private:
  struct Keys {
    std::map<std::string, router::SourceLocation, std::less<>> key;
    std::map<std::string, std::vector<router::SourceLocation>, std::less<>> items;
  };
  void ReadFile(const std::string& file);

  std::map<std::string, Keys, std::less<>> rules_;      // by rule id
  std::map<std::string, Keys, std::less<>> protocols_;  // by file
};

}  // namespace gallery::governance
