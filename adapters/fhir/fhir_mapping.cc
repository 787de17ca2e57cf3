#include "adapters/fhir/fhir_mapping.h"

#include <utility>

#include "adapters/csv/read_file.h"
#include "adapters/fhir/mapping_loader.h"
#include "hub/common/yaml_util.h"

namespace gallery::fhir {

Result<FhirMapping> FhirMapping::Load(const std::string& path) {
  GALLERY_ASSIGN_OR_RETURN(std::string text, csv::ReadFileCapped(path, kMaxYamlBytes));
  return Parse(text, path);
}

Result<FhirMapping> FhirMapping::Parse(std::string_view yaml, std::string file) {
  YamlErrors errors(file);
  auto spec = std::make_shared<MappingSpec>();
  spec->file = file;
  // The one place that drives yaml-cpp for FHIR mappings, so its exceptions stop here.
  try {
    const YAML::Node root = ParseYaml(yaml, errors);
    if (errors.empty()) LoadMappingSpec(root, errors, *spec);
  } catch (const YAML::Exception& e) {
    errors.Add(e.mark, e.msg);
  }
  if (!errors.empty()) return InvalidArgument(errors.Joined());
  return FhirMapping(std::move(spec));
}

}  // namespace gallery::fhir
