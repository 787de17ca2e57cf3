// CsvMapping: a YAML file that says how one agency's CSV extract becomes gallery.v1.Records,
// so that connecting an agency needs a mapping, not code. Format: adapters/csv/README.md.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "adapters/csv/csv_reader.h"
#include "adapters/csv/mapping_spec.h"
#include "adapters/csv/row_mapper.h"
#include "hub/common/result.h"
#include "hub/common/status.h"

namespace gallery::csv {

// Immutable after loading except for OverrideAgency; thread-compatible; cheap to copy.
class CsvMapping {
 public:
  // Reads and parses the mapping at `path` (at most kMaxYamlBytes). Blocks on file I/O.
  // Errors as Parse, plus ReadFileCapped's.
  static Result<CsvMapping> Load(const std::string& path);

  // Parses mapping YAML; `file` names positions. Returns kInvalidArgument listing every
  // problem found, one per line, each "file:line:col: ..." (unknown keys, missing required
  // keys, unknown types, bad date formats, bad delimiter, duplicate names ...).
  static Result<CsvMapping> Parse(std::string_view yaml, std::string file);

  const MappingSpec& spec() const { return *spec_; }
  const std::string& agency() const { return spec_->agency; }
  const std::string& record_type() const { return spec_->record_type; }

  // Replaces the source agency (record source, local ids, the default record id prefix),
  // e.g. from adapter-csv --agency. kInvalidArgument when `agency` is not a valid id.
  Status OverrideAgency(std::string agency);

  // The reader settings the mapping declares (delimiter, names for header-less files).
  const CsvOptions& csv_options() const { return spec_->csv; }

  // Reads and parses the CSV file at `path` with csv_options(). Blocks on file I/O.
  // Errors are CsvTable::Load's.
  Result<CsvTable> OpenCsv(const std::string& path) const;

  // Resolves every column the mapping names against `table`'s header. `table` must
  // outlive the returned RowMapper. Returns kInvalidArgument listing each missing column
  // at the mapping line that names it: "m.yaml:14:15: column 'DOB' (subject.birth_date)
  // is not in the header of data.csv".
  Result<RowMapper> Bind(const CsvTable& table) const;

 private:
  explicit CsvMapping(std::shared_ptr<const MappingSpec> spec) : spec_(std::move(spec)) {}

  std::shared_ptr<const MappingSpec> spec_;
};

// True when `id` is usable as an agency id: lower case letters, digits and hyphens.
bool IsValidAgencyId(std::string_view id);

}  // namespace gallery::csv
