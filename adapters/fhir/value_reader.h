// Reading FHIR data types (CodeableConcept, Coding, Quantity, Period, Reference, primitives)
// into the typed values of a gallery.v1.Field.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "adapters/fhir/fhir_error.h"
#include "adapters/fhir/mapping_spec.h"
#include "gallery/v1/record.pb.h"

namespace gallery::fhir {

// Sets the value of `out` from `element` read as `type` (see ValueType). On failure adds
// a 422 issue at `where` to `refusal` (naming the expected type, never the value) and
// returns false. Thread-safe; no I/O.
bool ReadFieldValue(const nlohmann::json& element, ValueType type, const std::string& where,
                    v1::Field& out, Refusal& refusal);

// The code of a code-like element: a string as it is, a Coding's code, a CodeableConcept's
// first coding code. "" when there is none.
std::string CodeOf(const nlohmann::json& element);

}  // namespace gallery::fhir
