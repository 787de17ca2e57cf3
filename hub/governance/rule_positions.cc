#include "hub/governance/rule_positions.h"

#include <fstream>
#include <set>
#include <sstream>

#include "hub/common/yaml_util.h"

namespace gallery::governance {
namespace {

router::SourceLocation At(const std::string& file, const YAML::Mark& mark) {
  return {file, mark.line + 1, mark.column + 1};
}

}  // namespace

RulePositions RulePositions::Read(const std::vector<router::Rule>& rules,
                                  const std::vector<router::Protocol>& protocols) {
  std::set<std::string> files;
  for (const router::Rule& rule : rules) files.insert(rule.defined_at.file);
  for (const router::Protocol& protocol : protocols) files.insert(protocol.defined_at.file);
  RulePositions positions;
  for (const std::string& file : files) positions.ReadFile(file);
  return positions;
}

void RulePositions::ReadFile(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in.is_open()) return;
  std::ostringstream text;
  text << in.rdbuf();
  YamlErrors errors(file);
  const YAML::Node root = ParseYaml(text.str(), errors);
  if (!errors.empty() || !root.IsMap()) return;
  // Each key's position, and each item's when its value is a list (or one scalar).
  auto collect = [&](const YAML::Node& map, Keys& keys) {
    for (const auto& kv : map) {
      const std::string key = kv.first.Scalar();
      keys.key.emplace(key, At(file, kv.first.Mark()));
      std::vector<router::SourceLocation>& items = keys.items[key];
      if (kv.second.IsSequence()) {
        for (const YAML::Node& item : kv.second) items.push_back(At(file, item.Mark()));
      } else {
        items.push_back(At(file, kv.second.Mark()));
      }
    }
  };
  try {
    collect(root, protocols_[file]);
    const YAML::Node rules = root["rules"];
    if (!rules.IsSequence()) return;
    for (const YAML::Node& rule : rules) {
      if (!rule.IsMap() || !rule["id"].IsScalar()) continue;
      collect(rule, rules_[rule["id"].Scalar()]);
    }
  } catch (const YAML::Exception&) {
    // Positions only refine findings; the loader already accepted this file.
  }
}

router::SourceLocation RulePositions::Item(const router::Rule& rule, std::string_view key,
                                           size_t index) const {
  if (auto it = rules_.find(rule.id); it != rules_.end()) {
    if (auto items = it->second.items.find(key);
        items != it->second.items.end() && index < items->second.size()) {
      return items->second[index];
    }
  }
  return Key(rule, key);
}

router::SourceLocation RulePositions::Key(const router::Rule& rule, std::string_view key) const {
  if (auto it = rules_.find(rule.id); it != rules_.end()) {
    if (auto found = it->second.key.find(key); found != it->second.key.end()) {
      return found->second;
    }
  }
  return rule.defined_at;
}

router::SourceLocation RulePositions::ProtocolKey(const router::Protocol& protocol,
                                                  std::string_view key) const {
  if (auto it = protocols_.find(protocol.defined_at.file); it != protocols_.end()) {
    if (auto found = it->second.key.find(key); found != it->second.key.end()) {
      return found->second;
    }
  }
  return protocol.defined_at;
}

}  // namespace gallery::governance
