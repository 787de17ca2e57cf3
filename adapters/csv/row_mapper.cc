#include "adapters/csv/row_mapper.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "adapters/csv/text_util.h"
#include "adapters/csv/value_parsers.h"
#include "hub/common/nhs_number.h"

namespace gallery::csv {
namespace {

// Collects the problems of one row. Messages name columns and roles, never cells.
class Problems {
 public:
  void Add(const ColumnRef& column, std::string_view what) {
    if (!text_.empty()) text_ += "; ";
    text_ += "column '" + column.name + "' (" + column.role + "): " + std::string(what);
  }
  bool empty() const { return text_.empty(); }
  Status ToStatus(const CsvTable& table, const CsvRow& row) const {
    return InvalidArgument(table.file() + ":" + std::to_string(row.line) + ": " + text_);
  }

 private:
  std::string text_;
};

// Reads the trimmed cell a value spec points at; "" when unmapped or blank. Reports an
// empty required cell.
std::string Cell(const ValueSpec& spec, const CsvRow& row, Problems& problems) {
  if (!spec.column) return spec.constant;
  std::string value(TrimBlank(CsvTable::Cell(row, spec.column->index)));
  if (value.empty() && spec.required) problems.Add(*spec.column, "required but empty");
  return value;
}

std::string NotADate(const DateFormat& format) {
  return "not a date in format " + format.pattern();
}

class Mapper {
 public:
  Mapper(const MappingSpec& spec, const CsvRow& row, Problems& problems)
      : spec_(spec), row_(row), problems_(problems) {}

  std::string RecordId() {
    std::string id = spec_.record_id.prefix.value_or(spec_.agency + ":");
    bool first = true;
    for (const ColumnRef& column : spec_.record_id.columns) {
      const std::string_view part = TrimBlank(CsvTable::Cell(row_, column.index));
      if (part.empty()) problems_.Add(column, "empty, so the row has no record id");
      if (!first) id += spec_.record_id.separator;
      id += part;
      first = false;
    }
    return id;
  }

  void Subject(v1::Subject& out) {
    const SubjectSpec& s = spec_.subject;
    if (std::string nhs = NormaliseNhsNumber(Cell(s.nhs_number, row_, problems_)); !nhs.empty()) {
      if (Status valid = ValidateNhsNumber(nhs); !valid.ok()) {
        problems_.Add(*s.nhs_number.column, valid.message());
      } else {
        out.set_nhs_number(std::move(nhs));
      }
    }
    if (std::string id = Cell(s.local_id, row_, problems_); !id.empty()) {
      v1::LocalIdentifier* local = out.add_local_ids();
      local->set_agency(spec_.agency);
      local->set_value(std::move(id));
    }
    v1::Demographics& d = *out.mutable_demographics();
    d.set_given_name(Cell(s.given_name, row_, problems_));
    d.set_family_name(Cell(s.family_name, row_, problems_));
    if (std::string dob = Cell(s.birth_date, row_, problems_); !dob.empty()) {
      if (auto parts = s.birth_date.format->Parse(dob)) {
        d.set_birth_date(parts->IsoDate());
      } else {
        problems_.Add(*s.birth_date.column, NotADate(*s.birth_date.format));
      }
    }
    if (std::string gender = Cell(s.gender, row_, problems_); !gender.empty()) {
      Gender(gender, d);
    }
    for (const ColumnRef& column : s.address_lines) {
      const std::string_view line = TrimBlank(CsvTable::Cell(row_, column.index));
      if (!line.empty()) d.add_address_lines(std::string(line));
    }
    d.set_postcode(Cell(s.postcode, row_, problems_));
    d.set_phone(Cell(s.phone, row_, problems_));
    std::string ods = Cell(s.registered_gp_ods, row_, problems_);
    for (char& c : ods) c = AsciiUpper(c);
    out.set_registered_gp_ods(std::move(ods));
    if (d.ByteSizeLong() == 0) out.clear_demographics();
  }

  // Sets `out` when the cell holds a date or date-time in the spec's format.
  bool Timestamp(const ValueSpec& spec, google::protobuf::Timestamp& out) {
    const std::string text = Cell(spec, row_, problems_);
    if (text.empty()) return false;
    if (auto parts = spec.format->Parse(text)) {
      out = parts->ToTimestamp();
      return true;
    }
    problems_.Add(*spec.column, "not a date/time in format " + spec.format->pattern());
    return false;
  }

