// The logical id of the FHIR resource written for a record, derived from the record id
// alone so that a resend, an amendment and a retraction all name the same resource.
#pragma once

#include <string>
#include <string_view>

namespace gallery::fhir_out {

// 32 lower-case hex digits of SHA-256(`record_id`): a FHIR id (at most 64 of A-Z a-z 0-9
// '-' '.'), whatever characters the record id holds, and without revealing them. Pure;
// thread-safe.
std::string LogicalId(std::string_view record_id);

}  // namespace gallery::fhir_out
