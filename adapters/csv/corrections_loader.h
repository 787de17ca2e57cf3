// Reads a mapping's optional `corrections` section: how rows exported again, changed or
// marked deleted, reach the hub. Internal to gallery::csv, called by LoadMappingSpec.
#pragma once

#include <yaml-cpp/yaml.h>

#include "adapters/csv/mapping_spec.h"
#include "hub/common/yaml_util.h"

namespace gallery::csv {

// Fills `spec` from `node` (absent or null: the defaults) and adds every problem, with its
// position, to `errors`. May throw YAML::Exception; the caller converts it.
void LoadCorrections(const YAML::Node& node, YamlErrors& errors, CorrectionsSpec& spec);

}  // namespace gallery::csv
