#include "adapters/hl7v2/hl7_mapping.h"

#include <utility>

#include "adapters/csv/read_file.h"
#include "adapters/hl7v2/mapping_loader.h"
#include "adapters/hl7v2/message_mapper.h"
#include "hub/common/yaml_util.h"

namespace gallery::hl7v2 {

Result<Hl7Mapping> Hl7Mapping::Load(const std::string& path) {
  GALLERY_ASSIGN_OR_RETURN(std::string text, csv::ReadFileCapped(path, kMaxYamlBytes));
  return Parse(text, path);
}

Result<Hl7Mapping> Hl7Mapping::Parse(std::string_view yaml, std::string file) {
  YamlErrors errors(file);
  auto spec = std::make_shared<MappingSpec>();
  spec->file = file;
  // The one place that drives yaml-cpp for HL7 mappings, so its exceptions stop here.
  try {
    const YAML::Node root = ParseYaml(yaml, errors);
    if (errors.empty()) LoadMappingSpec(root, errors, *spec);
  } catch (const YAML::Exception& e) {
    errors.Add(e.mark, e.msg);
  }
  if (!errors.empty()) return InvalidArgument(errors.Joined());
  return Hl7Mapping(std::move(spec));
}

Result<v1::Record> Hl7Mapping::Map(const Message& message) const {
  return MapMessage(*spec_, message);
}

}  // namespace gallery::hl7v2
