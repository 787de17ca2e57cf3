#include "adapters/hl7v2/hl7_mapping.h"

#include <utility>

#include "adapters/common/mapping_document.h"
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
  auto spec = adapters::ParseMappingSpec<MappingSpec>(yaml, file, LoadMappingSpec);
  if (!spec.ok()) return spec.status();
  return Hl7Mapping(std::move(*spec));
}

Result<v1::Record> Hl7Mapping::Map(const Message& message) const {
  return MapMessage(*spec_, message);
}

}  // namespace gallery::hl7v2
