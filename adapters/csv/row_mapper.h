// RowMapper: a CSV mapping bound to one file's header; turns each row into a Record.
// The translator at the heart of the CSV adapter: no I/O, no clock, deterministic.
#pragma once

#include <memory>
#include <string>

#include "adapters/csv/csv_reader.h"
#include "adapters/csv/mapping_spec.h"
#include "gallery/v1/record.pb.h"
#include "hub/common/result.h"

namespace gallery::csv {

// Made by CsvMapping::Bind. Immutable, so thread-safe; the CsvTable it was bound to must
// outlive it.
class RowMapper {
 public:
  RowMapper(std::shared_ptr<const MappingSpec> spec, const CsvTable* table)
      : spec_(std::move(spec)), table_(table) {}

  // The Record for `row`, a row of the bound table. The same row always gives the same
  // Record (recorded_at is set only when mapped), so re-importing a file is idempotent.
  // Empty cells are omitted unless `required`. On failure returns kInvalidArgument
  // "file.csv:LINE: " followed by every problem in the row, separated by "; ", each
  // naming the column and what it feeds, never the cell value:
  //   "column 'DOB' (subject.birth_date): not a date in format %d/%m/%Y"
  // A row of the wrong width gives CsvTable::CheckWidth's error instead.
  Result<v1::Record> MapRow(const CsvRow& row) const;

  // Only the record id of `row`, so that callers can name a row MapRow refused.
  // kInvalidArgument as MapRow when a record id column is empty.
  Result<std::string> RecordId(const CsvRow& row) const;

  // True when the mapping's corrections.deleted column of `row` holds one of its values
  // (compared trimmed, case-sensitively): the row stands for a deleted record.
  bool MarkedDeleted(const CsvRow& row) const;

  const MappingSpec& spec() const { return *spec_; }
  const CsvTable& table() const { return *table_; }

 private:
  std::shared_ptr<const MappingSpec> spec_;
  const CsvTable* table_;
};

}  // namespace gallery::csv
