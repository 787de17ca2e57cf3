// Builds a FHIR MappingSpec from a parsed mapping YAML document, reporting every problem
// with its position. Internal to gallery::fhir: callers use FhirMapping::Parse.
#pragma once

#include <yaml-cpp/yaml.h>

#include "adapters/fhir/mapping_spec.h"
#include "hub/common/yaml_util.h"

namespace gallery::fhir {

// Fills `spec` from `root` and adds every problem to `errors`; `spec` is meaningful only
// when `errors` stays empty. Thread-safe. May throw YAML::Exception on node access; the
// caller converts it (FhirMapping::Parse is the one function that calls yaml-cpp).
void LoadMappingSpec(const YAML::Node& root, YamlErrors& errors, MappingSpec& spec);

}  // namespace gallery::fhir
