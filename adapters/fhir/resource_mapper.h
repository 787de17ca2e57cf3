// The translator at the heart of the FHIR adapter: one resource operation (create, update,
// delete) and a mapping in, one gallery.v1.Record out. No I/O, no clock, deterministic.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "adapters/fhir/fhir_error.h"
#include "adapters/fhir/mapping_spec.h"
#include "adapters/fhir/subject_reader.h"
#include "gallery/v1/record.pb.h"

namespace gallery::fhir {

enum class Method { kCreate, kUpdate, kDelete };  // POST, PUT, DELETE

struct ResourceOp {
  Method method = Method::kCreate;
  const nlohmann::json* resource = nullptr;  // unset for kDelete
  std::string expression;  // where the resource is: "Patient", "Bundle.entry[2].resource"
  std::string type;        // from the URL (update, delete, POST /Type); else the resource's
  std::string id;          // from the URL (update, delete); else the resource's or fullUrl's
  std::string full_url;    // the Bundle entry's fullUrl
  const BundleIndex* bundle = nullptr;  // the other entries, for references
};

// What the adapter remembers of a resource it has published, so that a delete, which has
// no body, can say whom the retraction is about.
struct KnownResource {
  v1::Subject subject;  // identifiers only
  std::string record_type;
};
// Looks up a resource by key ("Observation/123"); nullopt when unknown.
using KnownResources = std::function<std::optional<KnownResource>(const std::string& key)>;

struct MappedResource {
  std::string key;  // "Patient/123": the resource's location and its record id's tail
  v1::Record record;
};

// The record id of the record created for `key`: "<prefix><key>". Updates and deletes
// name it in amends and retracts.
std::string BaseRecordId(const MappingSpec& spec, const std::string& key);

// Maps `op` to `out.record` and checks it as the hub will (ingest::ValidateRecord).
// Returns an empty Refusal on success; otherwise every problem found, each naming the
// element path and never a value: 400 (not valid FHIR: wrong JSON shape, bad id, date or
// code), 422 (valid but cannot be mapped: type not in the mapping, no NHS number, failed
// check digit, unknown resource to delete, a record the hub would refuse).
// Record ids are stable, so a resend is stored once: a create is "<prefix>Type/id", an
// update "<prefix>Type/id/_history/<versionId>" (or "/_update/<hash of the resource>")
// amending the create, a delete "<prefix>Type/id/_delete" retracting it. Thread-safe.
Refusal MapResource(const MappingSpec& spec, const ResourceOp& op, const KnownResources& known,
                    MappedResource& out);

// True when `id` is a FHIR id: 1 to 64 of A-Z a-z 0-9 '-' '.'.
bool IsFhirId(const std::string& id);

}  // namespace gallery::fhir
