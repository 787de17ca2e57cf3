// What a FHIR REST request asks for, as records: POST /Type (create), PUT /Type/id
// (update), DELETE /Type/id (delete), POST / with a transaction or batch Bundle. Each
// resource goes through MapResource; no I/O.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "adapters/fhir/fhir_error.h"
#include "adapters/fhir/mapping_spec.h"
#include "adapters/fhir/resource_mapper.h"

namespace gallery::fhir {

enum class RequestKind { kSingle, kTransaction, kBatch };

struct PlannedEntry {
  Method method = Method::kCreate;
  std::string expression;  // "Patient", "Bundle.entry[2]"
  MappedResource mapped;   // meaningful when !refusal.refused()
  Refusal refusal;         // why this entry cannot be taken
};

struct Plan {
  RequestKind kind = RequestKind::kSingle;
  // The request as a whole is refused: a bad URL, method or Bundle, or (transaction) any
  // refused entry, whose issues are gathered here. Nothing may be published then.
  Refusal refusal;
  std::vector<PlannedEntry> entries;
};

// Plans the request `verb` `path` (query already removed) with parsed body `body` (null
// when there is none). Refusals: 404 for a path that names no resource type, 405 for
// methods other than POST, PUT and DELETE, 400 and 422 as MapResource, and 422 for a
// Bundle that is not a transaction or batch (a searchset, a message, a document).
// Thread-safe; the plan's records do not point into `body`.
Plan PlanRequest(const MappingSpec& spec, const std::string& verb, const std::string& path,
                 const nlohmann::json* body, const KnownResources& known);

}  // namespace gallery::fhir
