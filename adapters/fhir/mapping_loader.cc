#include "adapters/fhir/mapping_loader.h"

#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "adapters/common/mapping_yaml.h"
#include "adapters/csv/csv_mapping.h"
#include "adapters/csv/text_util.h"

namespace gallery::fhir {
namespace {

using adapters::IsDefined;
using adapters::IsRecordType;

bool IsSupported(const std::string& type) {
  return std::any_of(std::begin(kSupportedTypes), std::end(kSupportedTypes),
                     [&](const char* t) { return type == t; });
}

class SpecLoader {
 public:
  explicit SpecLoader(YamlErrors& errors) : errors_(errors) {}

  void Load(const YAML::Node& root, MappingSpec& spec) {
    if (!root.IsMap()) {
      errors_.Add(root, "a mapping must be a YAML map with keys agency, resources, ...");
      return;
    }
    CheckKeys(root, {"agency", "record_id", "subject", "labels", "security_labels", "resources"},
              errors_);
    spec.agency = Required(root, "agency");
    if (!spec.agency.empty() && !csv::IsValidAgencyId(spec.agency)) {
      errors_.Add(root["agency"], "'agency' must be lower case letters, digits and hyphens");
    }
    spec.record_id_prefix = spec.agency + ":fhir:";
    spec.record_id_prefix = adapters::RecordIdPrefix(root, spec.record_id_prefix, errors_);
    LoadSubject(root["subject"], spec.subject);
    spec.labels = Labels(root, "labels");
    if (const YAML::Node security = root["security_labels"]; IsDefined(security)) {
      LoadCodeMap(security, "security_labels", false, spec.security_labels);
    }
    LoadResources(root, spec);
  }

 private:
  std::string Required(const YAML::Node& map, std::string_view key) {
    return adapters::RequiredScalar(map, key, errors_);
  }

  std::vector<std::string> Labels(const YAML::Node& map, std::string_view key) {
    return adapters::LabelList(map, key, errors_);
  }

  std::optional<ElementPath> Element(const YAML::Node& node) {
    if (!node.IsScalar()) {
      errors_.Add(node, "expected an element path like code or valueQuantity.value");
      return std::nullopt;
    }
    auto path = ParseElementPath(node.Scalar());
    if (!path.ok()) {
      errors_.Add(node, path.status().message());
      return std::nullopt;
    }
    return std::move(path).value();
  }

  // One element path or a list of them.
  std::vector<ElementPath> Elements(const YAML::Node& node) {
    std::vector<ElementPath> out;
    if (node.IsSequence()) {
      if (node.size() == 0) errors_.Add(node, "expected at least one element path");
      for (const auto& item : node) {
        if (auto p = Element(item)) out.push_back(std::move(*p));
      }
    } else if (auto p = Element(node)) {
      out.push_back(std::move(*p));
    }
    return out;
  }

  // A map of codes to record types (`record_types`) or to labels.
  void LoadCodeMap(const YAML::Node& node, std::string_view what, bool record_types,
                   std::map<std::string, std::string>& out) {
    if (!node.IsMap()) {
      errors_.Add(node, "'" + std::string(what) + "' must map codes to " +
                            (record_types ? "record types" : "labels"));
      return;
    }
    CheckNoDuplicateKeys(node, errors_);
    for (const auto& kv : node) {
      const bool value_ok = kv.second.IsScalar() &&
                            (record_types ? IsRecordType(kv.second.Scalar())
                                          : !kv.second.Scalar().empty() &&
                                                kv.second.Scalar().find(' ') == std::string::npos);
      if (!kv.first.IsScalar() || kv.first.Scalar().empty()) {
        errors_.Add(kv.first, std::string(what) + ": each key must be a code");
      } else if (!value_ok) {
        errors_.Add(kv.second, std::string(what) + ": " +
                                   (record_types ? "values must be record types like "
                                                   "encounter.inpatient"
                                                 : "values must be labels without spaces"));
      } else {
        out.emplace(kv.first.Scalar(), kv.second.Scalar());
      }
    }
  }

  void LoadSubject(const YAML::Node& node, SubjectSpec& spec) {
    if (!IsDefined(node)) return;
    if (!node.IsMap()) {
      errors_.Add(node, "'subject' must be a map");
      return;
    }
    CheckKeys(node, {"nhs_number_system", "gp_ods_system", "local_id_systems"}, errors_);
    spec.nhs_number_system = ScalarOr(node, "nhs_number_system", spec.nhs_number_system, errors_);
    spec.gp_ods_system = ScalarOr(node, "gp_ods_system", spec.gp_ods_system, errors_);
    spec.local_id_systems = ScalarList(node, "local_id_systems", errors_);
  }

  std::optional<ValueType> Type(const YAML::Node& map) {
    const std::string type = ScalarOr(map, "type", "auto", errors_);
    static const std::map<std::string, ValueType> kTypes = {
        {"auto", ValueType::kAuto},          {"text", ValueType::kText},
        {"coded", ValueType::kCoded},        {"date", ValueType::kDate},
        {"date_time", ValueType::kDateTime}, {"integer", ValueType::kInteger},
        {"decimal", ValueType::kDecimal},    {"boolean", ValueType::kBoolean}};
    if (auto it = kTypes.find(type); it != kTypes.end()) return it->second;
    errors_.Add(map["type"], "unknown type '" + type +
                                 "' (expected: auto, text, coded, date, date_time, integer, "
                                 "decimal, boolean)");
    return std::nullopt;
  }

