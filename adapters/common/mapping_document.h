// Turning the text of an agency's YAML mapping into a validated spec, the same way for
// every adapter: every error reported (file:line:col), yaml-cpp's exceptions stopped here.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "hub/common/result.h"
#include "hub/common/yaml_util.h"

namespace gallery::adapters {

// Parses `yaml` (called `file` in messages) and fills a new Spec (which has a `file`
// member) with `load`, which adds every problem it finds to the errors. The one place that
// drives yaml-cpp for adapter mappings, so its exceptions stop here. Returns
// kInvalidArgument with all the errors, one per line. Pure; never blocks.
template <typename Spec>
Result<std::shared_ptr<Spec>> ParseMappingSpec(std::string_view yaml, const std::string& file,
                                               void (*load)(const YAML::Node&, YamlErrors&,
                                                            Spec&)) {
  YamlErrors errors(file);
  auto spec = std::make_shared<Spec>();
  spec->file = file;
  try {
    const YAML::Node root = ParseYaml(yaml, errors);
    if (errors.empty()) load(root, errors, *spec);
  } catch (const YAML::Exception& e) {
    errors.Add(e.mark, e.msg);
  }
  if (!errors.empty()) return InvalidArgument(errors.Joined());
  return spec;
}

}  // namespace gallery::adapters
