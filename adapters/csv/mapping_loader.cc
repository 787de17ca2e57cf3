#include "adapters/csv/mapping_loader.h"

#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "adapters/common/mapping_yaml.h"
#include "adapters/csv/corrections_loader.h"
#include "adapters/csv/csv_mapping.h"

namespace gallery::csv {
namespace {

constexpr std::string_view kDefaultDateFormat = "%Y-%m-%d";

// Which optional keys a subject value or timestamp accepts besides column and required.
enum ValueExtras : unsigned {
  kNoExtras = 0,
  kFormatKey = 1,  // format: (dates and timestamps)
  kMapKey = 2,     // map: (gender)
  kValueKey = 4,   // value: a fixed value (registered_gp_ods)
};

using adapters::IsRecordType;

class SpecLoader {
 public:
  explicit SpecLoader(YamlErrors& errors) : errors_(errors) {}

  void Load(const YAML::Node& root, MappingSpec& spec) {
    if (!root.IsMap()) {
      errors_.Add(root, "a mapping must be a YAML map with keys agency, record_type, ...");
      return;
    }
    CheckKeys(root, {"agency", "record_type", "csv", "record_id", "subject", "occurred_at",
                "recorded_at", "labels", "sections", "corrections"}, errors_);
    spec.agency = Required(root, "agency");
    if (!spec.agency.empty() && !IsValidAgencyId(spec.agency)) {
      errors_.Add(root["agency"], "'agency' must be lower case letters, digits and hyphens");
    }
    spec.record_type = Required(root, "record_type");
    if (!spec.record_type.empty() && !IsRecordType(spec.record_type)) {
      errors_.Add(root["record_type"],
                  "'record_type' must be domain.event in lower case, e.g. assessment.single");
    }
    LoadCsv(root["csv"], spec);
    LoadRecordId(root, spec.record_id);
    LoadSubject(root["subject"], spec.subject);
    spec.occurred_at = Value(root, "occurred_at", "occurred_at", kFormatKey);
    spec.recorded_at = Value(root, "recorded_at", "recorded_at", kFormatKey);
    spec.labels = Labels(root, "labels");
    LoadSections(root["sections"], spec.sections);
    LoadCorrections(root["corrections"], errors_, spec.corrections);
  }

 private:
  std::string Required(const YAML::Node& map, std::string_view key) {
    return adapters::RequiredScalar(map, key, errors_);
  }

  std::optional<ColumnRef> Column(const YAML::Node& node, std::string role) {
    if (!node.IsScalar() || node.Scalar().empty()) {
      errors_.Add(node, role + ": expected a column name");
      return std::nullopt;
    }
    const YAML::Mark mark = node.Mark();
    return ColumnRef{node.Scalar(), std::move(role), mark.line + 1, mark.column + 1, 0};
  }

  // A column name or a list of them.
  std::vector<ColumnRef> Columns(const YAML::Node& node, const std::string& role) {
    std::vector<ColumnRef> out;
    if (node.IsSequence()) {
      for (const auto& item : node) {
        if (auto c = Column(item, role)) out.push_back(std::move(*c));
      }
    } else if (auto c = Column(node, role)) {
      out.push_back(std::move(*c));
    }
    return out;
  }

  bool Bool(const YAML::Node& map, std::string_view key) {
    return adapters::OptionalBool(map, key, errors_);
  }

  std::optional<DateFormat> Format(const YAML::Node& map, std::string_view fallback) {
    const YAML::Node node = map.IsMap() ? map["format"] : YAML::Node();
    std::string pattern(fallback);
    if (node.IsDefined() && !node.IsNull()) {
      if (!node.IsScalar()) {
        errors_.Add(node, "'format' must be a single value such as \"%d/%m/%Y\"");
        return std::nullopt;
      }
      pattern = node.Scalar();
    }
    auto format = DateFormat::Compile(pattern);
    if (!format.ok()) {
      errors_.Add(node.IsDefined() ? node.Mark() : map.Mark(),
                  "bad format: " + format.status().message());
      return std::nullopt;
    }
    return *format;
  }

  std::vector<std::string> Labels(const YAML::Node& map, std::string_view key) {
    return adapters::LabelList(map, key, errors_);
  }

