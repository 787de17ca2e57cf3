#include "adapters/csv/csv_mapping.h"

#include <algorithm>
#include <functional>
#include <utility>
#include <vector>

#include "adapters/common/mapping_document.h"
#include "adapters/csv/mapping_loader.h"
#include "adapters/csv/read_file.h"
#include "hub/common/yaml_util.h"

namespace gallery::csv {
namespace {

// Calls `fn` on every column reference of `spec`, in mapping order.
void ForEachColumn(MappingSpec& spec, const std::function<void(ColumnRef&)>& fn) {
  auto value = [&](ValueSpec& v) {
    if (v.column) fn(*v.column);
  };
  for (auto& c : spec.record_id.columns) fn(c);
  SubjectSpec& s = spec.subject;
  for (ValueSpec* v :
       {&s.nhs_number, &s.local_id, &s.given_name, &s.family_name, &s.birth_date, &s.gender}) {
    value(*v);
  }
  for (auto& c : s.address_lines) fn(c);
  for (ValueSpec* v :
       {&s.postcode, &s.phone, &s.registered_gp_ods, &spec.occurred_at, &spec.recorded_at}) {
    value(*v);
  }
  for (auto& section : spec.sections) {
    for (auto& field : section.fields) fn(field.column);
  }
  if (spec.corrections.deleted_column) fn(*spec.corrections.deleted_column);
}

}  // namespace

bool IsValidAgencyId(std::string_view id) {
  if (id.empty() || id.front() == '-') return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

Result<CsvMapping> CsvMapping::Load(const std::string& path) {
  GALLERY_ASSIGN_OR_RETURN(std::string text, ReadFileCapped(path, kMaxYamlBytes));
  return Parse(text, path);
}

Result<CsvMapping> CsvMapping::Parse(std::string_view yaml, std::string file) {
  auto spec = adapters::ParseMappingSpec<MappingSpec>(yaml, file, LoadMappingSpec);
  if (!spec.ok()) return spec.status();
  return CsvMapping(std::move(*spec));
}

Status CsvMapping::OverrideAgency(std::string agency) {
  if (!IsValidAgencyId(agency)) {
    return InvalidArgument("agency id must be lower case letters, digits and hyphens");
  }
  auto spec = std::make_shared<MappingSpec>(*spec_);
  spec->agency = std::move(agency);
  spec_ = std::move(spec);
  return OkStatus();
}

Result<CsvTable> CsvMapping::OpenCsv(const std::string& path) const {
  return CsvTable::Load(path, spec_->csv);
}

Result<RowMapper> CsvMapping::Bind(const CsvTable& table) const {
  auto bound = std::make_shared<MappingSpec>(*spec_);
  std::vector<const ColumnRef*> missing;
  ForEachColumn(*bound, [&](ColumnRef& column) {
    if (auto index = table.ColumnIndex(column.name)) {
      column.index = *index;
    } else {
      missing.push_back(&column);
    }
  });
  if (missing.empty()) return RowMapper(std::move(bound), &table);
  // Reported in mapping order, so the list reads top to bottom like the file to fix.
  std::stable_sort(missing.begin(), missing.end(), [](const ColumnRef* a, const ColumnRef* b) {
    return std::pair(a->line, a->column) < std::pair(b->line, b->column);
  });
  std::string errors;
  for (const ColumnRef* column : missing) {
    if (!errors.empty()) errors += '\n';
    errors += bound->file + ":" + std::to_string(column->line) + ":" +
              std::to_string(column->column) + ": column '" + column->name + "' (" + column->role +
              ") is not in the header of " + table.file();
    if (auto similar = table.SimilarColumn(column->name)) {
      errors += " (it has '" + *similar + "'; names are case-sensitive)";
    }
  }
  return InvalidArgument(std::move(errors));
}

}  // namespace gallery::csv
