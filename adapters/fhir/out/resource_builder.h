// The translator at the heart of adapter-fhir-out: one delivered gallery.v1.Record and the
// recipient's outbound mapping in, one FHIR R4 REST interaction out. No I/O, no clock,
// deterministic, so a redelivery makes the same request.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "adapters/fhir/out/out_mapping.h"
#include "gallery/v1/record.pb.h"
#include "hub/common/result.h"

namespace gallery::fhir_out {

inline constexpr const char* kNhsNumberSystem = "https://fhir.nhs.uk/Id/nhs-number";
// The identifier every written resource carries: the record id it was written from.
inline constexpr const char* kRecordIdSystem = "urn:gallery:record-id";

struct FhirRequest {
  std::string method;   // "PUT" (create or update) or "DELETE"
  std::string type;     // "Observation"
  std::string id;       // the logical id: LogicalId of the record first written
  nlohmann::json body;  // the resource; null for DELETE

  std::string Target() const { return type + "/" + id; }  // relative to the server's base
};

// A new record is a PUT of LogicalId(record_id) (update as create); an amendment a PUT of
// LogicalId(amends), replacing the resource, whose version the server advances; a
// retraction a DELETE of LogicalId(retracts), or a PUT with status entered-in-error when
// the rule says so. The subject is a Patient reference by NHS number identifier (else the
// first local id, system "local:<agency>"). Mapped fields go to their elements; the rest
// keep the agency's headings: Observation.component, Condition and ServiceRequest note,
// Encounter narrative text, QuestionnaireResponse items.
// kInvalidArgument naming the record id (never a value) when the mapping has no rule for
// the record type or the record names no subject. Thread-safe.
Result<FhirRequest> BuildRequest(const OutMapping& mapping, const v1::Record& record);

}  // namespace gallery::fhir_out