  // A subject attribute or timestamp: "Column name" or {column, required, ...extras}.
  ValueSpec Value(const YAML::Node& parent, std::string_view key, const std::string& role,
                  unsigned extras) {
    ValueSpec spec;
    const YAML::Node node = parent[std::string(key)];
    if (!node.IsDefined() || node.IsNull()) return spec;
    if (node.IsScalar()) {
      spec.column = Column(node, role);
    } else if (node.IsMap()) {
      switch (extras) {
        case kFormatKey:
          CheckKeys(node, {"column", "required", "format"}, errors_);
          break;
        case kMapKey:
          CheckKeys(node, {"column", "required", "map"}, errors_);
          break;
        case kValueKey:
          CheckKeys(node, {"column", "required", "value"}, errors_);
          break;
        default:
          CheckKeys(node, {"column", "required"}, errors_);
      }
      const bool has_column = node["column"].IsDefined();
      const bool has_value = (extras & kValueKey) != 0 && node["value"].IsDefined();
      if (has_column && has_value) {
        errors_.Add(node, role + ": give either 'column' or 'value', not both");
      } else if (has_value) {
        spec.constant = ScalarOr(node, "value", "", errors_);
        if (spec.constant.empty()) errors_.Add(node["value"], role + ": 'value' is empty");
      } else if (has_column) {
        spec.column = Column(node["column"], role);
      } else {
        errors_.Add(node, role + ": missing required key 'column'");
      }
      spec.required = Bool(node, "required");
      if ((extras & kMapKey) != 0) LoadGenderMap(node["map"], role, spec.map);
    } else {
      errors_.Add(node, role + ": expected a column name or a map with 'column'");
    }
    if ((extras & kFormatKey) != 0) spec.format = Format(node, kDefaultDateFormat);
    return spec;
  }

  void LoadGenderMap(const YAML::Node& node, const std::string& role,
                     std::map<std::string, std::string>& out) {
    if (!node.IsDefined() || node.IsNull()) return;
    if (!node.IsMap()) {
      errors_.Add(node, role + ": 'map' must map cell values to male, female, other, unknown");
      return;
    }
    CheckNoDuplicateKeys(node, errors_);
    for (const auto& kv : node) {
      if (!kv.first.IsScalar() || kv.first.Scalar().empty()) {
        errors_.Add(kv.first, role + ": each key of 'map' must be a cell value");
        continue;
      }
      if (!kv.second.IsScalar() || !IsGender(kv.second.Scalar())) {
        errors_.Add(kv.second,
                    role + ": 'map' values must be one of: male, female, other, unknown");
        continue;
      }
      out.emplace(kv.first.Scalar(), kv.second.Scalar());
    }
  }

  void LoadCsv(const YAML::Node& node, MappingSpec& spec) {
    if (!node.IsDefined() || node.IsNull()) return;
    if (!node.IsMap()) {
      errors_.Add(node, "'csv' must be a map with delimiter, columns, short_rows");
      return;
    }
    CheckKeys(node, {"delimiter", "columns", "short_rows"}, errors_);
    const std::string delimiter = ScalarOr(node, "delimiter", ",", errors_);
    if (delimiter == "," || delimiter == "comma") {
      spec.csv.delimiter = ',';
    } else if (delimiter == "\t" || delimiter == "\\t" || delimiter == "tab") {
      spec.csv.delimiter = '\t';
    } else if (delimiter == ";" || delimiter == "semicolon") {
      spec.csv.delimiter = ';';
    } else if (delimiter == "|" || delimiter == "pipe") {
      spec.csv.delimiter = '|';
    } else {
      errors_.Add(node["delimiter"], "'delimiter' must be one of \",\" \"\\t\" \";\" \"|\"");
    }
    std::set<std::string> names;
    const YAML::Node columns = node["columns"];
    for (auto& name : ScalarList(node, "columns", errors_)) {
      if (name.empty() || !names.insert(name).second) {
        errors_.Add(columns, "'columns' must be distinct, non-empty names ('" + name + "')");
      }
      spec.csv.column_names.push_back(std::move(name));
    }
    if (columns.IsDefined() && !columns.IsNull() && spec.csv.column_names.empty()) {
      errors_.Add(columns, "'columns' must name at least one column");
    }
    const std::string short_rows = ScalarOr(node, "short_rows", "error", errors_);
    if (short_rows == "blank") {
      spec.short_rows = ShortRows::kBlank;
    } else if (short_rows != "error") {
      errors_.Add(node["short_rows"], "'short_rows' must be one of: error, blank");
    }
  }

  void LoadRecordId(const YAML::Node& root, RecordIdSpec& spec) {
    const YAML::Node node = root["record_id"];
    if (!node.IsDefined() || node.IsNull()) {
      errors_.Add(root, "missing required key 'record_id'");
      return;
    }
    if (node.IsScalar()) {
      spec.columns = Columns(node, "record_id");
      return;
    }
    if (!node.IsMap()) {
      errors_.Add(node, "'record_id' must be a column name or a map with 'columns'");
      return;
    }
    CheckKeys(node, {"columns", "prefix", "separator"}, errors_);
    if (!node["columns"].IsDefined() || node["columns"].IsNull()) {
      errors_.Add(node, "record_id: missing required key 'columns'");
    } else {
      spec.columns = Columns(node["columns"], "record_id");
      if (spec.columns.empty()) errors_.Add(node["columns"], "record_id: 'columns' is empty");
    }
    if (node["prefix"].IsDefined()) spec.prefix = ScalarOr(node, "prefix", "", errors_);
    spec.separator = ScalarOr(node, "separator", ":", errors_);
  }

