#include "adapters/hl7v2/mapping_loader.h"

#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "adapters/common/mapping_yaml.h"
#include "adapters/csv/csv_mapping.h"
#include "adapters/csv/text_util.h"
#include "adapters/csv/value_parsers.h"

namespace gallery::hl7v2 {
namespace {

using adapters::IsRecordType;

// "ADT^A01": a message code and a trigger event, each three capital letters or digits.
bool IsMessageType(std::string_view s) {
  if (s.size() != 7 || s[3] != '^') return false;
  for (size_t i : {0, 1, 2, 4, 5, 6}) {
    if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9'))) return false;
  }
  return true;
}

using adapters::IsDefined;

const std::map<std::string, std::string> kDefaultGenderMap = {
    {"M", "male"}, {"F", "female"}, {"O", "other"}, {"A", "other"}, {"U", "unknown"},
    {"N", "unknown"}};

class SpecLoader {
 public:
  explicit SpecLoader(YamlErrors& errors) : errors_(errors) {}

  void Load(const YAML::Node& root, MappingSpec& spec) {
    if (!root.IsMap()) {
      errors_.Add(root, "a mapping must be a YAML map with keys agency, messages, ...");
      return;
    }
    CheckKeys(root, {"agency", "record_id", "subject", "occurred_at", "recorded_at", "labels",
                     "messages", "sections"}, errors_);
    spec.agency = Required(root, "agency");
    if (!spec.agency.empty() && !csv::IsValidAgencyId(spec.agency)) {
      errors_.Add(root["agency"], "'agency' must be lower case letters, digits and hyphens");
    }
    spec.record_id_prefix = spec.agency + ":";
    spec.record_id_prefix = adapters::RecordIdPrefix(root, spec.record_id_prefix, errors_);
    LoadSubject(root["subject"], spec.subject);
    spec.occurred_at = SourceOf(root, "occurred_at");
    spec.recorded_at = SourceOf(root, "recorded_at");
    spec.labels = Labels(root, "labels");
    LoadSections(root["sections"], spec.sections);
    LoadMessages(root, spec);
  }

 private:
  std::string Required(const YAML::Node& map, std::string_view key) {
    return adapters::RequiredScalar(map, key, errors_);
  }

  std::optional<FieldPath> Path(const YAML::Node& node) {
    if (!node.IsScalar()) {
      errors_.Add(node, "expected a field path like PID-5.1");
      return std::nullopt;
    }
    auto path = ParseFieldPath(node.Scalar());
    if (!path.ok()) {
      errors_.Add(node, path.status().message());
      return std::nullopt;
    }
    return *path;
  }

  std::vector<FieldPath> Paths(const YAML::Node& node) {
    std::vector<FieldPath> out;
    if (node.IsSequence()) {
      for (const auto& item : node) {
        if (auto p = Path(item)) out.push_back(std::move(*p));
      }
      if (node.size() == 0) errors_.Add(node, "expected at least one field path");
    } else if (auto p = Path(node)) {
      out.push_back(std::move(*p));
    }
    return out;
  }

  bool Bool(const YAML::Node& map, std::string_view key) {
    return adapters::OptionalBool(map, key, errors_);
  }

  std::vector<std::string> Labels(const YAML::Node& map, std::string_view key) {
    return adapters::LabelList(map, key, errors_);
  }

  // A path, a list of paths, or {field: path-or-list, required: bool, ...extra keys}.
  Source SourceOf(const YAML::Node& parent, std::string_view key,
                  std::initializer_list<std::string_view> allowed = {"field", "required"}) {
    Source source;
    const YAML::Node node = parent[std::string(key)];
    if (!IsDefined(node)) return source;
    if (node.IsMap()) {
      CheckKeys(node, allowed, errors_);
      if (!IsDefined(node["field"])) {
        errors_.Add(node, std::string(key) + ": missing required key 'field'");
      } else {
        source.paths = Paths(node["field"]);
      }
      source.required = Bool(node, "required");
    } else {
      source.paths = Paths(node);
    }
    return source;
  }

