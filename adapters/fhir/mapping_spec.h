// The in-memory form of a FHIR mapping (adapters/fhir/README.md has the YAML): which
// resource types become which records, and which elements feed which fields. Plain data,
// built by FhirMapping (fhir_mapping.h).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "adapters/fhir/element_path.h"

namespace gallery::fhir {

// The resource types this adapter takes; a mapping maps some of them.
inline constexpr const char* kSupportedTypes[] = {"Patient",   "Encounter", "Observation",
                                                  "Condition", "Consent",   "ServiceRequest"};

inline constexpr const char* kNhsNumberSystem = "https://fhir.nhs.uk/Id/nhs-number";
inline constexpr const char* kOdsSystem = "https://fhir.nhs.uk/Id/ods-organization-code";

// kAuto reads the element by its FHIR shape: a CodeableConcept or Coding is coded, a
// Quantity is text "value unit", a Period text "start to end", a Reference its display,
// a string text, a number integer or decimal, a boolean boolean.
enum class ValueType { kAuto, kText, kCoded, kDate, kDateTime, kInteger, kDecimal, kBoolean };

struct FieldSpec {
  std::string name;                   // the agency's own name; unique in its section
  std::vector<ElementPath> elements;  // the first present one gives the value
  ValueType type = ValueType::kAuto;
  std::vector<std::string> labels;
};

struct SectionSpec {
  std::string heading;              // the agency's own heading, kept as written
  std::vector<std::string> labels;  // of the whole section
  std::vector<FieldSpec> fields;
};

// The record type chosen by a coded element (Encounter.class: IMP -> encounter.inpatient).
struct RecordTypeBy {
  ElementPath element;
  std::map<std::string, std::string> codes;  // code -> record type
};

struct ResourceSpec {
  std::string type;         // "Encounter"
  std::string record_type;  // used when record_type_by has no entry; may then be empty
  std::optional<RecordTypeBy> record_type_by;
  std::vector<ElementPath> occurred_at;  // first present dateTime/Period.start
  std::vector<std::string> labels;       // added to every record of this type
  std::vector<SectionSpec> sections;
};

struct SubjectSpec {
  std::string nhs_number_system = kNhsNumberSystem;
  std::string gp_ods_system = kOdsSystem;
  std::vector<std::string> local_id_systems;  // identifiers kept as the agency's local ids
};

struct MappingSpec {
  std::string file;              // the mapping's own file name, for messages
  std::string agency;            // source agency id
  std::string record_id_prefix;  // default "<agency>:fhir:"
  SubjectSpec subject;
  std::vector<std::string> labels;                     // of every record
  std::map<std::string, std::string> security_labels;  // meta.security code -> record label
  std::vector<ResourceSpec> resources;

  const ResourceSpec* Find(const std::string& type) const {
    for (const ResourceSpec& r : resources) {
      if (r.type == type) return &r;
    }
    return nullptr;
  }
};

}  // namespace gallery::fhir
