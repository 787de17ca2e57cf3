// Builds a MappingSpec from a parsed mapping YAML document, reporting every problem with
// its position. Internal to gallery::csv: callers use CsvMapping::Parse.
#pragma once

#include <yaml-cpp/yaml.h>

#include "adapters/csv/mapping_spec.h"
#include "hub/common/yaml_util.h"

namespace gallery::csv {

// Fills `spec` from `root` and adds every problem to `errors`; `spec` is meaningful only
// when `errors` stays empty. Thread-safe. May throw YAML::Exception on node access; the
// caller converts it (CsvMapping::Parse is the one function that calls yaml-cpp).
void LoadMappingSpec(const YAML::Node& root, YamlErrors& errors, MappingSpec& spec);

}  // namespace gallery::csv
