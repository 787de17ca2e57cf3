#include "adapters/fhir/out/out_mapping.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <utility>

#include "adapters/common/mapping_yaml.h"
#include "adapters/csv/read_file.h"
#include "hub/common/yaml_util.h"

namespace gallery::fhir_out {
namespace {

using nlohmann::json;

constexpr std::pair<std::string_view, ResourceType> kResources[] = {
    {"Observation", ResourceType::kObservation},
    {"Encounter", ResourceType::kEncounter},
    {"Condition", ResourceType::kCondition},
    {"ServiceRequest", ResourceType::kServiceRequest},
    {"QuestionnaireResponse", ResourceType::kQuestionnaireResponse}};

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// One element name: a lower-case letter, then letters and digits.
bool IsElementName(std::string_view name) {
  if (name.empty() || name[0] < 'a' || name[0] > 'z') return false;
  return std::all_of(name.begin(), name.end(),
                     [](unsigned char c) { return std::isalnum(c) != 0; });
}

// "a.b[].c[x]": names, each may end in "[]"; only the last may end in "[x]".
bool IsElementPath(std::string_view path) {
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    std::string_view part = path.substr(start, dot == std::string_view::npos ? dot : dot - start);
    const bool last = dot == std::string_view::npos;
    if (part.ends_with("[]")) {
      part.remove_suffix(2);
    } else if (last && part.ends_with("[x]")) {
      part.remove_suffix(3);
    }
    if (!IsElementName(part)) return false;
    if (last) return true;
    start = dot + 1;
  }
}

// YAML as JSON: maps, lists, and scalars as strings (FHIR codes and URIs are strings).
json ToJson(const YAML::Node& node) {
  if (node.IsMap()) {
    json out = json::object();
    for (const auto& item : node) out[item.first.Scalar()] = ToJson(item.second);
    return out;
  }
  if (node.IsSequence()) {
    json out = json::array();
    for (const auto& item : node) out.push_back(ToJson(item));
    return out;
  }
  return node.IsScalar() ? json(node.Scalar()) : json();
}

class Loader {
 public:
  explicit Loader(YamlErrors& errors) : errors_(errors) {}

  void Load(const YAML::Node& root, OutMapping& out) {
    if (!root.IsMap()) {
      errors_.Add(root, "an outbound FHIR mapping must be a YAML map with key record_types");
      return;
    }
    CheckKeys(root, {"record_types"}, errors_);
    const YAML::Node types = root["record_types"];
    if (!types.IsMap() || types.size() == 0) {
      errors_.Add(types.IsDefined() ? types : root, "'record_types' must be a non-empty map");
      return;
    }
    CheckNoDuplicateKeys(types, errors_);
    for (const auto& item : types) {
      const std::string type = item.first.Scalar();
      if (type != "*" && !adapters::IsRecordType(type)) {
        errors_.Add(item.first, "'" + type + "' is not a record type (domain.event) or '*'");
        continue;
      }
      ResourceRule rule = Rule(item.second);
      if (type == "*") {
        out.fallback = std::move(rule);
      } else {
        out.record_types.emplace(type, std::move(rule));
      }
    }
  }

