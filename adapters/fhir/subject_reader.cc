#include "adapters/fhir/subject_reader.h"

#include <algorithm>
#include <utility>

#include "adapters/csv/text_util.h"
#include "adapters/fhir/fhir_time.h"
#include "hub/common/nhs_number.h"

namespace gallery::fhir {
namespace {

using nlohmann::json;

const json* Member(const json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

std::string String(const json& object, const char* key) {
  const json* v = Member(object, key);
  return v != nullptr && v->is_string() ? v->get<std::string>() : "";
}

// A list element (FHIR lists in JSON are arrays); 400 when present but not an array.
const json* List(const json& object, const char* key, const std::string& expression,
                 Refusal& refusal) {
  const json* v = Member(object, key);
  if (v == nullptr) return nullptr;
  if (!v->is_array()) {
    refusal.Add(400, "structure", expression + "." + key, "must be a JSON array");
    return nullptr;
  }
  return v;
}

void AddLabel(std::vector<std::string>& labels, const std::string& label) {
  if (std::find(labels.begin(), labels.end(), label) == labels.end()) labels.push_back(label);
}

// The NHS number in `identifier` (at `where`) when its system is the mapping's; "" if not.
std::string NhsNumber(const MappingSpec& spec, const json& identifier, const std::string& where,
                      Refusal& refusal) {
  if (String(identifier, "system") != spec.subject.nhs_number_system) return "";
  const json* value = Member(identifier, "value");
  if (value == nullptr || !value->is_string()) {
    refusal.Add(400, "structure", where + ".value",
                "an NHS number identifier needs a string value");
    return "";
  }
  std::string nhs = NormaliseNhsNumber(value->get<std::string>());
  if (Status valid = ValidateNhsNumber(nhs); !valid.ok()) {
    refusal.Add(422, "value", where + ".value", "NHS number: " + valid.message());
    return "";
  }
  return nhs;
}

void Name(const json& patient, const std::string& expression, v1::Demographics& d,
          Refusal& refusal) {
  const json* names = List(patient, "name", expression, refusal);
  if (names == nullptr || names->empty()) return;
  const json* chosen = nullptr;
  for (const char* use : {"official", "usual"}) {
    for (const json& name : *names) {
      if (chosen == nullptr && String(name, "use") == use) chosen = &name;
    }
  }
  if (chosen == nullptr) chosen = &(*names)[0];
  d.set_family_name(String(*chosen, "family"));
  std::string given;
  if (const json* parts = Member(*chosen, "given"); parts != nullptr && parts->is_array()) {
    for (const json& part : *parts) {
      if (part.is_string() && !part.get<std::string>().empty()) {
        given += (given.empty() ? "" : " ") + part.get<std::string>();
      }
    }
  }
  d.set_given_name(std::move(given));
}

void Address(const json& patient, const std::string& expression, v1::Demographics& d,
             Refusal& refusal) {
  const json* addresses = List(patient, "address", expression, refusal);
  if (addresses == nullptr || addresses->empty()) return;
  const json* chosen = &(*addresses)[0];
  for (const json& a : *addresses) {
    if (String(a, "use") == "home") {
      chosen = &a;
      break;
    }
  }
  if (const json* lines = Member(*chosen, "line"); lines != nullptr && lines->is_array()) {
    for (const json& line : *lines) {
      if (line.is_string() && !line.get<std::string>().empty()) {
        d.add_address_lines(line.get<std::string>());
      }
    }
  }
  d.set_postcode(String(*chosen, "postalCode"));
}

// The ODS code of the first generalPractitioner that has one, in its identifier or in the
// Organization it references within the Bundle.
std::string GpOds(const MappingSpec& spec, const json& patient, const std::string& expression,
                  const BundleIndex* bundle, Refusal& refusal) {
  const json* gps = List(patient, "generalPractitioner", expression, refusal);
  if (gps == nullptr) return "";
  for (const json& gp : *gps) {
    std::string ods;
    if (const json* id = Member(gp, "identifier");
        id != nullptr && String(*id, "system") == spec.subject.gp_ods_system) {
      ods = String(*id, "value");
    } else if (bundle != nullptr) {
      if (auto found = bundle->Resolve(String(gp, "reference"))) {
        const json* ids = Member(*found->resource, "identifier");
        for (const json& i : ids != nullptr && ids->is_array() ? *ids : json::array()) {
          if (String(i, "system") == spec.subject.gp_ods_system) ods = String(i, "value");
        }
      }
    }
    if (!ods.empty()) {
      for (char& c : ods) c = csv::AsciiUpper(c);
      return ods;
    }
  }
  return "";
}

}  // namespace

void BundleIndex::Add(const std::string& full_url, const json& resource,
                      const std::string& expression) {
  const Found found{&resource, expression};
  if (!full_url.empty()) by_key_.emplace(full_url, found);
  const std::string type = String(resource, "resourceType");
  const std::string id = String(resource, "id");
  if (!type.empty() && !id.empty()) by_key_.emplace(type + "/" + id, found);
}

std::optional<BundleIndex::Found> BundleIndex::Resolve(const std::string& reference) const {
  if (reference.empty()) return std::nullopt;
  if (auto it = by_key_.find(reference); it != by_key_.end()) return it->second;
  // "https://server/fhir/Patient/123" names "Patient/123" on that server.
  const size_t last = reference.rfind('/');
  if (last == std::string::npos || last == 0) return std::nullopt;
  const size_t before = reference.rfind('/', last - 1);
  const std::string tail = reference.substr(before == std::string::npos ? 0 : before + 1);
  if (auto it = by_key_.find(tail); it != by_key_.end()) return it->second;
  return std::nullopt;
}

void SecurityLabels(const MappingSpec& spec, const json& resource,
                    std::vector<std::string>& labels) {
  const json* meta = Member(resource, "meta");
  const json* security = meta != nullptr ? Member(*meta, "security") : nullptr;
  if (security == nullptr || !security->is_array()) return;
  for (const json& coding : *security) {
    if (auto it = spec.security_labels.find(String(coding, "code"));
        it != spec.security_labels.end()) {
      AddLabel(labels, it->second);
    }
  }
}

void ReadPatient(const MappingSpec& spec, const json& patient, const std::string& expression,
                 const BundleIndex* bundle, v1::Subject& subject, std::vector<std::string>& labels,
                 Refusal& refusal) {
  if (const json* identifiers = List(patient, "identifier", expression, refusal)) {
    for (size_t i = 0; i < identifiers->size(); ++i) {
      const json& identifier = (*identifiers)[i];
      const std::string where = expression + ".identifier[" + std::to_string(i) + "]";
      if (std::string nhs = NhsNumber(spec, identifier, where, refusal);
          !nhs.empty() && subject.nhs_number().empty()) {
        subject.set_nhs_number(std::move(nhs));
      }
      const auto& systems = spec.subject.local_id_systems;
      const std::string value = String(identifier, "value");
      if (!value.empty() && std::find(systems.begin(), systems.end(),
                                      String(identifier, "system")) != systems.end()) {
        v1::LocalIdentifier* local = subject.add_local_ids();
        local->set_agency(spec.agency);
        local->set_value(value);
      }
    }
  }
  if (subject.nhs_number().empty() && subject.local_ids_size() == 0 && !refusal.refused()) {
    refusal.Add(422, "required", expression + ".identifier",
                "no NHS number (system " + spec.subject.nhs_number_system +
                    ") and no identifier of the mapping's local_id_systems");
  }
  v1::Demographics& d = *subject.mutable_demographics();
  Name(patient, expression, d, refusal);
  if (const json* birth = Member(patient, "birthDate")) {
    auto date = birth->is_string() ? ParseFhirDateTime(birth->get<std::string>()) : std::nullopt;
    if (!date || date->has_time) {
      refusal.Add(400, "value", expression + ".birthDate", "not a FHIR date");
    } else if (date->full_date()) {  // a year or month alone has no place in a Record
      d.set_birth_date(date->IsoDate());
    }
  }
  if (const json* gender = Member(patient, "gender")) {
    const std::string g = gender->is_string() ? gender->get<std::string>() : "";
    if (g != "male" && g != "female" && g != "other" && g != "unknown") {
      refusal.Add(400, "value", expression + ".gender",
                  "must be one of male, female, other, unknown");
    } else {
      d.set_gender(g);
    }
  }
  Address(patient, expression, d, refusal);
  if (const json* telecom = List(patient, "telecom", expression, refusal)) {
    for (const json& t : *telecom) {
      if (String(t, "system") == "phone" && !String(t, "value").empty()) {
        d.set_phone(String(t, "value"));
        break;
      }
    }
  }
  subject.set_registered_gp_ods(GpOds(spec, patient, expression, bundle, refusal));
  if (d.ByteSizeLong() == 0) subject.clear_demographics();
  SecurityLabels(spec, patient, labels);
}

void ReadReferencedSubject(const MappingSpec& spec, const json& resource,
                           const std::string& expression, const char* element,
                           const BundleIndex* bundle, v1::Subject& subject,
                           std::vector<std::string>& labels, Refusal& refusal) {
  const std::string where = expression + "." + element;
  const json* reference = Member(resource, element);
  if (reference == nullptr) {
    refusal.Add(422, "required", where, "the record needs the Patient it is about");
    return;
  }
  if (!reference->is_object()) {
    refusal.Add(400, "structure", where, "must be a Reference (a JSON object)");
    return;
  }
  if (bundle != nullptr) {
    if (auto found = bundle->Resolve(String(*reference, "reference"));
        found && String(*found->resource, "resourceType") == "Patient") {
      ReadPatient(spec, *found->resource, found->expression, bundle, subject, labels, refusal);
      return;
    }
  }
  if (const json* identifier = Member(*reference, "identifier")) {
    std::string nhs = NhsNumber(spec, *identifier, where + ".identifier", refusal);
    if (!nhs.empty()) {
      subject.set_nhs_number(std::move(nhs));
      return;
    }
    if (refusal.refused()) return;
  }
  refusal.Add(422, "required", where,
              "the Patient it references is not in this Bundle and the reference has no "
              "NHS number identifier");
}

}  // namespace gallery::fhir
