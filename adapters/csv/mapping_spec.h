// The in-memory form of a CSV mapping (see adapters/csv/README.md for the YAML): which
// column feeds which part of a gallery.v1.Record. Plain data, built by CsvMapping.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "adapters/csv/csv_reader.h"
#include "adapters/csv/value_parsers.h"

namespace gallery::csv {

// One CSV column named by the mapping, with where the mapping names it so that a header
// mismatch points at the mapping line to fix.
struct ColumnRef {
  std::string name;  // trimmed header name, case-sensitive
  std::string role;  // what it feeds, for errors: "subject.birth_date", "record_id", ...
  int line = 0;      // 1-based position of the name in the mapping file
  int column = 0;
  size_t index = 0;  // the column's index in a CSV header; set by CsvMapping::Bind
};

// A value read from one column, or (registered_gp_ods only) a fixed value.
struct ValueSpec {
  std::optional<ColumnRef> column;
  std::string constant;                    // used when `column` is unset and this is not empty
  bool required = false;                   // an empty cell refuses the row instead of being omitted
  std::optional<DateFormat> format;        // birth_date, occurred_at, recorded_at
  std::map<std::string, std::string> map;  // gender: cell value -> male|female|other|unknown

  bool mapped() const { return column.has_value() || !constant.empty(); }
};

enum class FieldType { kText, kInteger, kDecimal, kBoolean, kDate };

struct FieldSpec {
  std::string name;  // the agency's own field name; unique in its section
  ColumnRef column;
  FieldType type = FieldType::kText;
  std::optional<DateFormat> format;  // type date only; "%Y-%m-%d" when not given
  bool required = false;
  std::vector<std::string> labels;  // sensitivity labels of this field
};

struct SectionSpec {
  std::string heading;              // the agency's own heading, kept as written
  std::vector<std::string> labels;  // sensitivity labels of the whole section
  std::vector<FieldSpec> fields;
};

// record_id = prefix + the cells of `columns` (trimmed) joined by `separator`.
struct RecordIdSpec {
  std::vector<ColumnRef> columns;
  std::optional<std::string> prefix;  // "<agency>:" when not given
  std::string separator = ":";
};

struct SubjectSpec {
  ValueSpec nhs_number;  // spaces and hyphens removed, then modulus-11 checked
  ValueSpec local_id;    // becomes LocalIdentifier{agency, value}
  ValueSpec given_name;
  ValueSpec family_name;
  ValueSpec birth_date;  // output "YYYY-MM-DD"
  ValueSpec gender;
  std::vector<ColumnRef> address_lines;  // empty cells skipped
  ValueSpec postcode;
  ValueSpec phone;
  ValueSpec registered_gp_ods;  // upper-cased: ODS codes are upper case
};

// How the folder watcher treats a row exported again (adapters/csv/README.md, corrections).
struct CorrectionsSpec {
  bool amend_changed_rows = false;  // changed: true sends an amendment, false resends the row
  std::optional<ColumnRef> deleted_column;  // a row whose cell here is in deleted_values
  std::vector<std::string> deleted_values;  // is sent as a retraction (exact match, trimmed)
};

struct MappingSpec {
  std::string file;  // the mapping's own file name, for messages
  std::string agency;
  std::string record_type;
  CsvOptions csv;  // delimiter and header-less column names
  ShortRows short_rows = ShortRows::kError;
  RecordIdSpec record_id;
  SubjectSpec subject;
  ValueSpec occurred_at;  // date only means UTC midnight; no %z means UTC
  ValueSpec recorded_at;
  std::vector<std::string> labels;  // sensitivity labels of the whole record
  std::vector<SectionSpec> sections;
  CorrectionsSpec corrections;
};

}  // namespace gallery::csv
