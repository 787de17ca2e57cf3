// OutMapping: how adapter-hl7v2-out writes a delivered gallery.v1.Record as an HL7 v2
// message for a recipient's system (format: adapters/hl7v2/out/README.md).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hub/common/result.h"

namespace gallery::hl7v2 {

// The message written for one kind of record version: a new record, an amendment or a
// retraction.
struct OutEvent {
  std::string type;           // MSH-9 as written, e.g. "ORU^R01^ORU_R01" or "ADT^A08"
  std::string result_status;  // OBX-11 (and OBR-25) of every result, e.g. "F", "C", "D"
};

struct OutMessageSpec {
  std::string record_type;  // "assessment.single"
  OutEvent create;          // a record that neither amends nor retracts
  OutEvent amend;           // Record.amends set; default: create's type, status C
  OutEvent retract;         // Record.retracts set; default: create's type, status D
};

// Plain data after loading; immutable and thread-safe.
struct OutMapping {
  std::string file;
  std::string sending_application = "GALLERY";  // MSH-3
  std::string sending_facility;                 // MSH-4
  std::string receiving_application;            // MSH-5
  std::string receiving_facility;               // MSH-6
  std::string version = "2.5.1";                // MSH-12
  std::string processing_id = "P";              // MSH-11
  std::string nhs_assigning_authority = "NHS";  // PID-3 CX-4 of the NHS number
  std::string coded_type = "CWE";               // OBX-2 of coded values: CE or CWE
  std::vector<OutMessageSpec> messages;

  // The spec for `record_type`, or nullptr when the mapping has none.
  const OutMessageSpec* Find(std::string_view record_type) const;
};

// Reads the YAML at `path`. kInvalidArgument listing every problem, each
// "file:line:col: ..."; kNotFound when it cannot be read. Blocks on file I/O.
Result<OutMapping> LoadOutMapping(const std::string& path);
// As LoadOutMapping, from text; `file` names positions. Pure.
Result<OutMapping> ParseOutMapping(std::string_view yaml, const std::string& file);

}  // namespace gallery::hl7v2
