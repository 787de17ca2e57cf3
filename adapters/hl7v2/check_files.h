// adapter-hl7v2 --check: maps every message of some files and reports, publishing nothing,
// so a mapping can be tried on a hospital's sample messages.
#pragma once

#include <string>
#include <vector>

#include "adapters/hl7v2/hl7_mapping.h"

namespace gallery::hl7v2 {

// Largest file --check reads.
inline constexpr size_t kMaxCheckFileBytes = size_t{64} << 20;

// Reads, parses and maps each file, applying the hub's record checks too, and appends to
// `report` per message "FILE: message N (TYPE, control ID): record RECORD_ID" or
// "FILE: message N: refused: REASON", then "FILE: N messages, M mapped, R refused".
// A file that cannot be read is reported as "FILE: REASON". Returns 0 when every message
// mapped, 1 when one was refused, 2 when a file could not be read. Blocks on file I/O.
int CheckFiles(const Hl7Mapping& mapping, const std::vector<std::string>& files,
               std::string& report);

}  // namespace gallery::hl7v2
