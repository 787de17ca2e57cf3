// The in-memory form of an HL7 v2 mapping (adapters/hl7v2/README.md has the YAML): which
// message types become which records, and which fields feed which part of a Record.
// Plain data, built by Hl7Mapping (hl7_mapping.h).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "adapters/hl7v2/value_reader.h"

namespace gallery::hl7v2 {

// One or more field paths; the first that is not empty gives the value.
struct Source {
  std::vector<FieldPath> paths;
  bool required = false;  // an empty value refuses the message
  bool mapped() const { return !paths.empty(); }
};

// A CX field (PID-3) read as an identifier: the first repetition whose identifier type
// (CX-5) or assigning authority (CX-4.1) is one of `types`; any non-empty one when
// `types` is empty.
struct IdentifierSpec {
  std::optional<FieldPath> field;  // whole field, e.g. PID-3
  std::vector<std::string> types;
  bool required = false;
};

struct SubjectSpec {
  IdentifierSpec nhs_number;  // spaces and hyphens removed, modulus-11 checked
  IdentifierSpec local_id;    // LocalIdentifier{agency, value}
  Source given_name;
  Source family_name;
  Source birth_date;  // HL7 date, at least YYYYMMDD; output YYYY-MM-DD
  Source gender;
  std::map<std::string, std::string> gender_map;  // HL7 table 0001 code -> FHIR gender
  std::vector<FieldPath> address_lines;           // empty ones skipped
  Source postcode;
  Source phone;
  Source registered_gp_ods;  // upper-cased ODS code
};

enum class ValueType { kText, kInteger, kDecimal, kDate, kDateTime, kCoded, kClinician };

struct FieldSpec {
  std::string name;  // the agency's own name; unique in its section
  Source source;
  ValueType type = ValueType::kText;
  std::vector<std::string> labels;
};

// One Field per segment named `segment` (OBX, DG1, AL1 ...), named from `name` and valued
// from `value` (+ " " + `units` for text).
struct RowsSpec {
  std::string segment;
  Source name;
  Source value;
  std::optional<FieldPath> units;
  ValueType type = ValueType::kText;
  std::vector<std::string> labels;  // of every row's field
};

struct SectionSpec {
  std::string heading;              // the agency's own heading, kept as written
  std::vector<std::string> labels;  // of the whole section
  std::vector<FieldSpec> fields;    // either fields ...
  std::optional<RowsSpec> rows;     // ... or rows
};

// How a record id, or the id a record amends or retracts, is formed:
// kControl: <prefix><MSH-4.1>:<MSH-10> (the message itself; a resend keeps it);
// kVisit:   <prefix><MSH-4.1>:visit:<PV1-19.1>:<visit_role>, so that a later message
//           about the same visit (an update, a cancel) can name the record.
struct IdSpec {
  enum class Kind { kNone, kControl, kVisit } kind = Kind::kNone;
  std::string visit_role;  // kVisit only, e.g. "admission"
};

struct MessageSpec {
  std::string type;         // "ADT^A01": MSH-9.1 ^ MSH-9.2 (EVN-1 when MSH-9.2 is empty)
  std::string record_type;  // "adt.admission"
  IdSpec record_id{IdSpec::Kind::kControl, ""};
  IdSpec amends;
  IdSpec retracts;
  std::vector<std::string> sections;  // headings; empty means every section
  std::vector<std::string> labels;    // added to the mapping's record labels
};

struct MappingSpec {
  std::string file;    // the mapping's own file name, for messages
  std::string agency;  // source agency id
  std::string record_id_prefix;  // default "<agency>:"
  SubjectSpec subject;
  Source occurred_at;  // HL7 date/time; a date alone is UTC midnight
  Source recorded_at;
  std::vector<std::string> labels;
  std::vector<MessageSpec> messages;
  std::vector<SectionSpec> sections;
};

}  // namespace gallery::hl7v2
