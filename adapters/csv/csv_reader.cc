#include "adapters/csv/csv_reader.h"

#include <utility>

#include "adapters/csv/read_file.h"
#include "adapters/csv/text_util.h"

namespace gallery::csv {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// A cursor over the text that keeps the physical line and column for error messages.
class Scanner {
 public:
  Scanner(std::string_view text, std::string_view file) : text_(text), file_(file) {}

  bool done() const { return i_ >= text_.size(); }
  char peek() const { return text_[i_]; }
  bool at_eol() const { return !done() && (peek() == '\n' || peek() == '\r'); }
  CsvPosition position() const { return {line_, static_cast<int>(i_ - line_start_) + 1}; }

  void Skip(size_t n) { i_ += n; }
  // Consumes one line ending (CRLF counts as one) and appends it to `out` if given.
  void ConsumeEol(std::string* out) {
    const size_t len = (peek() == '\r' && i_ + 1 < text_.size() && text_[i_ + 1] == '\n') ? 2 : 1;
    if (out != nullptr) out->append(text_.substr(i_, len));
    i_ += len;
    ++line_;
    line_start_ = i_;
  }
  // Consumes bytes up to (not including) the next delimiter, quote or line ending.
  std::string_view TakePlain(char delimiter) {
    const size_t begin = i_;
    while (!done()) {
      const char c = peek();
      if (c == delimiter || c == '"' || c == '\n' || c == '\r') break;
      ++i_;
    }
    return text_.substr(begin, i_ - begin);
  }

  Status Error(CsvPosition at, std::string_view message) const {
    return InvalidArgument(std::string(file_) + ":" + std::to_string(at.line) + ":" +
                           std::to_string(at.column) + ": " + std::string(message));
  }

 private:
  std::string_view text_;
  std::string_view file_;
  size_t i_ = 0;
  size_t line_start_ = 0;
  int line_ = 1;
};

// Reads a quoted field whose opening quote is at the cursor, leaving the cursor after the
// closing quote.
Status ReadQuoted(Scanner& s, std::string& out) {
  const CsvPosition open = s.position();
  s.Skip(1);
  while (!s.done()) {
    const char c = s.peek();
    if (c == '"') {
      s.Skip(1);
      if (s.done() || s.peek() != '"') return OkStatus();
      out.push_back('"');
      s.Skip(1);
    } else if (c == '\n' || c == '\r') {
      s.ConsumeEol(&out);
    } else {
      out.push_back(c);
      s.Skip(1);
    }
  }
  return s.Error(open, "unterminated quoted field");
}

// Reads one row starting at the cursor, which is not at a line ending; consumes the
// row's line ending too.
Status ReadRow(Scanner& s, const CsvOptions& options, CsvRow& row) {
  row.line = s.position().line;
  while (true) {
    if (row.fields.size() == options.max_fields_per_row) {
      return s.Error(s.position(), "more than " + std::to_string(options.max_fields_per_row) +
                                       " fields in a row");
    }
    row.starts.push_back(s.position());
    std::string& field = row.fields.emplace_back();
    if (!s.done() && s.peek() == '"') {
      GALLERY_RETURN_IF_ERROR(ReadQuoted(s, field));
      if (!s.done() && s.peek() != options.delimiter && !s.at_eol()) {
        return s.Error(s.position(), "text after closing quote");
      }
    } else {
      field.assign(s.TakePlain(options.delimiter));
      if (!s.done() && s.peek() == '"') {
        return s.Error(s.position(), "stray quote in unquoted field");
      }
    }
    if (!s.done() && s.peek() == options.delimiter) {
      s.Skip(1);  // a delimiter always opens another field, possibly empty
      continue;
    }
    row.end = s.position();
    if (!s.done()) s.ConsumeEol(nullptr);
    return OkStatus();
  }
}

}  // namespace

Result<std::vector<CsvRow>> ParseCsvRows(std::string_view text, std::string_view file,
                                         const CsvOptions& options) {
  const char d = options.delimiter;
  if (d == '"' || d == '\r' || d == '\n') {
    return InvalidArgument(std::string(file) + ": the delimiter cannot be a quote or line ending");
  }
  if (text.size() > options.max_bytes) {
    return InvalidArgument(std::string(file) + ": larger than " +
                           std::to_string(options.max_bytes) + " bytes");
  }
  if (text.substr(0, kUtf8Bom.size()) == kUtf8Bom) text.remove_prefix(kUtf8Bom.size());

  std::vector<CsvRow> rows;
  size_t cells = 0;
  Scanner s(text, file);
  while (!s.done()) {
    if (s.at_eol()) {  // a blank line carries no row, not even one empty field
      s.ConsumeEol(nullptr);
      continue;
    }
    CsvRow row;
    GALLERY_RETURN_IF_ERROR(ReadRow(s, options, row));
    cells += row.fields.size();
    if (cells > options.max_cells) {
      return InvalidArgument(std::string(file) + ": more than " +
                             std::to_string(options.max_cells) + " cells");
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<CsvTable> CsvTable::Parse(std::string_view text, std::string file,
                                 const CsvOptions& options) {
  GALLERY_ASSIGN_OR_RETURN(std::vector<CsvRow> rows, ParseCsvRows(text, file, options));
  CsvTable table;
  table.file_ = std::move(file);
  std::vector<CsvPosition> name_starts;
  if (!options.column_names.empty()) {
    table.header_ = options.column_names;
  } else {
    if (rows.empty()) return InvalidArgument(table.file_ + ": empty file, no header row");
    table.header_line_ = rows.front().line;
    table.header_ = std::move(rows.front().fields);
    name_starts = std::move(rows.front().starts);
    rows.erase(rows.begin());
  }
  for (size_t i = 0; i < table.header_.size(); ++i) {
    std::string name(TrimBlank(table.header_[i]));
    auto [it, inserted] = table.index_.emplace(name, i);
    if (!inserted) {
      const std::string where = name_starts.empty()
                                    ? table.file_ + ": column_names"
                                    : table.file_ + ":" + std::to_string(name_starts[i].line) +
                                          ":" + std::to_string(name_starts[i].column);
      return InvalidArgument(where + ": duplicate header name '" + name + "' (also field " +
                             std::to_string(it->second + 1) + ")");
    }
    table.header_[i] = std::move(name);
  }
  table.rows_ = std::move(rows);
  return table;
}

Result<CsvTable> CsvTable::Load(const std::string& path, const CsvOptions& options) {
  GALLERY_ASSIGN_OR_RETURN(std::string text, ReadFileCapped(path, options.max_bytes));
  return Parse(text, path, options);
}

std::optional<size_t> CsvTable::ColumnIndex(std::string_view name) const {
  const auto it = index_.find(std::string(name));
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> CsvTable::SimilarColumn(std::string_view name) const {
  for (const auto& h : header_) {
    if (EqualsIgnoreCase(h, name)) return h;
  }
  return std::nullopt;
}

Status CsvTable::CheckWidth(const CsvRow& row, ShortRows policy) const {
  const size_t n = row.fields.size();
  const size_t m = header_.size();
  if (n == m || (n < m && policy == ShortRows::kBlank)) return OkStatus();
  const CsvPosition at = n > m ? row.starts[m] : row.end;
  return InvalidArgument(file_ + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) +
                         ": row has " + std::to_string(n) + " fields, header has " +
                         std::to_string(m));
}

}  // namespace gallery::csv
