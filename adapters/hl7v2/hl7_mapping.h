// Hl7Mapping: a YAML file that says how one agency's HL7 v2 messages become
// gallery.v1.Records, so that connecting a hospital needs a mapping, not code.
// Format: adapters/hl7v2/README.md.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "adapters/hl7v2/mapping_spec.h"
#include "adapters/hl7v2/message.h"
#include "gallery/v1/record.pb.h"
#include "hub/common/result.h"

namespace gallery::hl7v2 {

// Immutable after loading; thread-safe; cheap to copy.
class Hl7Mapping {
 public:
  // Reads and parses the mapping at `path` (at most kMaxYamlBytes). Blocks on file I/O.
  // Errors as Parse, plus ReadFileCapped's.
  static Result<Hl7Mapping> Load(const std::string& path);

  // Parses mapping YAML; `file` names positions. Returns kInvalidArgument listing every
  // problem, one per line, each "file:line:col: ..." (unknown keys, missing keys, bad
  // field paths, unknown types, message types mapped twice, unknown section headings...).
  static Result<Hl7Mapping> Parse(std::string_view yaml, std::string file);

  const MappingSpec& spec() const { return *spec_; }
  const std::string& agency() const { return spec_->agency; }

  // MapMessage (message_mapper.h) with this mapping.
  Result<v1::Record> Map(const Message& message) const;

 private:
  explicit Hl7Mapping(std::shared_ptr<const MappingSpec> spec) : spec_(std::move(spec)) {}

  std::shared_ptr<const MappingSpec> spec_;
};

}  // namespace gallery::hl7v2
