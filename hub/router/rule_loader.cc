#include "hub/router/rule_loader.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include "hub/common/yaml_util.h"

namespace gallery::router {
namespace {

constexpr std::string_view kKindPrefix = "kind:";
constexpr std::string_view kRelationshipPrefix = "relationship:";

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// [a-z0-9-]+ : protocol names and sensitivity labels.
bool IsSlug(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](char c) { return IsLowerAlnum(c) || c == '-'; });
}

// [a-z0-9][a-z0-9-.]* : rule ids, which may carry a dotted namespace ("sap.gp-1").
bool IsRuleId(std::string_view s) {
  return !s.empty() && IsLowerAlnum(s[0]) && std::all_of(s.begin(), s.end(), [](char c) {
    return IsLowerAlnum(c) || c == '-' || c == '.';
  });
}

std::string KindList() {
  std::string out;
  for (std::string_view kind : kAgencyKinds) {
    if (!out.empty()) out += ", ";
    out += kind;
  }
  return out;
}

// Parses one document into rules; shares the loader's cross-file state by reference.
class DocumentParser {
 public:
  DocumentParser(const std::vector<Agency>& agencies, YamlErrors& errors,
                 std::map<std::string, std::string, std::less<>>& rule_defined_at,
                 std::map<std::string, std::string, std::less<>>& protocol_defined_at,
                 std::vector<Rule>& rules)
      : agencies_(agencies),
        errors_(errors),
        rule_defined_at_(rule_defined_at),
        protocol_defined_at_(protocol_defined_at),
        rules_(rules) {}

