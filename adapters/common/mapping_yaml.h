// YAML helpers that the adapters' mapping loaders (CSV, HL7 v2, FHIR) share: the checks on
// required scalars, labels, flags and record types, with the error texts agencies see.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "hub/common/yaml_util.h"

namespace gallery::adapters {

// True when `node` is present and not null ("key:" with no value counts as absent).
bool IsDefined(const YAML::Node& node);

// "domain.event", each part a lower-case letter then letters, digits or hyphens, e.g.
// "adt.admission".
bool IsRecordType(std::string_view s);

// The non-empty scalar at map[key]. Adds "missing required key 'KEY'" (at `map`) or
// "'KEY' must be a non-empty single value" (at the value) to `errors` and returns "" when
// it is not one.
std::string RequiredScalar(const YAML::Node& map, std::string_view key, YamlErrors& errors);

// map[key] as true or false; false when absent. Adds "'KEY' must be true or false" to
// `errors` for any other value.
bool OptionalBool(const YAML::Node& map, std::string_view key, YamlErrors& errors);

// The scalar or list of scalars at map[key] (see ScalarList). Adds "labels must be
// non-empty and without spaces" for each label that is empty or has white space.
std::vector<std::string> LabelList(const YAML::Node& map, std::string_view key,
                                   YamlErrors& errors);

// The optional `record_id: {prefix: ...}` of a mapping's `root`: its prefix, or
// `default_prefix` when absent. Adds "'record_id' must be a map with 'prefix'" and unknown
// key errors to `errors`.
std::string RecordIdPrefix(const YAML::Node& root, const std::string& default_prefix,
                           YamlErrors& errors);

}  // namespace gallery::adapters