  void LoadSubject(const YAML::Node& node, SubjectSpec& spec) {
    if (!node.IsDefined() || node.IsNull()) return;
    if (!node.IsMap()) {
      errors_.Add(node, "'subject' must be a map");
      return;
    }
    CheckKeys(node, {"nhs_number", "local_id", "given_name", "family_name", "birth_date", "gender",
                "address_lines", "postcode", "phone", "registered_gp_ods"}, errors_);
    spec.nhs_number = Value(node, "nhs_number", "subject.nhs_number", kNoExtras);
    spec.local_id = Value(node, "local_id", "subject.local_id", kNoExtras);
    spec.given_name = Value(node, "given_name", "subject.given_name", kNoExtras);
    spec.family_name = Value(node, "family_name", "subject.family_name", kNoExtras);
    spec.birth_date = Value(node, "birth_date", "subject.birth_date", kFormatKey);
    spec.gender = Value(node, "gender", "subject.gender", kMapKey);
    if (node["address_lines"].IsDefined() && !node["address_lines"].IsNull()) {
      spec.address_lines = Columns(node["address_lines"], "subject.address_lines");
    }
    spec.postcode = Value(node, "postcode", "subject.postcode", kNoExtras);
    spec.phone = Value(node, "phone", "subject.phone", kNoExtras);
    spec.registered_gp_ods =
        Value(node, "registered_gp_ods", "subject.registered_gp_ods", kValueKey);
  }

  void LoadSections(const YAML::Node& node, std::vector<SectionSpec>& sections) {
    if (!node.IsDefined() || node.IsNull()) return;
    if (!node.IsSequence()) {
      errors_.Add(node, "'sections' must be a list");
      return;
    }
    std::set<std::string> headings;
    for (const auto& item : node) {
      if (!item.IsMap()) {
        errors_.Add(item, "each section must be a map with heading and fields");
        continue;
      }
      CheckKeys(item, {"heading", "labels", "fields"}, errors_);
      SectionSpec section;
      section.heading = Required(item, "heading");
      if (!section.heading.empty() && !headings.insert(section.heading).second) {
        errors_.Add(item["heading"], "duplicate section heading '" + section.heading + "'");
      }
      section.labels = Labels(item, "labels");
      const YAML::Node fields = item["fields"];
      if (!fields.IsSequence() || fields.size() == 0) {
        errors_.Add(fields.IsDefined() ? fields : item,
                    "section '" + section.heading + "': 'fields' must be a non-empty list");
      } else {
        std::set<std::string> names;
        for (const auto& f : fields) {
          if (auto field = LoadField(f, section.heading)) {
            if (!names.insert(field->name).second) {
              errors_.Add(f["name"], "duplicate field name '" + field->name + "' in section '" +
                                         section.heading + "'");
            }
            section.fields.push_back(std::move(*field));
          }
        }
      }
      sections.push_back(std::move(section));
    }
  }

  std::optional<FieldSpec> LoadField(const YAML::Node& node, const std::string& heading) {
    if (!node.IsMap()) {
      errors_.Add(node, "each field must be a map with name and column");
      return std::nullopt;
    }
    CheckKeys(node, {"name", "column", "type", "format", "required", "labels"}, errors_);
    FieldSpec field;
    field.name = Required(node, "name");
    const std::string role = "section '" + heading + "' field '" + field.name + "'";
    if (!node["column"].IsDefined()) {
      errors_.Add(node, role + ": missing required key 'column'");
    } else if (auto column = Column(node["column"], role)) {
      field.column = std::move(*column);
    }
    const std::string type = ScalarOr(node, "type", "text", errors_);
    if (type == "text") {
      field.type = FieldType::kText;
    } else if (type == "integer") {
      field.type = FieldType::kInteger;
    } else if (type == "decimal") {
      field.type = FieldType::kDecimal;
    } else if (type == "boolean") {
      field.type = FieldType::kBoolean;
    } else if (type == "date") {
      field.type = FieldType::kDate;
    } else {
      errors_.Add(node["type"],
                  "unknown type '" + type + "' (expected: text, integer, decimal, boolean, date)");
    }
    if (field.type == FieldType::kDate) {
      field.format = Format(node, kDefaultDateFormat);
    } else if (node["format"].IsDefined()) {
      errors_.Add(node["format"], "'format' applies only to type date");
    }
    field.required = Bool(node, "required");
    field.labels = Labels(node, "labels");
    return field;
  }

  YamlErrors& errors_;
};

}  // namespace

void LoadMappingSpec(const YAML::Node& root, YamlErrors& errors, MappingSpec& spec) {
  SpecLoader(errors).Load(root, spec);
}

}  // namespace gallery::csv
