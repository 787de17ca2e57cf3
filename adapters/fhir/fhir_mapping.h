// FhirMapping: a YAML file that says how one agency's FHIR resources become
// gallery.v1.Records, so that connecting a FHIR system needs a mapping, not code.
// Format: adapters/fhir/README.md.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "adapters/fhir/mapping_spec.h"
#include "hub/common/result.h"

namespace gallery::fhir {

// Immutable after loading; thread-safe; cheap to copy.
class FhirMapping {
 public:
  // Reads and parses the mapping at `path` (at most kMaxYamlBytes). Blocks on file I/O.
  // Errors as Parse, plus ReadFileCapped's.
  static Result<FhirMapping> Load(const std::string& path);

  // Parses mapping YAML; `file` names positions. Returns kInvalidArgument listing every
  // problem, one per line, each "file:line:col: ..." (unknown keys, missing keys, bad
  // element paths, unsupported resource types, unknown value types, duplicate headings...).
  static Result<FhirMapping> Parse(std::string_view yaml, std::string file);

  const MappingSpec& spec() const { return *spec_; }
  const std::string& agency() const { return spec_->agency; }

 private:
  explicit FhirMapping(std::shared_ptr<const MappingSpec> spec) : spec_(std::move(spec)) {}

  std::shared_ptr<const MappingSpec> spec_;
};

}  // namespace gallery::fhir
