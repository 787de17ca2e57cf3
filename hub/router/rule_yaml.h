// Reading the values of rule files, each error with its position: required and optional
// scalars, lists, and parties checked against the hub's agencies.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/common/agency.h"
#include "hub/common/yaml_util.h"
#include "hub/router/rule.h"

namespace gallery::router {

// Where a party is written, which decides what it may name.
enum class PartyUse {
  kRuleFrom,  // agencies and kinds
  kRuleTo,    // agencies, kinds and relationships
  kHeadings,  // a heading translation's `to` or `from`: agencies and kinds
  kInvolvement,  // an involvement rule's `askers` or `reveals`: agencies and kinds
};

// Not thread-safe; reads one document. `agencies` and `errors` must outlive it.
class RuleYaml {
 public:
  RuleYaml(const std::vector<Agency>& agencies, YamlErrors& errors)
      : agencies_(agencies), errors_(errors) {}

  // The scalar at `key`; reports it missing (naming `owner`, e.g. "rule 'x'") or not a scalar.
  std::optional<std::string> Required(const YAML::Node& map, const std::string& key,
                                      std::string_view owner);
  // The scalar at `key`, or nullopt when absent or null; reports it when not a scalar.
  std::optional<std::string> Optional(const YAML::Node& map, const std::string& key);

  // The scalar items of the list at `key`; a single scalar counts as a one-item list.
  // When `required`, a missing or empty list is reported, naming `needs`.
  std::vector<YAML::Node> List(const YAML::Node& map, const std::string& key, bool required,
                               std::string_view needs, std::string_view owner);

  // "asc-county", "kind:housing" or "relationship:registered-gp", as `use` allows.
  std::optional<Party> ParseParty(const YAML::Node& item, PartyUse use);

  std::string Where(const YAML::Node& node) const { return errors_.Where(node.Mark()); }
  SourceLocation Location(const YAML::Node& node) const {
    return {errors_.file(), node.Mark().line + 1, node.Mark().column + 1};
  }
  YamlErrors& errors() { return errors_; }

 private:
  const std::vector<Agency>& agencies_;
  YamlErrors& errors_;
};

}  // namespace gallery::router
