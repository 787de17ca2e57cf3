// RFC 4180 CSV parsing over a whole in-memory file, and a header-aware view of its rows.
// Error positions are 1-based physical lines and byte columns; cell values never appear.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "hub/common/result.h"
#include "hub/common/status.h"

namespace gallery::csv {

// Limits that keep an untrusted file from exhausting memory: a 64 MiB file of bare
// delimiters would otherwise become tens of millions of empty strings.
inline constexpr size_t kMaxCsvBytes = size_t{64} << 20;
inline constexpr size_t kMaxFieldsPerRow = 4096;
inline constexpr size_t kMaxCsvCells = 8'000'000;

struct CsvOptions {
  char delimiter = ',';  // any byte except '"', CR and LF; '\t' for TSV
  // When non-empty the file has no header row: these name its columns, in order, and the
  // first row is data. Otherwise the first non-blank row is the header.
  std::vector<std::string> column_names;
  size_t max_bytes = kMaxCsvBytes;
  size_t max_fields_per_row = kMaxFieldsPerRow;
  size_t max_cells = kMaxCsvCells;
};

struct CsvPosition {
  int line = 0;    // 1-based physical line; CRLF, LF and CR each end one line
  int column = 0;  // 1-based byte offset within the line (a leading BOM is not counted)
};

// One logical row. A quoted field may span lines, so `line` is where the row starts.
struct CsvRow {
  int line = 0;
  std::vector<std::string> fields;  // unquoted, "" unescaped; line endings inside kept
  std::vector<CsvPosition> starts;  // where each field starts, parallel to `fields`
  CsvPosition end;                  // where the row's line ending, or the file, ends
};

// Splits `text` into rows. Thread-safe, no I/O.
// Accepts CRLF, LF and CR line endings (also mixed), a UTF-8 BOM at the very start
// (dropped), a last row without a line ending, and skips lines that are completely empty.
// A quote opens a quoted field only as the field's first byte; inside, "" is a quote and
// delimiters and line endings are data. Every row keeps its own field count: see
// CsvTable::CheckWidth. Errors, all kInvalidArgument and prefixed "file:line:col: ":
//   "unterminated quoted field" (position of the opening quote),
//   "stray quote in unquoted field", "text after closing quote",
//   "more than N fields in a row"; and "file: larger than N bytes", "file: more than N cells".
Result<std::vector<CsvRow>> ParseCsvRows(std::string_view text, std::string_view file,
                                         const CsvOptions& options = {});

// What a row with fewer fields than the header means.
enum class ShortRows {
  kError,  // the row is malformed
  kBlank,  // the missing trailing cells are empty (some exporters drop trailing empties)
};

// Rows under a header, with columns found by name. Immutable after creation, so
// thread-safe to share; cheap to move, expensive to copy.
class CsvTable {
 public:
  // Parses `text`, taking the header from the first non-blank row or from
  // options.column_names. Header names are trimmed of spaces and tabs and must be unique
  // ("file:line:col: duplicate header name 'X' (also field N)"). `file` names positions.
  // Errors are ParseCsvRows' plus "file: empty file, no header row"; all kInvalidArgument.
  static Result<CsvTable> Parse(std::string_view text, std::string file,
                                const CsvOptions& options = {});

  // Reads `path` fully (refusing files over options.max_bytes) and parses it as Parse
  // does, naming positions by `path`. Blocks on file I/O; adds ReadFileCapped's errors.
  static Result<CsvTable> Load(const std::string& path, const CsvOptions& options = {});

  const std::string& file() const { return file_; }
  const std::vector<std::string>& header() const { return header_; }
  // The header's physical line, or 0 when the names came from options.column_names.
  int header_line() const { return header_line_; }
  // The data rows, in file order.
  const std::vector<CsvRow>& rows() const { return rows_; }

  // The index of the column whose trimmed header is exactly `name` (case-sensitive).
  std::optional<size_t> ColumnIndex(std::string_view name) const;
  // A header name equal to `name` ignoring ASCII case, for "did you mean" hints.
  std::optional<std::string> SimilarColumn(std::string_view name) const;

  // Ok when `row` has as many fields as the header, or fewer and `policy` is kBlank.
  // Otherwise kInvalidArgument "file:line:col: row has N fields, header has M", pointing
  // at the first extra field or at the end of a short row.
  Status CheckWidth(const CsvRow& row, ShortRows policy) const;

  // The cell of `row` in `column`, or "" when the row is shorter than that.
  static std::string_view Cell(const CsvRow& row, size_t column) {
    return column < row.fields.size() ? std::string_view(row.fields[column]) : std::string_view();
  }

 private:
  CsvTable() = default;

  std::string file_;
  std::vector<std::string> header_;
  int header_line_ = 0;
  std::vector<CsvRow> rows_;
  std::unordered_map<std::string, size_t> index_;
};

}  // namespace gallery::csv