  IdentifierSpec Identifier(const YAML::Node& parent, std::string_view key) {
    IdentifierSpec spec;
    const YAML::Node node = parent[std::string(key)];
    if (!IsDefined(node)) return spec;
    if (!node.IsMap()) {
      errors_.Add(node, std::string(key) + ": expected a map with field and identifier_types");
      return spec;
    }
    CheckKeys(node, {"field", "identifier_types", "required"}, errors_);
    if (!IsDefined(node["field"])) {
      errors_.Add(node, std::string(key) + ": missing required key 'field'");
    } else if (auto path = Path(node["field"])) {
      if (path->component != 0) {
        errors_.Add(node["field"], std::string(key) + ": name a whole field such as PID-3");
      }
      spec.field = std::move(*path);
    }
    spec.types = ScalarList(node, "identifier_types", errors_);
    spec.required = Bool(node, "required");
    return spec;
  }

  void LoadSubject(const YAML::Node& node, SubjectSpec& spec) {
    spec.gender_map = kDefaultGenderMap;
    if (!IsDefined(node)) return;
    if (!node.IsMap()) {
      errors_.Add(node, "'subject' must be a map");
      return;
    }
    CheckKeys(node, {"nhs_number", "local_id", "given_name", "family_name", "birth_date",
                     "gender", "address_lines", "postcode", "phone", "registered_gp_ods"},
              errors_);
    spec.nhs_number = Identifier(node, "nhs_number");
    spec.local_id = Identifier(node, "local_id");
    spec.given_name = SourceOf(node, "given_name");
    spec.family_name = SourceOf(node, "family_name");
    spec.birth_date = SourceOf(node, "birth_date");
    spec.gender = SourceOf(node, "gender", {"field", "required", "map"});
    if (const YAML::Node map = node["gender"];
        IsDefined(map) && map.IsMap() && IsDefined(map["map"])) {
      LoadGenderMap(map["map"], spec.gender_map);
    }
    if (IsDefined(node["address_lines"])) spec.address_lines = Paths(node["address_lines"]);
    spec.postcode = SourceOf(node, "postcode");
    spec.phone = SourceOf(node, "phone");
    spec.registered_gp_ods = SourceOf(node, "registered_gp_ods");
  }

  void LoadGenderMap(const YAML::Node& node, std::map<std::string, std::string>& out) {
    if (!node.IsMap()) {
      errors_.Add(node, "gender: 'map' must map codes to male, female, other, unknown");
      return;
    }
    CheckNoDuplicateKeys(node, errors_);
    out.clear();
    for (const auto& kv : node) {
      if (!kv.first.IsScalar() || kv.first.Scalar().empty()) {
        errors_.Add(kv.first, "gender: each key of 'map' must be a code");
      } else if (!kv.second.IsScalar() || !csv::IsGender(kv.second.Scalar())) {
        errors_.Add(kv.second, "gender: 'map' values must be one of: male, female, other, unknown");
      } else {
        out.emplace(kv.first.Scalar(), kv.second.Scalar());
      }
    }
  }

  std::optional<ValueType> Type(const YAML::Node& map) {
    const std::string type = ScalarOr(map, "type", "text", errors_);
    static const std::map<std::string, ValueType> kTypes = {
        {"text", ValueType::kText},         {"integer", ValueType::kInteger},
        {"decimal", ValueType::kDecimal},   {"date", ValueType::kDate},
        {"date_time", ValueType::kDateTime}, {"coded", ValueType::kCoded},
        {"clinician", ValueType::kClinician}};
    if (auto it = kTypes.find(type); it != kTypes.end()) return it->second;
    errors_.Add(map["type"], "unknown type '" + type +
                                 "' (expected: text, integer, decimal, date, date_time, coded, "
                                 "clinician)");
    return std::nullopt;
  }

