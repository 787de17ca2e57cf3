// adapter-fhir --check: maps every resource or Bundle of some files and reports,
// publishing nothing, so a mapping can be tried on an agency's sample resources.
#pragma once

#include <string>
#include <vector>

#include "adapters/fhir/fhir_mapping.h"
#include "adapters/fhir/request_mapper.h"

namespace gallery::fhir {

// Largest file --check reads.
inline constexpr size_t kMaxCheckFileBytes = size_t{64} << 20;

// Plans `bytes` as a client would send them: a Bundle as POST /, any other resource as
// POST /<resourceType>. XML is refused with 415 and JSON that does not parse with 400,
// as the HTTP endpoint does. Deletes cannot occur, so nothing needs to be known.
// Thread-safe; no I/O.
Plan PlanDocument(const MappingSpec& spec, const std::string& bytes);

// Reads and plans each file and appends to `report`, per record
// "FILE: KEY: record RECORD_ID (RECORD_TYPE)", per refused batch entry
// "FILE: ENTRY: refused (STATUS): REASON", for a refused file "FILE: refused (STATUS):
// REASON". Returns 0 when everything converts, 1 when something was refused, 2 when a
// file could not be read. Blocks on file I/O.
int CheckFiles(const FhirMapping& mapping, const std::vector<std::string>& files,
               std::string& report);

}  // namespace gallery::fhir
