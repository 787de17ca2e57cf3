#include "hub/governance/catalogue.h"

#include "hub/common/yaml_util.h"
#include "hub/router/path_pattern.h"

namespace gallery::governance {
namespace {

constexpr std::string_view kCode = "catalogue";

router::SourceLocation At(const std::string& file, const YAML::Node& node) {
  return {file, node.Mark().line + 1, node.Mark().column + 1};
}

void ParseType(const YAML::Node& key, const YAML::Node& value, YamlErrors& errors,
               Catalogue& catalogue) {
  CataloguedType type;
  type.name = key.Scalar();
  type.defined_at = At(catalogue.file, key);
  // Concrete names only: a wildcard here would make every rule pattern look valid.
  const bool concrete = type.name.find('*') == std::string::npos;
  if (!concrete || !router::CompileTypePattern(type.name).ok()) {
    errors.Add(key, "record type '" + type.name +
                        "' must be domain.event in lower case, digits and hyphens");
  }
  if (!value.IsMap()) {
    errors.Add(value.Mark().is_null() ? key.Mark() : value.Mark(),
               "record type '" + type.name + "' must be a map with keys: sections, labels");
    return;
  }
  CheckKeys(value, {"sections", "labels"}, errors);
  const YAML::Node sections = value["sections"];
  if (sections.IsDefined() && !sections.IsMap()) {
    errors.Add(sections, "'sections' must map each heading to its list of fields");
  } else if (sections.IsDefined()) {
    CheckNoDuplicateKeys(sections, errors);
    for (const auto& section : sections) {
      const std::string heading = section.first.Scalar();
      const std::vector<std::string> fields = ScalarList(sections, heading, errors);
      if (fields.empty()) {
        errors.Add(section.first, "section '" + heading + "' must list at least one field");
      }
      for (const std::string& field : fields) type.paths.push_back(heading + "/" + field);
    }
  }
  type.labels = ScalarList(value, "labels", errors);
  catalogue.types.push_back(std::move(type));
}

}  // namespace

Catalogue ParseCatalogue(std::string_view yaml, const std::string& file,
                         std::vector<Finding>& findings) {
  Catalogue catalogue;
  catalogue.file = file;
  YamlErrors errors(file);
  const YAML::Node root = ParseYaml(yaml, errors);
  if (errors.empty()) {
    try {
      if (!root.IsMap() || !root["catalogue"].IsMap()) {
        errors.Add(root.Mark().is_null() ? YAML::Mark() : root.Mark(),
                   "expected 'catalogue:' mapping each record type to its sections and labels");
      } else {
        CheckKeys(root, {"catalogue"}, errors);
        CheckNoDuplicateKeys(root["catalogue"], errors);
        for (const auto& entry : root["catalogue"]) {
          ParseType(entry.first, entry.second, errors, catalogue);
        }
      }
    } catch (const YAML::Exception& e) {
      errors.Add(e.mark, e.msg);
    }
  }
  for (Finding& f : FindingsFromLoaderErrors(errors.Joined(), kCode)) {
    findings.push_back(std::move(f));
  }
  return catalogue;
}

}  // namespace gallery::governance