  void Parse(std::string_view yaml) {
    const YAML::Node root = ParseYaml(yaml, errors_);
    if (!errors_.empty()) return;
    if (!root.IsMap()) {
      // An empty file has no position of its own; point at its start.
      errors_.Add(root.Mark().is_null() ? YAML::Mark() : root.Mark(),
                  "expected a protocol: a map with keys protocol, version, description, rules");
      return;
    }
    CheckKeys(root, {"protocol", "version", "description", "rules"}, errors_);
    std::string protocol;
    if (auto name = Scalar(root, "protocol", "protocol file")) {
      protocol = *name;
      if (!IsSlug(protocol)) {
        errors_.Add(root["protocol"], "protocol name '" + protocol +
                                          "' must be lower case letters, digits and hyphens");
      } else if (auto [it, inserted] =
                     protocol_defined_at_.emplace(protocol, Where(root["protocol"]));
                 !inserted) {
        errors_.Add(root["protocol"],
                    "protocol '" + protocol + "' is already defined at " + it->second);
      }
    }
    int version = 0;
    if (auto text = Scalar(root, "version", "protocol file")) {
      const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), version);
      if (ec != std::errc() || end != text->data() + text->size() || version < 1) {
        errors_.Add(root["version"], "'version' must be a positive whole number");
      }
    }
    const YAML::Node description = root["description"];
    if (description.IsDefined() && !description.IsNull()) {
      Scalar(root, "description", "protocol file");
    }
    const YAML::Node rules = root["rules"];
    if (!rules.IsDefined()) {
      errors_.Add(root.Mark(), "protocol file is missing required key 'rules'");
    } else if (!rules.IsNull() && !rules.IsSequence()) {
      errors_.Add(rules, "'rules' must be a list of rules");
    } else {
      for (const YAML::Node& node : rules) ParseRule(node, protocol, version);
    }
  }

 private:
  std::string Where(const YAML::Node& node) const { return errors_.Where(node.Mark()); }

  // A required scalar at `key`; `owner` names the map in the missing-key message.
  std::optional<std::string> Scalar(const YAML::Node& map, const std::string& key,
                                    std::string_view owner) {
    const YAML::Node value = map[key];
    if (!value.IsDefined() || value.IsNull()) {
      errors_.Add(map.Mark(), std::string(owner) + " is missing required key '" + key + "'");
      return std::nullopt;
    }
    if (!value.IsScalar()) {
      errors_.Add(value, "'" + key + "' must be a single value");
      return std::nullopt;
    }
    return value.Scalar();
  }

  // The scalar items of the list at `key`; a single scalar counts as a one-item list.
  // When `required`, a missing or empty list is reported, naming `needs`.
  std::vector<YAML::Node> List(const YAML::Node& map, const std::string& key, bool required,
                               std::string_view needs, std::string_view owner) {
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

  std::optional<Party> ParseParty(const YAML::Node& item, bool in_to) {
    const std::string& text = item.Scalar();
    if (text.starts_with(kKindPrefix)) {
      std::string kind = text.substr(kKindPrefix.size());
      if (!IsAgencyKind(kind)) {
        errors_.Add(item,
                    "unknown agency kind '" + kind + "' (expected one of: " + KindList() + ")");
        return std::nullopt;
      }
      return Party{Party::Type::kKind, std::move(kind)};
    }
    if (text.starts_with(kRelationshipPrefix)) {
      std::string relationship = text.substr(kRelationshipPrefix.size());
      if (!in_to) {
        errors_.Add(item, "'" + text + "': relationships can only be used in 'to'");
        return std::nullopt;
      }
      if (relationship != kRegisteredGp) {
        errors_.Add(item, "unsupported relationship '" + relationship +
                              "' (rule language v1 supports: relationship:" +
                              std::string(kRegisteredGp) + ")");
        return std::nullopt;
      }
      return Party{Party::Type::kRelationship, std::move(relationship)};
    }
    const bool known = std::any_of(agencies_.begin(), agencies_.end(),
                                   [&](const Agency& a) { return a.id == text; });
    if (!known) {
      errors_.Add(item, "unknown agency '" + text +
                            "' (not in the hub config; use kind:<kind> for every agency of "
                            "a kind)");
      return std::nullopt;
    }
    return Party{Party::Type::kAgency, text};
  }

  void ParseRule(const YAML::Node& node, const std::string& protocol, int version) {
    if (!node.IsMap()) {
      errors_.Add(node,
                  "each rule must be a map with keys: id, description, from, types, to, "
                  "include, exclude, labels");
      return;
    }
    CheckKeys(node, {"id", "description", "from", "types", "to", "include", "exclude", "labels"}, errors_);
    Rule rule;
    rule.protocol = protocol;
    rule.protocol_version = version;
    std::string owner = "rule";
    if (auto id = Scalar(node, "id", "rule")) {
      rule.id = *id;
      owner = "rule '" + rule.id + "'";
      const YAML::Node id_node = node["id"];
      rule.defined_at = {errors_.file(), id_node.Mark().line + 1, id_node.Mark().column + 1};
      if (!IsRuleId(rule.id)) {
        errors_.Add(id_node, "rule id '" + rule.id +
                                 "' must start with a lower case letter or digit and use only "
                                 "those, '-' and '.'");
      } else if (auto [it, inserted] = rule_defined_at_.emplace(rule.id, Where(id_node));
                 !inserted) {
        errors_.Add(id_node,
                    "duplicate rule id '" + rule.id + "' (first defined at " + it->second + ")");
      }
    }
    if (node["description"].IsDefined() && !node["description"].IsNull()) {
      if (auto text = Scalar(node, "description", owner)) rule.description = *text;
    }
    for (const YAML::Node& item : List(node, "from", true, "agency or kind", owner)) {
      if (auto party = ParseParty(item, /*in_to=*/false)) rule.from.push_back(*party);
    }
    for (const YAML::Node& item : List(node, "types", true, "record type", owner)) {
      auto glob = CompileTypePattern(item.Scalar());
      if (glob.ok()) {
        rule.types.push_back(*std::move(glob));
      } else {
        errors_.Add(item, glob.status().message());
      }
    }
    for (const YAML::Node& item : List(node, "to", true, "recipient", owner)) {
      if (auto party = ParseParty(item, /*in_to=*/true)) rule.to.push_back(*party);
    }
    CompilePaths(node, "include", owner, rule.include);
    CompilePaths(node, "exclude", owner, rule.exclude);
    for (const YAML::Node& item : List(node, "labels", false, "", owner)) {
      if (!IsSlug(item.Scalar())) {
        errors_.Add(item,
                    "label '" + item.Scalar() + "' must be lower case letters, digits and hyphens");
        continue;
      }
      rule.labels.push_back(item.Scalar());
    }
    std::sort(rule.labels.begin(), rule.labels.end());
    rule.labels.erase(std::unique(rule.labels.begin(), rule.labels.end()), rule.labels.end());
    rules_.push_back(std::move(rule));
  }

  void CompilePaths(const YAML::Node& node, const std::string& key, std::string_view owner,
                    std::vector<PathPattern>& out) {
    for (const YAML::Node& item : List(node, key, false, "", owner)) {
      auto pattern = CompilePathPattern(item.Scalar());
      if (pattern.ok()) {
        out.push_back(*std::move(pattern));
      } else {
        errors_.Add(item, pattern.status().message());
      }
    }
  }

  const std::vector<Agency>& agencies_;
  YamlErrors& errors_;
  std::map<std::string, std::string, std::less<>>& rule_defined_at_;
  std::map<std::string, std::string, std::less<>>& protocol_defined_at_;
  std::vector<Rule>& rules_;
};

}  // namespace

void RuleLoader::AddDocument(std::string_view yaml, const std::string& file) {
  YamlErrors errors(file);
  DocumentParser(agencies_, errors, rule_defined_at_, protocol_defined_at_, rules_).Parse(yaml);
  errors_.insert(errors_.end(), errors.messages().begin(), errors.messages().end());
}

std::string RuleLoader::Errors() const {
  std::string out;
  for (const std::string& e : errors_) {
    if (!out.empty()) out += '\n';
    out += e;
  }
  return out;
}

}  // namespace gallery::router
