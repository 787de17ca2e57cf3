#include "hub/router/rule_yaml.h"

#include <algorithm>

namespace gallery::router {
namespace {

constexpr std::string_view kKindPrefix = "kind:";
constexpr std::string_view kRelationshipPrefix = "relationship:";
constexpr std::string_view kRelationships[] = {kRegisteredGp, kAllocatedWorker,
                                               kAnyRelationship};

std::string KindList() {
  std::string out;
  for (std::string_view kind : kAgencyKinds) {
    if (!out.empty()) out += ", ";
    out += kind;
  }
  return out;
}

std::string RelationshipList() {
  std::string out;
  for (std::string_view relationship : kRelationships) {
    if (!out.empty()) out += ", ";
    out.append(kRelationshipPrefix).append(relationship);
  }
  return out;
}

}  // namespace

std::optional<std::string> RuleYaml::Required(const YAML::Node& map, const std::string& key,
                                              std::string_view owner) {
  const YAML::Node value = map[key];
  if (!value.IsDefined() || value.IsNull()) {
    errors_.Add(map.Mark(), std::string(owner) + " is missing required key '" + key + "'");
    return std::nullopt;
  }
  return Optional(map, key);
}

std::optional<std::string> RuleYaml::Optional(const YAML::Node& map, const std::string& key) {
  const YAML::Node value = map[key];
  if (!value.IsDefined() || value.IsNull()) return std::nullopt;
  if (!value.IsScalar()) {
    errors_.Add(value, "'" + key + "' must be a single value");
    return std::nullopt;
  }
  return value.Scalar();
}

std::vector<YAML::Node> RuleYaml::List(const YAML::Node& map, const std::string& key,
                                       bool required, std::string_view needs,
                                       std::string_view owner) {
  std::vector<YAML::Node> items;
  const YAML::Node value = map[key];
  if (!value.IsDefined()) {
    if (required) {
      errors_.Add(map.Mark(), std::string(owner) + " is missing required key '" + key + "'");
    }
    return items;
  }
  if (value.IsScalar()) {
    items.push_back(value);
  } else if (value.IsSequence()) {
    for (const YAML::Node& item : value) {
      if (item.IsScalar()) {
        items.push_back(item);
      } else {
        errors_.Add(item, "each item of '" + key + "' must be a single value");
      }
    }
    if (required && value.size() == 0) {
      errors_.Add(value, "'" + key + "' must name at least one " + std::string(needs));
    }
  } else if (value.IsNull()) {
    if (required) {
      errors_.Add(map.Mark(), "'" + key + "' must name at least one " + std::string(needs));
    }
  } else {
    errors_.Add(value, "'" + key + "' must be a list");
  }
  return items;
}

std::optional<Party> RuleYaml::ParseParty(const YAML::Node& item, PartyUse use) {
  const std::string& text = item.Scalar();
  if (text.starts_with(kKindPrefix)) {
    std::string kind = text.substr(kKindPrefix.size());
    if (!IsAgencyKind(kind)) {
      errors_.Add(item, "unknown agency kind '" + kind + "' (expected one of: " + KindList() + ")");
      return std::nullopt;
    }
    return Party{Party::Type::kKind, std::move(kind)};
  }
  if (text.starts_with(kRelationshipPrefix)) {
    std::string relationship = text.substr(kRelationshipPrefix.size());
    if (use == PartyUse::kHeadings) {
      errors_.Add(item, "'" + text + "': heading translations name agencies and kinds, "
                                     "not relationships");
      return std::nullopt;
    }
    if (use == PartyUse::kRuleFrom) {
      errors_.Add(item, "'" + text + "': relationships can only be used in 'to'");
      return std::nullopt;
    }
    if (use == PartyUse::kInvolvement) {
      errors_.Add(item, "'" + text + "': involvement rules name agencies and kinds");
      return std::nullopt;
    }
    if (std::find(std::begin(kRelationships), std::end(kRelationships), relationship) ==
        std::end(kRelationships)) {
      errors_.Add(item, "unknown relationship '" + relationship +
                            "' (expected one of: " + RelationshipList() + ")");
      return std::nullopt;
    }
    return Party{Party::Type::kRelationship, std::move(relationship)};
  }
  const bool known = std::any_of(agencies_.begin(), agencies_.end(),
                                 [&](const Agency& a) { return a.id == text; });
  if (!known) {
    errors_.Add(item, "unknown agency '" + text +
                          "' (not in the hub config; use kind:<kind> for every agency of a "
                          "kind)");
    return std::nullopt;
  }
  return Party{Party::Type::kAgency, text};
}

}  // namespace gallery::router
