// OutMapping: which parts of a delivered gallery.v1.Record become which columns of the CSV
// files adapter-csv-out writes (format: adapters/csv/README.md, "adapter-csv-out").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "gallery/v1/record.pb.h"
#include "hub/common/result.h"

namespace gallery::csv {

// Every file starts with these columns: the record id (duplicates are told apart by it),
// new|amend|retract, and for the last two the record id they refer to.
inline constexpr const char* kFixedOutColumns[] = {"record_id", "action", "refers_to"};

// A Record path: "@name" for a record or subject value, "Heading/Field" for a field.
struct OutColumn {
  std::string name;     // the column's header
  std::string path;     // as written in the mapping
  std::string heading;  // for "Heading/Field": split at the first '/'
  std::string field;
};

// Immutable after loading; thread-safe.
class OutMapping {
 public:
  // Reads the YAML at `path`. kInvalidArgument listing every problem, each
  // "file:line:col: ..." (unknown keys, unknown @paths, duplicate column names, ...);
  // kNotFound when it cannot be read. Blocks on file I/O.
  static Result<OutMapping> Load(const std::string& path);
  // Parses mapping YAML; `file` names positions. Errors as Load.
  static Result<OutMapping> Parse(std::string_view yaml, const std::string& file);

  // The header row: kFixedOutColumns, then the mapped columns in mapping order.
  std::vector<std::string> Header() const;
  // The row for `record`: one cell per Header() column. A value the record lacks (or the
  // hub redacted for this agency) is an empty cell. Pure.
  std::vector<std::string> Row(const v1::Record& record) const;

  const std::string& file_prefix() const { return file_prefix_; }
  // Rows after which a file is rolled even within its hour; 0: only hourly.
  size_t rows_per_file() const { return rows_per_file_; }

 private:
  OutMapping() = default;

  std::vector<OutColumn> columns_;
  std::string file_prefix_;
  size_t rows_per_file_ = 0;
};

// The @paths a column can name, for messages and the README.
std::vector<std::string_view> KnownRecordPaths();

}  // namespace gallery::csv
