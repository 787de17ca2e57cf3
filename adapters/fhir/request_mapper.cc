#include "adapters/fhir/request_mapper.h"

#include <set>
#include <utility>

namespace gallery::fhir {
namespace {

using nlohmann::json;

std::string String(const json& object, const char* key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

bool IsTypeName(const std::string& s) {
  if (s.empty() || s.size() > 64 || s[0] < 'A' || s[0] > 'Z') return false;
  for (char c : s) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return false;
  }
  return true;
}

// "Type" or "Type/id" (a leading '/' allowed); false for anything else.
bool SplitUrl(std::string url, std::string& type, std::string& id) {
  if (!url.empty() && url[0] == '/') url.erase(0, 1);
  const size_t slash = url.find('/');
  type = url.substr(0, slash);
  id = slash == std::string::npos ? "" : url.substr(slash + 1);
  return IsTypeName(type) && id.find('/') == std::string::npos;
}

bool ToMethod(const std::string& verb, Method& method) {
  if (verb == "POST")
    method = Method::kCreate;
  else if (verb == "PUT")
    method = Method::kUpdate;
  else if (verb == "DELETE")
    method = Method::kDelete;
  else
    return false;
  return true;
}

// Reads one Bundle entry's request into `op`; false (with a refusal) when it cannot be.
bool EntryOp(const json& entry, const std::string& at, ResourceOp& op, Method& method,
             Refusal& refusal) {
  const json* request = entry.contains("request") ? &entry["request"] : nullptr;
  if (request == nullptr || !request->is_object()) {
    refusal.Add(400, "required", at + ".request", "a transaction or batch entry needs a request");
    return false;
  }
  const std::string verb = String(*request, "method");
  const std::string url = String(*request, "url");
  if (!ToMethod(verb, method)) {
    refusal.Add(422, "not-supported", at + ".request.method",
                "only POST, PUT and DELETE entries are taken; this adapter does not answer reads");
    return false;
  }
  std::string type;
  std::string id;
  if (url.find('?') != std::string::npos) {
    refusal.Add(422, "not-supported", at + ".request.url",
                "conditional operations are not supported");
    return false;
  }
  if (!SplitUrl(url, type, id) || (method == Method::kCreate) != id.empty()) {
    refusal.Add(400, "value", at + ".request.url",
                method == Method::kCreate
                    ? "a POST entry's url is a resource type, e.g. Patient"
                    : "a PUT or DELETE entry's url is Type/id, e.g. Patient/123");
    return false;
  }
  if (!id.empty() && !IsFhirId(id)) {
    refusal.Add(400, "value", at + ".request.url", "the id is not a FHIR id");
    return false;
  }
  op.method = method;
  op.type = type;
  op.id = id;
  op.full_url = String(entry, "fullUrl");
  if (method != Method::kDelete) {
    if (!entry.contains("resource")) {
      refusal.Add(400, "required", at + ".resource", "a POST or PUT entry needs a resource");
      return false;
    }
    op.resource = &entry["resource"];
  }
  return true;
}

void PlanBundle(const MappingSpec& spec, const json& bundle, const KnownResources& known,
                Plan& plan) {
  const std::string type = String(bundle, "type");
  if (type != "transaction" && type != "batch") {
    std::string shown;
    for (char c : type.substr(0, 32)) shown += (c >= 'a' && c <= 'z') || c == '-' ? c : '?';
    plan.refusal.Add(422, "not-supported", "Bundle.type",
                     "a " + (shown.empty() ? std::string("typeless") : shown) +
                         " Bundle is not a transaction or batch; only those are taken");
    return;
  }
  plan.kind = type == "transaction" ? RequestKind::kTransaction : RequestKind::kBatch;
  const json* entries = bundle.contains("entry") ? &bundle["entry"] : nullptr;
  if (entries == nullptr) return;
  if (!entries->is_array()) {
    plan.refusal.Add(400, "structure", "Bundle.entry", "must be a JSON array");
    return;
  }
  BundleIndex index;
  for (size_t i = 0; i < entries->size(); ++i) {
    const json& entry = (*entries)[i];
    if (entry.is_object() && entry.contains("resource")) {
      index.Add(String(entry, "fullUrl"), entry["resource"],
                "Bundle.entry[" + std::to_string(i) + "].resource");
    }
  }
  std::set<std::string> keys;
  for (size_t i = 0; i < entries->size(); ++i) {
    const json& entry = (*entries)[i];
    PlannedEntry planned;
    planned.expression = "Bundle.entry[" + std::to_string(i) + "]";
    ResourceOp op;
    op.expression = planned.expression + ".resource";
    op.bundle = &index;
    if (!entry.is_object()) {
      planned.refusal.Add(400, "structure", planned.expression, "must be a JSON object");
    } else if (EntryOp(entry, planned.expression, op, planned.method, planned.refusal)) {
      planned.refusal = MapResource(spec, op, known, planned.mapped);
      if (!planned.refusal.refused() && !keys.insert(planned.mapped.key).second) {
        planned.refusal.Add(400, "duplicate", planned.expression,
                            "an earlier entry of this Bundle is about the same resource");
      }
    }
    if (plan.kind == RequestKind::kTransaction) {
      for (const Issue& issue : planned.refusal.issues) {
        plan.refusal.Add(planned.refusal.http_status, issue.code, issue.expression,
                         issue.diagnostics);
      }
    }
    plan.entries.push_back(std::move(planned));
  }
}

}  // namespace

Plan PlanRequest(const MappingSpec& spec, const std::string& verb, const std::string& path,
                 const json* body, const KnownResources& known) {
  Plan plan;
  Method method;
  if (!ToMethod(verb, method)) {
    plan.refusal.Add(405, "not-supported", "",
                     "this endpoint takes POST, PUT and DELETE; it does not answer reads");
    return plan;
  }
  std::string type;
  std::string id;
  const bool root = path.empty() || path == "/";
  if (!root && !SplitUrl(path, type, id)) {
    plan.refusal.Add(404, "not-found", "",
                     "the path names no resource type: use /Type or /Type/id");
    return plan;
  }
  if (root || (method == Method::kCreate) != id.empty()) {
    if (!(root && method == Method::kCreate)) {
      plan.refusal.Add(405, "not-supported", "",
                       method == Method::kCreate ? "POST goes to / (a Bundle) or /Type (a resource)"
                                                 : "PUT and DELETE go to /Type/id");
      return plan;
    }
  }
  if (!id.empty() && !IsFhirId(id)) {
    plan.refusal.Add(400, "value", "", "the id in the path is not a FHIR id");
    return plan;
  }
  if (method != Method::kDelete && (body == nullptr || body->is_discarded())) {
    plan.refusal.Add(400, "required", "", "the request needs a FHIR resource in JSON");
    return plan;
  }
  if (root) {
    if (!body->is_object() || String(*body, "resourceType") != "Bundle") {
      plan.refusal.Add(400, "invalid", "Bundle",
                       "POST / takes a Bundle of type transaction or batch");
      return plan;
    }
    PlanBundle(spec, *body, known, plan);
    return plan;
  }
  PlannedEntry entry;
  entry.method = method;
  entry.expression = type;
  ResourceOp op;
  op.method = method;
  op.type = type;
  op.id = id;
  op.expression = type;
  if (method != Method::kDelete) op.resource = body;
  entry.refusal = MapResource(spec, op, known, entry.mapped);
  plan.refusal = entry.refusal;
  plan.entries.push_back(std::move(entry));
  return plan;
}

}  // namespace gallery::fhir
