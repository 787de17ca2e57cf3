// Who a resource is about: the NHS number, local ids and demographics of a Patient, found
// in the resource itself, in the Bundle it came in, or in the identifier of a reference.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "adapters/fhir/fhir_error.h"
#include "adapters/fhir/mapping_spec.h"
#include "gallery/v1/record.pb.h"

namespace gallery::fhir {

// The resources of one Bundle, findable by fullUrl or "Type/id". Holds pointers into the
// parsed Bundle, which must outlive it. Not thread-safe while being filled.
class BundleIndex {
 public:
  struct Found {
    const nlohmann::json* resource = nullptr;
    std::string expression;  // "Bundle.entry[3].resource"
  };

  void Add(const std::string& full_url, const nlohmann::json& resource,
           const std::string& expression);

  // The resource a reference names: its fullUrl ("urn:uuid:...", an absolute URL) or
  // "Type/id", also at the end of an absolute URL. nullopt when not in the Bundle.
  std::optional<Found> Resolve(const std::string& reference) const;

 private:
  std::map<std::string, Found> by_key_;
};

// Fills `subject` from the Patient `patient` found at `expression`: the NHS number
// (identifier of the mapping's system, normalised and modulus-11 checked), local ids,
// name, birthDate, gender, home address, phone and the registered GP's ODS code. Adds the
// Patient's meta.security labels (as the mapping translates them) to `labels`. Problems
// go to `refusal`: 400 for elements of the wrong shape, 422 for a failed check digit or
// no identifier the mapping can use. Thread-safe; no I/O.
void ReadPatient(const MappingSpec& spec, const nlohmann::json& patient,
                 const std::string& expression, const BundleIndex* bundle, v1::Subject& subject,
                 std::vector<std::string>& labels, Refusal& refusal);

// Fills `subject` for a resource whose element `element` ("subject", "patient") references
// its Patient: the Patient in `bundle` when it is there, else the NHS number in the
// reference's identifier. 422 when neither gives an identifier.
void ReadReferencedSubject(const MappingSpec& spec, const nlohmann::json& resource,
                           const std::string& expression, const char* element,
                           const BundleIndex* bundle, v1::Subject& subject,
                           std::vector<std::string>& labels, Refusal& refusal);

// The record labels the mapping gives the codes in `resource`'s meta.security.
void SecurityLabels(const MappingSpec& spec, const nlohmann::json& resource,
                    std::vector<std::string>& labels);

}  // namespace gallery::fhir
