// Builds an HL7 v2 MappingSpec from a parsed mapping YAML document, reporting every problem
// with its position. Internal to gallery::hl7v2: callers use Hl7Mapping::Parse.
#pragma once

#include <yaml-cpp/yaml.h>

#include "adapters/hl7v2/mapping_spec.h"
#include "hub/common/yaml_util.h"

namespace gallery::hl7v2 {

// Fills `spec` from `root` and adds every problem to `errors`; `spec` is meaningful only
// when `errors` stays empty. Thread-safe. May throw YAML::Exception on node access; the
// caller converts it (Hl7Mapping::Parse is the one function that calls yaml-cpp).
void LoadMappingSpec(const YAML::Node& root, YamlErrors& errors, MappingSpec& spec);

}  // namespace gallery::hl7v2
