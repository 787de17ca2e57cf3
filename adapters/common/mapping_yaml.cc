#include "adapters/common/mapping_yaml.h"

namespace gallery::adapters {

bool IsDefined(const YAML::Node& node) { return node.IsDefined() && !node.IsNull(); }

bool IsRecordType(std::string_view s) {
  const size_t dot = s.find('.');
  if (dot == std::string_view::npos || s.find('.', dot + 1) != std::string_view::npos) return false;
  for (std::string_view part : {s.substr(0, dot), s.substr(dot + 1)}) {
    if (part.empty() || part.front() < 'a' || part.front() > 'z') return false;
    for (char c : part) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    }
  }
  return true;
}

std::string RequiredScalar(const YAML::Node& map, std::string_view key, YamlErrors& errors) {
  const YAML::Node node = map[std::string(key)];
  if (!IsDefined(node)) {
    errors.Add(map, "missing required key '" + std::string(key) + "'");
    return "";
  }
  if (!node.IsScalar() || node.Scalar().empty()) {
    errors.Add(node, "'" + std::string(key) + "' must be a non-empty single value");
    return "";
  }
  return node.Scalar();
}

bool OptionalBool(const YAML::Node& map, std::string_view key, YamlErrors& errors) {
  const YAML::Node node = map[std::string(key)];
  if (!IsDefined(node)) return false;
  bool value = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
    errors.Add(node, "'" + std::string(key) + "' must be true or false");
  }
  return value;
}

std::vector<std::string> LabelList(const YAML::Node& map, std::string_view key,
                                   YamlErrors& errors) {
  std::vector<std::string> labels = ScalarList(map, key, errors);
  for (const auto& label : labels) {
    if (label.empty() || label.find_first_of(" \t\r\n") != std::string::npos) {
      errors.Add(map[std::string(key)], "labels must be non-empty and without spaces");
    }
  }
  return labels;
}

std::string RecordIdPrefix(const YAML::Node& root, const std::string& default_prefix,
                           YamlErrors& errors) {
  const YAML::Node id = root["record_id"];
  if (!IsDefined(id)) return default_prefix;
  if (!id.IsMap()) {
    errors.Add(id, "'record_id' must be a map with 'prefix'");
    return default_prefix;
  }
  CheckKeys(id, {"prefix"}, errors);
  return ScalarOr(id, "prefix", default_prefix, errors);
}

}  // namespace gallery::adapters