  // coded and clinician read a whole field (its components are the code, text, system or
  // the clinician's id and names), so a path to one component would be a mistake.
  void CheckWholeField(const YAML::Node& node, const Source& source, ValueType type) {
    if (type != ValueType::kCoded && type != ValueType::kClinician) return;
    for (const FieldPath& p : source.paths) {
      if (p.component != 0) errors_.Add(node, "types coded and clinician read a whole field such as DG1-3");
    }
  }

  std::optional<FieldSpec> LoadField(const YAML::Node& node, const std::string& heading) {
    if (!node.IsMap()) {
      errors_.Add(node, "each field must be a map with name and field");
      return std::nullopt;
    }
    CheckKeys(node, {"name", "field", "type", "labels", "required"}, errors_);
    FieldSpec field;
    field.name = Required(node, "name");
    if (!IsDefined(node["field"])) {
      errors_.Add(node, "section '" + heading + "' field '" + field.name +
                            "': missing required key 'field'");
    }
    if (IsDefined(node["field"])) field.source.paths = Paths(node["field"]);
    field.source.required = Bool(node, "required");
    field.type = Type(node).value_or(ValueType::kText);
    CheckWholeField(node, field.source, field.type);
    field.labels = Labels(node, "labels");
    return field;
  }

  std::optional<RowsSpec> LoadRows(const YAML::Node& node) {
    if (!node.IsMap()) {
      errors_.Add(node, "'rows' must be a map with segment, name, value");
      return std::nullopt;
    }
    CheckKeys(node, {"segment", "name", "value", "units", "type", "labels"}, errors_);
    RowsSpec rows;
    rows.segment = Required(node, "segment");
    rows.name = SourceOf(node, "name", {});
    rows.value = SourceOf(node, "value", {});
    if (!rows.value.mapped()) errors_.Add(node, "rows: missing required key 'value'");
    if (IsDefined(node["units"])) rows.units = Path(node["units"]);
    rows.type = Type(node).value_or(ValueType::kText);
    CheckWholeField(node, rows.value, rows.type);
    rows.labels = Labels(node, "labels");
    for (const auto* source : {&rows.name, &rows.value}) {
      for (const FieldPath& p : source->paths) {
        if (p.segment != rows.segment) {
          errors_.Add(node, "rows: paths must be in segment '" + rows.segment + "' (found " +
                                p.ToString() + ")");
        }
      }
    }
    return rows;
  }

  void LoadSections(const YAML::Node& node, std::vector<SectionSpec>& sections) {
    if (!IsDefined(node)) return;
    if (!node.IsSequence()) {
      errors_.Add(node, "'sections' must be a list");
      return;
    }
    std::set<std::string> headings;
    for (const auto& item : node) {
      if (!item.IsMap()) {
        errors_.Add(item, "each section must be a map with heading and fields or rows");
        continue;
      }
      CheckKeys(item, {"heading", "labels", "fields", "rows"}, errors_);
      SectionSpec section;
      section.heading = Required(item, "heading");
      if (!section.heading.empty() &&
          !headings.insert(csv::AsciiLowered(section.heading)).second) {
        errors_.Add(item["heading"], "duplicate section heading '" + section.heading + "'");
      }
      if (section.heading.find('/') != std::string::npos) {
        errors_.Add(item["heading"], "headings must not contain '/'");
      }
      section.labels = Labels(item, "labels");
      const YAML::Node fields = item["fields"];
      if (IsDefined(fields) == IsDefined(item["rows"])) {
        errors_.Add(item, "section '" + section.heading + "': give either 'fields' or 'rows'");
      } else if (IsDefined(item["rows"])) {
        section.rows = LoadRows(item["rows"]);
      } else if (!fields.IsSequence() || fields.size() == 0) {
        errors_.Add(fields, "section '" + section.heading + "': 'fields' must be a non-empty list");
      } else {
        std::set<std::string> names;
        for (const auto& f : fields) {
          auto field = LoadField(f, section.heading);
          if (!field) continue;
          if (!names.insert(csv::AsciiLowered(field->name)).second) {
            errors_.Add(f["name"], "duplicate field name '" + field->name + "' in section '" +
                                       section.heading + "'");
          }
          section.fields.push_back(std::move(*field));
        }
      }
      sections.push_back(std::move(section));
    }
  }