  void LoadSections(const YAML::Node& node, std::vector<SectionSpec>& sections) {
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
      if (!section.heading.empty() && !headings.insert(csv::AsciiLowered(section.heading)).second) {
        errors_.Add(item["heading"], "duplicate section heading '" + section.heading + "'");
      }
      if (section.heading.find('/') != std::string::npos) {
        errors_.Add(item["heading"], "headings must not contain '/'");
      }
      section.labels = Labels(item, "labels");
      const YAML::Node fields = item["fields"];
      if (!IsDefined(fields) || !fields.IsSequence() || fields.size() == 0) {
        errors_.Add(IsDefined(fields) ? fields : item,
                    "section '" + section.heading + "': 'fields' must be a non-empty list");
      } else {
        std::set<std::string> names;
        for (const auto& f : fields) {
          if (!f.IsMap()) {
            errors_.Add(f, "each field must be a map with name and element");
            continue;
          }
          CheckKeys(f, {"name", "element", "type", "labels"}, errors_);
          FieldSpec field;
          field.name = Required(f, "name");
          if (!field.name.empty() && !names.insert(csv::AsciiLowered(field.name)).second) {
            errors_.Add(f["name"], "duplicate field name '" + field.name + "' in section '" +
                                       section.heading + "'");
          }
          if (IsDefined(f["element"])) {
            field.elements = Elements(f["element"]);
          } else {
            errors_.Add(f, "field '" + field.name + "': missing required key 'element'");
          }
          field.type = Type(f).value_or(ValueType::kAuto);
          field.labels = Labels(f, "labels");
          section.fields.push_back(std::move(field));
        }
      }
      sections.push_back(std::move(section));
    }
  }

  void LoadResource(const YAML::Node& key, const YAML::Node& node, ResourceSpec& r) {
    r.type = key.Scalar();
    if (!IsSupported(r.type)) {
      errors_.Add(key, "resource type '" + r.type +
                           "' is not supported (expected: Patient, Encounter, Observation, "
                           "Condition, Consent, ServiceRequest)");
    }
    if (!node.IsMap()) {
      errors_.Add(node, r.type + ": expected a map with record_type, sections, ...");
      return;
    }
    CheckKeys(node, {"record_type", "record_type_by", "occurred_at", "labels", "sections"},
              errors_);
    if (IsDefined(node["record_type"])) {
      r.record_type = Required(node, "record_type");
      if (!r.record_type.empty() && !IsRecordType(r.record_type)) {
        errors_.Add(node["record_type"],
                    "'record_type' must be domain.event in lower case, e.g. encounter.inpatient");
      }
    }
    if (const YAML::Node by = node["record_type_by"]; IsDefined(by)) {
      if (!by.IsMap()) {
        errors_.Add(by, "'record_type_by' must be a map with element and codes");
      } else {
        CheckKeys(by, {"element", "codes"}, errors_);
        RecordTypeBy out;
        if (auto e = IsDefined(by["element"]) ? Element(by["element"]) : std::nullopt) {
          out.element = std::move(*e);
        } else {
          errors_.Add(by, "record_type_by: missing required key 'element'");
        }
        if (IsDefined(by["codes"])) {
          LoadCodeMap(by["codes"], "record_type_by codes", true, out.codes);
        } else {
          errors_.Add(by, "record_type_by: missing required key 'codes'");
        }
        r.record_type_by = std::move(out);
      }
    }
    if (r.record_type.empty() && !r.record_type_by) {
      errors_.Add(node, r.type + ": give 'record_type', 'record_type_by' or both");
    }
    if (r.type == "Consent") CheckConsentTypes(node, r);
    if (IsDefined(node["occurred_at"])) r.occurred_at = Elements(node["occurred_at"]);
    r.labels = Labels(node, "labels");
    if (IsDefined(node["sections"])) LoadSections(node["sections"], r.sections);
  }

  // The hub keeps consent state from consent.* records, so a Consent must become one.
  void CheckConsentTypes(const YAML::Node& node, const ResourceSpec& r) {
    auto is_consent = [](const std::string& t) { return t.rfind("consent.", 0) == 0; };
    bool ok = r.record_type.empty() || is_consent(r.record_type);
    if (r.record_type_by) {
      for (const auto& [code, type] : r.record_type_by->codes) ok = ok && is_consent(type);
    }
    if (!ok) errors_.Add(node, "Consent: record types must be consent.*, e.g. consent.sharing");
  }

  void LoadResources(const YAML::Node& root, MappingSpec& spec) {
    const YAML::Node node = root["resources"];
    if (!IsDefined(node)) {
      errors_.Add(root, "missing required key 'resources'");
      return;
    }
    if (!node.IsMap() || node.size() == 0) {
      errors_.Add(node, "'resources' must map resource types (Patient, Encounter, ...) to records");
      return;
    }
    CheckNoDuplicateKeys(node, errors_);
    for (const auto& kv : node) {
      if (!kv.first.IsScalar()) {
        errors_.Add(kv.first, "each key of 'resources' must be a resource type");
        continue;
      }
      ResourceSpec r;
      LoadResource(kv.first, kv.second, r);
      spec.resources.push_back(std::move(r));
    }
  }

  YamlErrors& errors_;
};

}  // namespace

void LoadMappingSpec(const YAML::Node& root, YamlErrors& errors, MappingSpec& spec) {
  SpecLoader(errors).Load(root, spec);
}

}  // namespace gallery::fhir