 private:
  ResourceRule Rule(const YAML::Node& node) {
    ResourceRule rule;
    if (!node.IsMap()) {
      errors_.Add(node, "a record type's rule must be a map with key 'resource'");
      return rule;
    }
    CheckKeys(node, {"resource", "retraction", "occurred_at", "set", "fields"}, errors_);
    const std::string resource = adapters::RequiredScalar(node, "resource", errors_);
    const auto* found = std::find_if(std::begin(kResources), std::end(kResources),
                                     [&](const auto& r) { return r.first == resource; });
    if (found != std::end(kResources)) {
      rule.resource = found->second;
    } else if (!resource.empty()) {
      errors_.Add(node["resource"],
                  "'resource' must be one of: Observation, Encounter, Condition, ServiceRequest, "
                  "QuestionnaireResponse");
    }
    const std::string retraction = ScalarOr(node, "retraction", "delete", errors_);
    if (retraction == "entered-in-error") {
      rule.retraction = Retraction::kEnteredInError;
    } else if (retraction != "delete") {
      errors_.Add(node["retraction"], "'retraction' must be one of: delete, entered-in-error");
    }
    rule.occurred_at = ScalarOr(node, "occurred_at", "", errors_);
    if (!rule.occurred_at.empty()) CheckPath(node["occurred_at"], rule.occurred_at);
    if (const YAML::Node set = node["set"]; adapters::IsDefined(set)) {
      if (!set.IsMap()) {
        errors_.Add(set, "'set' must be a map of element names to values");
      } else {
        CheckNoDuplicateKeys(set, errors_);
        for (const auto& item : set) {
          const std::string name = item.first.Scalar();
          if (!IsElementName(name)) {
            errors_.Add(item.first, "'" + name + "' is not a FHIR element name");
          }
          rule.set[name] = ToJson(item.second);
        }
      }
    }
    if (const YAML::Node fields = node["fields"]; adapters::IsDefined(fields)) {
      if (!fields.IsSequence()) {
        errors_.Add(fields, "'fields' must be a list");
      } else {
        std::set<std::string> seen;
        for (const auto& f : fields) {
          ElementRule field = Field(f);
          if (!field.heading.empty() &&
              !seen.insert(Lower(field.heading) + "/" + Lower(field.field)).second) {
            errors_.Add(f, "field '" + field.heading + "/" + field.field + "' is mapped twice");
          }
          rule.fields.push_back(std::move(field));
        }
      }
    }
    return rule;
  }

  ElementRule Field(const YAML::Node& node) {
    ElementRule out;
    if (!node.IsMap()) {
      errors_.Add(node, "a field must be a map with keys 'field' and 'element'");
      return out;
    }
    CheckKeys(node, {"field", "element", "unit", "as"}, errors_);
    const std::string path = adapters::RequiredScalar(node, "field", errors_);
    const size_t slash = path.find('/');
    if (!path.empty() && (slash == std::string::npos || slash == 0 || slash + 1 == path.size())) {
      errors_.Add(node["field"], "'field' must be Heading/Field, e.g. Result/Value");
    } else if (!path.empty()) {
      out.heading = path.substr(0, slash);
      out.field = path.substr(slash + 1);
    }
    out.element = adapters::RequiredScalar(node, "element", errors_);
    if (!out.element.empty()) CheckPath(node["element"], out.element);
    out.unit = ScalarOr(node, "unit", "", errors_);
    const std::string as = ScalarOr(node, "as", "auto", errors_);
    if (as == "code") {
      out.as = ValueAs::kCode;
    } else if (as == "coding") {
      out.as = ValueAs::kCoding;
    } else if (as == "string") {
      out.as = ValueAs::kString;
    } else if (as != "auto") {
      errors_.Add(node["as"], "'as' must be one of: auto, code, coding, string");
    }
    return out;
  }

  void CheckPath(const YAML::Node& at, const std::string& path) {
    if (!IsElementPath(path)) {
      errors_.Add(at, "'" + path +
                          "' is not an element path (names like code, value[x], category[], "
                          "note[].text)");
    }
  }

  YamlErrors& errors_;
};

}  // namespace

std::string_view ResourceName(ResourceType type) {
  for (const auto& [name, value] : kResources) {
    if (value == type) return name;
  }
  return "";
}

const ResourceRule* OutMapping::Find(const std::string& record_type) const {
  if (auto it = record_types.find(record_type); it != record_types.end()) return &it->second;
  return fallback ? &*fallback : nullptr;
}

Result<std::shared_ptr<const OutMapping>> ParseOutMapping(std::string_view yaml,
                                                          const std::string& file) {
  YamlErrors errors(file);
  auto mapping = std::make_shared<OutMapping>();
  mapping->file = file;
  try {
    const YAML::Node root = ParseYaml(yaml, errors);
    if (errors.empty()) Loader(errors).Load(root, *mapping);
  } catch (const YAML::Exception& e) {
    errors.Add(e.mark, e.msg);
  }
  if (!errors.empty()) return InvalidArgument(errors.Joined());
  return std::shared_ptr<const OutMapping>(std::move(mapping));
}

Result<std::shared_ptr<const OutMapping>> LoadOutMapping(const std::string& path) {
  auto text = csv::ReadFileCapped(path, kMaxYamlBytes);
  if (!text.ok()) return text.status();
  return ParseOutMapping(*text, path);
}

}  // namespace gallery::fhir_out
