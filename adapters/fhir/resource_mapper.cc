#include "adapters/fhir/resource_mapper.h"

#include <cinttypes>
#include <cstdio>
#include <utility>

#include "adapters/fhir/element_path.h"
#include "adapters/fhir/fhir_time.h"
#include "adapters/fhir/json_body.h"
#include "adapters/fhir/value_reader.h"
#include "hub/ingest/record_validator.h"

namespace gallery::fhir {
namespace {

using nlohmann::json;

std::string String(const json& object, const char* key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

// Resource type names are safe to quote in messages once reduced to letters and digits.
std::string TypeName(const std::string& s) {
  std::string out;
  for (char c : s.substr(0, 64)) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += c;
  }
  return out;
}

std::string Fnv1aHex(const std::string& bytes) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016" PRIx64, h);
  return buffer;
}

// The id a created resource is known by: its own id, else the uuid of its urn:uuid fullUrl
// (a transaction's way of naming resources the server has not numbered yet), else the
// last part of an absolute fullUrl ".../Type/id".
std::string IdFromFullUrl(const std::string& full_url, const std::string& type) {
  constexpr std::string_view kUuid = "urn:uuid:";
  if (full_url.rfind(kUuid, 0) == 0) return full_url.substr(kUuid.size());
  const std::string marker = "/" + type + "/";
  if (const size_t at = full_url.rfind(marker); at != std::string::npos) {
    return full_url.substr(at + marker.size());
  }
  return "";
}

const char* SubjectElement(const std::string& type) {
  if (type == "Patient") return nullptr;
  return type == "Consent" ? "patient" : "subject";
}

void AddLabels(const std::vector<std::string>& from, v1::Record& record) {
  for (const auto& label : from) {
    bool present = false;
    for (const auto& have : record.sensitivity_labels()) present = present || have == label;
    if (!present) record.add_sensitivity_labels(label);
  }
}

class Mapper {
 public:
  Mapper(const MappingSpec& spec, const ResourceOp& op, Refusal& refusal)
      : spec_(spec), op_(op), refusal_(refusal) {}

  std::string RecordType(const ResourceSpec& r, const json& resource) {
    if (r.record_type_by) {
      std::string where;
      if (const json* e =
              FindElement(resource, r.record_type_by->element, op_.expression, &where)) {
        if (auto it = r.record_type_by->codes.find(CodeOf(*e));
            it != r.record_type_by->codes.end()) {
          return it->second;
        }
      }
      if (r.record_type.empty()) {
        refusal_.Add(
            422, "value",
            where.empty() ? op_.expression + "." + r.record_type_by->element.text : where,
            "no record type is mapped for this code in the mapping of agency " + spec_.agency);
      }
    }
    return r.record_type;
  }

  void OccurredAt(const ResourceSpec& r, const json& resource, v1::Record& record) {
    for (const ElementPath& path : r.occurred_at) {
      std::string where;
      const json* e = FindElement(resource, path, op_.expression, &where);
      if (e == nullptr) continue;
      const std::string text = e->is_string() ? e->get<std::string>() : String(*e, "start");
      auto t = ParseFhirDateTime(text);
      if (!t) {
        refusal_.Add(400, "value", where, "not a FHIR dateTime");
      } else if (!t->full_date()) {
        refusal_.Add(422, "value", where, "needs at least year, month and day to be a time");
      } else {
        *record.mutable_occurred_at() = t->ToTimestamp();
      }
      return;
    }
  }

  void Sections(const ResourceSpec& r, const json& resource, v1::Record& record) {
    for (const SectionSpec& spec : r.sections) {
      v1::Section section;
      section.set_heading(spec.heading);
      for (const auto& label : spec.labels) section.add_sensitivity_labels(label);
      for (const FieldSpec& field : spec.fields) {
        for (const ElementPath& path : field.elements) {
          std::string where;
          const json* e = FindElement(resource, path, op_.expression, &where);
          if (e == nullptr) continue;
          v1::Field out;
          if (ReadFieldValue(*e, field.type, where, out, refusal_)) {
            out.set_name(field.name);
            for (const auto& label : field.labels) out.add_sensitivity_labels(label);
            *section.add_fields() = std::move(out);
          }
          break;
        }
      }
      // A heading with nothing under it tells the reader nothing, so it is not sent.
      if (section.fields_size() > 0) *record.add_sections() = std::move(section);
    }
  }

