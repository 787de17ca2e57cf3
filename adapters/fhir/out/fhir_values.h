// Record field values as FHIR R4 JSON: the typed value of an element or a choice element
// (value[x]), a QuestionnaireResponse answer, and plain text for notes and narrative.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "adapters/fhir/out/out_mapping.h"
#include "gallery/v1/record.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace gallery::fhir_out {

inline constexpr const char* kUcumSystem = "http://unitsofmeasure.org";

struct TypedValue {
  std::string type;  // the FHIR type's suffix for a choice element: "Quantity", "String", ...
  nlohmann::json value;
};

// `field`'s value written as `as` says, and with `unit` (may be empty) for numbers:
// coded → CodeableConcept (or code, Coding, string), text → String, integer → Integer or
// Quantity, decimal → Quantity, boolean → Boolean, date and date_time → DateTime. A field
// without a value gives a null value. Pure.
TypedValue ElementValue(const v1::Field& field, ValueAs as, const std::string& unit);

// The answer[x] of a QuestionnaireResponse item: valueCoding, valueString, valueInteger,
// valueDecimal, valueBoolean, valueDate or valueDateTime. Pure.
TypedValue AnswerValue(const v1::Field& field);

// The value as text: a coded value as "display (code)". Pure.
std::string FieldText(const v1::Field& field);

// A FHIR instant/dateTime ("2024-06-11T08:30:00Z"); "" for an unset timestamp. Pure.
std::string DateTimeText(const google::protobuf::Timestamp& t);

}  // namespace gallery::fhir_out
