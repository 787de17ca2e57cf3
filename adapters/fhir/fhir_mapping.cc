#include "adapters/fhir/fhir_mapping.h"

#include <utility>

#include "adapters/common/mapping_document.h"
#include "adapters/csv/read_file.h"
#include "adapters/fhir/mapping_loader.h"
#include "hub/common/yaml_util.h"

namespace gallery::fhir {

Result<FhirMapping> FhirMapping::Load(const std::string& path) {
  GALLERY_ASSIGN_OR_RETURN(std::string text, csv::ReadFileCapped(path, kMaxYamlBytes));
  return Parse(text, path);
}

Result<FhirMapping> FhirMapping::Parse(std::string_view yaml, std::string file) {
  auto spec = adapters::ParseMappingSpec<MappingSpec>(yaml, file, LoadMappingSpec);
  if (!spec.ok()) return spec.status();
  return FhirMapping(std::move(*spec));
}

}  // namespace gallery::fhir