 private:
  const MappingSpec& spec_;
  const ResourceOp& op_;
  Refusal& refusal_;
};

Refusal MapDelete(const MappingSpec& spec, const ResourceOp& op, const KnownResources& known,
                  MappedResource& out) {
  const std::string key = out.key;
  auto previous = known ? known(key) : std::nullopt;
  if (!previous) {
    return Refuse(422, "not-found", op.expression,
                  "this adapter has not published " + key +
                      " since it started, so it cannot say whom the deletion is about");
  }
  v1::Record& record = out.record;
  record.set_record_id(BaseRecordId(spec, key) + "/_delete");
  record.set_source_agency(spec.agency);
  record.set_record_type(previous->record_type);
  record.set_retracts(BaseRecordId(spec, key));
  *record.mutable_subject() = std::move(previous->subject);
  AddLabels(spec.labels, record);
  return {};
}

}  // namespace

bool IsFhirId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '.')) {
      return false;
    }
  }
  return true;
}

std::string BaseRecordId(const MappingSpec& spec, const std::string& key) {
  return spec.record_id_prefix + key;
}

Refusal MapResource(const MappingSpec& spec, const ResourceOp& op, const KnownResources& known,
                    MappedResource& out) {
  Refusal refusal;
  std::string type = op.type;
  if (op.resource != nullptr) {
    const json& r = *op.resource;
    if (!r.is_object()) return Refuse(400, "structure", op.expression, "must be a JSON object");
    const std::string declared = String(r, "resourceType");
    if (declared.empty()) {
      return Refuse(400, "required", op.expression + ".resourceType", "missing resourceType");
    }
    if (!type.empty() && declared != type) {
      return Refuse(400, "invalid", op.expression + ".resourceType",
                    "is " + TypeName(declared) + " but the request names " + TypeName(type));
    }
    type = declared;
  }
  const ResourceSpec* rs = spec.Find(type);
  if (rs == nullptr) {
    return Refuse(
        422, "not-supported", op.expression,
        "resource type " + TypeName(type) + " is not in the mapping of agency " + spec.agency);
  }
  std::string id = op.id;
  if (op.resource != nullptr) {
    const std::string own = String(*op.resource, "id");
    if (op.resource->contains("id") && !IsFhirId(own)) {
      return Refuse(400, "value", op.expression + ".id",
                    "not a FHIR id (1 to 64 of A-Z a-z 0-9 - .)");
    }
    if (op.method == Method::kUpdate && own != op.id) {
      return Refuse(400, "invalid", op.expression + ".id",
                    "an update must carry the id named in its URL");
    }
    if (id.empty()) id = own.empty() ? IdFromFullUrl(op.full_url, type) : own;
  }
  if (id.empty()) {
    return Refuse(422, "required", op.expression + ".id",
                  "a resource needs an id (or, in a Bundle, a urn:uuid fullUrl) so that a "
                  "resend is the same record");
  }
  if (!IsFhirId(id))
    return Refuse(400, "value", op.expression, "the resource's id is not a FHIR id");
  out.key = type + "/" + id;
  if (op.method == Method::kDelete) return MapDelete(spec, op, known, out);

  const json& resource = *op.resource;
  v1::Record& record = out.record;
  Mapper mapper(spec, op, refusal);
  const std::string base = BaseRecordId(spec, out.key);
  if (op.method == Method::kUpdate) {
    const json* meta = resource.contains("meta") ? &resource["meta"] : nullptr;
    const std::string version = meta != nullptr ? String(*meta, "versionId") : "";
    record.set_record_id(IsFhirId(version) ? base + "/_history/" + version
                                           : base + "/_update/" + Fnv1aHex(DumpJson(resource)));
    record.set_amends(base);
  } else {
    record.set_record_id(base);
  }
  record.set_source_agency(spec.agency);
  record.set_record_type(mapper.RecordType(*rs, resource));
  std::vector<std::string> labels = spec.labels;
  for (const auto& label : rs->labels) labels.push_back(label);
  if (const char* element = SubjectElement(type)) {
    ReadReferencedSubject(spec, resource, op.expression, element, op.bundle,
                          *record.mutable_subject(), labels, refusal);
    SecurityLabels(spec, resource, labels);
  } else {
    ReadPatient(spec, resource, op.expression, op.bundle, *record.mutable_subject(), labels,
                refusal);
  }
  AddLabels(labels, record);
  mapper.OccurredAt(*rs, resource, record);
  mapper.Sections(*rs, resource, record);
  if (record.record_id().size() > ingest::kMaxRecordIdBytes) {
    refusal.Add(422, "too-long", op.expression + ".id",
                "the record id would be longer than " + std::to_string(ingest::kMaxRecordIdBytes) +
                    " bytes");
  }
  if (refusal.refused()) return refusal;
  if (Status valid = ingest::ValidateRecord(record); !valid.ok()) {
    std::string message = valid.message();
    for (char& c : message) c = c == '\n' ? ';' : c;
    refusal.Add(422, "processing", op.expression, "the hub would refuse the record: " + message);
  }
  return refusal;
}

}  // namespace gallery::fhir
