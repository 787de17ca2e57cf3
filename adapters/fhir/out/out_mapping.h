// The outbound FHIR mapping: for each record type a recipient takes, the FHIR R4 resource
// adapter-fhir-out writes and which record fields go to which of its elements (format:
// adapters/fhir/out/README.md).
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/common/result.h"

namespace gallery::fhir_out {

enum class ResourceType {
  kObservation,
  kEncounter,
  kCondition,
  kServiceRequest,
  kQuestionnaireResponse
};

// "Observation", ... as FHIR spells it.
std::string_view ResourceName(ResourceType type);

// What a retraction becomes: a DELETE, or a PUT with the resource's status (Condition:
// verificationStatus) "entered-in-error".
enum class Retraction { kDelete, kEnteredInError };

// How a coded or other value is written when the element's own type is not the default.
enum class ValueAs {
  kAuto,    // coded: CodeableConcept; text: string; numbers: number or Quantity; dates
  kCode,    // a coded value's code alone (a FHIR `code`, e.g. Encounter.status)
  kCoding,  // a coded value as one Coding (e.g. Encounter.class)
  kString,  // any value as its text
};

// One record field written to one element.
struct ElementRule {
  std::string heading;  // the agency's heading, matched ignoring case
  std::string field;    // the field's name within it, matched ignoring case
  // Dot-separated element names: "code", "value[x]" (the type suffix chosen by the
  // value), "category[]" (a list: the value is appended), "note[].text".
  std::string element;
  std::string unit;  // integer and decimal values become a Quantity in this UCUM unit
  ValueAs as = ValueAs::kAuto;
};

struct ResourceRule {
  ResourceType resource = ResourceType::kQuestionnaireResponse;
  Retraction retraction = Retraction::kDelete;
  std::string occurred_at;  // element for the record's occurred_at; "" = the resource's default
  nlohmann::json set = nlohmann::json::object();  // fixed elements, over the defaults
  std::vector<ElementRule> fields;
};

// Immutable after loading; thread-safe.
struct OutMapping {
  std::string file;
  std::map<std::string, ResourceRule> record_types;
  std::optional<ResourceRule> fallback;  // record_types "*": every other record type

  // The rule for `record_type`, else the fallback; nullptr when there is neither.
  const ResourceRule* Find(const std::string& record_type) const;
};

// Parses mapping YAML; `file` names positions. kInvalidArgument listing every problem,
// each "file:line:col: ..." (unknown keys, resource types, element paths, duplicates).
// Pure.
Result<std::shared_ptr<const OutMapping>> ParseOutMapping(std::string_view yaml,
                                                          const std::string& file);
// As ParseOutMapping, reading `path`; kNotFound when it cannot be read. Blocks on file I/O.
Result<std::shared_ptr<const OutMapping>> LoadOutMapping(const std::string& path);

}  // namespace gallery::fhir_out