  // `control` names the message itself, which only a record id may do.
  IdSpec Id(const YAML::Node& parent, std::string_view key, bool allow_control) {
    IdSpec id;
    const YAML::Node node = parent[std::string(key)];
    if (!IsDefined(node)) return id;
    if (allow_control && node.IsScalar() && node.Scalar() == "control") {
      id.kind = IdSpec::Kind::kControl;
    } else if (node.IsMap() && node.size() == 1 && IsDefined(node["visit"]) &&
               node["visit"].IsScalar() && !node["visit"].Scalar().empty()) {
      id.kind = IdSpec::Kind::kVisit;
      id.visit_role = node["visit"].Scalar();
      for (char c : id.visit_role) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
          errors_.Add(node["visit"], "a visit role is lower case letters, digits and hyphens");
          break;
        }
      }
    } else {
      errors_.Add(node, "'" + std::string(key) + "' must be " +
                            (allow_control ? "'control' or " : "") + "{visit: ROLE}");
    }
    return id;
  }

  void LoadMessages(const YAML::Node& root, MappingSpec& spec) {
    const YAML::Node node = root["messages"];
    if (!IsDefined(node)) {
      errors_.Add(root, "missing required key 'messages'");
      return;
    }
    if (!node.IsSequence() || node.size() == 0) {
      errors_.Add(node, "'messages' must be a non-empty list");
      return;
    }
    std::set<std::string> headings;
    for (const SectionSpec& s : spec.sections) headings.insert(s.heading);
    std::set<std::string> types;
    for (const auto& item : node) {
      if (!item.IsMap()) {
        errors_.Add(item, "each message must be a map with type and record_type");
        continue;
      }
      CheckKeys(item, {"type", "record_type", "record_id", "amends", "retracts", "sections",
                       "labels"}, errors_);
      MessageSpec m;
      m.type = Required(item, "type");
      if (!m.type.empty() && !IsMessageType(m.type)) {
        errors_.Add(item["type"], "'type' must be a message type like ADT^A01");
      } else if (!m.type.empty() && !types.insert(m.type).second) {
        errors_.Add(item["type"], "message type '" + m.type + "' is mapped twice");
      }
      m.record_type = Required(item, "record_type");
      if (!m.record_type.empty() && !IsRecordType(m.record_type)) {
        errors_.Add(item["record_type"],
                    "'record_type' must be domain.event in lower case, e.g. adt.admission");
      }
      if (IsDefined(item["record_id"])) m.record_id = Id(item, "record_id", true);
      m.amends = Id(item, "amends", false);
      m.retracts = Id(item, "retracts", false);
      if (m.amends.kind != IdSpec::Kind::kNone && m.retracts.kind != IdSpec::Kind::kNone) {
        errors_.Add(item, "give 'amends' or 'retracts', not both");
      }
      m.sections = ScalarList(item, "sections", errors_);
      for (const auto& heading : m.sections) {
        if (!headings.count(heading)) {
          errors_.Add(item["sections"], "no section has the heading '" + heading + "'");
        }
      }
      m.labels = Labels(item, "labels");
      spec.messages.push_back(std::move(m));
    }
  }

  YamlErrors& errors_;
};

}  // namespace

void LoadMappingSpec(const YAML::Node& root, YamlErrors& errors, MappingSpec& spec) {
  SpecLoader(errors).Load(root, spec);
}

}  // namespace gallery::hl7v2