  void Section(const SectionSpec& spec, v1::Record& record) {
    v1::Section section;
    section.set_heading(spec.heading);
    for (const auto& label : spec.labels) section.add_sensitivity_labels(label);
    for (const FieldSpec& field : spec.fields) {
      v1::Field out;
      if (!Field(field, out)) continue;
      out.set_name(field.name);
      for (const auto& label : field.labels) out.add_sensitivity_labels(label);
      *section.add_fields() = std::move(out);
    }
    // A heading with nothing under it tells the reader nothing, so it is not sent.
    if (section.fields_size() > 0) *record.add_sections() = std::move(section);
  }

 private:
  void Gender(const std::string& cell, v1::Demographics& d) {
    const auto& map = spec_.subject.gender.map;
    if (map.empty()) {
      const std::string lowered = AsciiLowered(cell);
      if (IsGender(lowered)) {
        d.set_gender(lowered);
      } else {
        problems_.Add(*spec_.subject.gender.column, "not one of male, female, other, unknown");
      }
      return;
    }
    if (auto it = map.find(cell); it != map.end()) {
      d.set_gender(it->second);
      return;
    }
    // Exports are inconsistent about case ("m" and "M"); an exact match wins above.
    for (const auto& [from, to] : map) {
      if (AsciiLowered(from) == AsciiLowered(cell)) {
        d.set_gender(to);
        return;
      }
    }
    problems_.Add(*spec_.subject.gender.column, "value not in the mapping's gender map");
  }

  // Fills the value of `out`; false when the cell is empty or bad (a problem is noted).
  bool Field(const FieldSpec& field, v1::Field& out) {
    const std::string_view raw = CsvTable::Cell(row_, field.column.index);
    const std::string_view cell = TrimBlank(raw);
    if (cell.empty()) {
      if (field.required) problems_.Add(field.column, "required but empty");
      return false;
    }
    switch (field.type) {
      case FieldType::kText:
        // Free text is the practitioner's own words: kept exactly, spaces and all.
        out.set_text(std::string(raw));
        return true;
      case FieldType::kInteger:
        if (auto v = ParseInteger(cell)) {
          out.set_integer(*v);
          return true;
        }
        problems_.Add(field.column, "not an integer");
        return false;
      case FieldType::kDecimal:
        if (auto v = ParseDecimal(cell)) {
          out.set_decimal(*v);
          return true;
        }
        problems_.Add(field.column, "not a decimal number");
        return false;
      case FieldType::kBoolean:
        if (auto v = ParseBoolean(cell)) {
          out.set_boolean(*v);
          return true;
        }
        problems_.Add(field.column, "not yes/no (yes, no, y, n, true, false, 1, 0)");
        return false;
      case FieldType::kDate:
        if (auto v = field.format->Parse(cell)) {
          out.set_date(v->IsoDate());
          return true;
        }
        problems_.Add(field.column, NotADate(*field.format));
        return false;
    }
    return false;
  }

  const MappingSpec& spec_;
  const CsvRow& row_;
  Problems& problems_;
};

}  // namespace

bool RowMapper::MarkedDeleted(const CsvRow& row) const {
  const CorrectionsSpec& c = spec_->corrections;
  if (!c.deleted_column) return false;
  const std::string_view cell = TrimBlank(CsvTable::Cell(row, c.deleted_column->index));
  return std::find(c.deleted_values.begin(), c.deleted_values.end(), cell) !=
         c.deleted_values.end();
}

Result<std::string> RowMapper::RecordId(const CsvRow& row) const {
  GALLERY_RETURN_IF_ERROR(table_->CheckWidth(row, spec_->short_rows));
  Problems problems;
  std::string id = Mapper(*spec_, row, problems).RecordId();
  if (!problems.empty()) return problems.ToStatus(*table_, row);
  return id;
}

Result<v1::Record> RowMapper::MapRow(const CsvRow& row) const {
  GALLERY_RETURN_IF_ERROR(table_->CheckWidth(row, spec_->short_rows));
  Problems problems;
  Mapper mapper(*spec_, row, problems);
  v1::Record record;
  record.set_record_id(mapper.RecordId());
  record.set_source_agency(spec_->agency);
  record.set_record_type(spec_->record_type);
  mapper.Subject(*record.mutable_subject());
  for (const auto& label : spec_->labels) record.add_sensitivity_labels(label);
  google::protobuf::Timestamp ts;
  if (mapper.Timestamp(spec_->occurred_at, ts)) *record.mutable_occurred_at() = ts;
  if (mapper.Timestamp(spec_->recorded_at, ts)) *record.mutable_recorded_at() = ts;
  for (const SectionSpec& section : spec_->sections) mapper.Section(section, record);
  if (!problems.empty()) return problems.ToStatus(*table_, row);
  return record;
}

}  // namespace gallery::csv
