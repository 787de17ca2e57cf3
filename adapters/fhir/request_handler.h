// What the HTTP listener does with one request: check its media type, parse the JSON, plan
// it as records (request_mapper.h), publish them, and answer once the hub has confirmed
// each (see README "HTTP behaviour").
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <string>

#include "adapters/fhir/fhir_mapping.h"
#include "adapters/fhir/request_mapper.h"
#include "adapters/common/hub_bridge.h"

namespace gallery::fhir {

struct HttpAnswer {
  int status = 200;
  std::string body;             // application/fhir+json
  std::string location;         // Location header, e.g. "Patient/123"; empty for none
  int retry_after_seconds = 0;  // Retry-After header when > 0 (503)
};

// The answer for a refusal: its status and an OperationOutcome; Retry-After on 503.
HttpAnswer RefusalAnswer(const Refusal& refusal, int retry_after_seconds);

// The HTTP status and OperationOutcome issue for the hub's verdict on a record: kOk is 0;
// kInvalidArgument 422, kPermissionDenied 403, kFailedPrecondition 409; anything else
// (unavailable, no confirm in time, the adapter stopping) 503, so the client retries.
int StatusForHub(const Status& hub_status);

// Not thread-safe: used from the listener's one thread. `mapping` and `hub` must outlive
// it, and `hub` must run its callbacks on that same thread.
class RequestHandler {
 public:
  RequestHandler(const FhirMapping& mapping, adapters::HubBridge& hub, int retry_after_seconds)
      : mapping_(mapping), hub_(hub), retry_after_seconds_(retry_after_seconds) {}

  // Answers one request: `reply` is called exactly once, at once for a refusal, or when
  // the hub has answered for every record. `target` is the request target (a query is
  // ignored); `peer` names the client in logs. 415 for XML or other non-JSON media types,
  // 400 for JSON that does not parse.
  void Handle(const std::string& verb, const std::string& target, const std::string& content_type,
              const std::string& body, const std::string& peer,
              std::function<void(HttpAnswer)> reply);

  // How many resources the handler remembers for deletes (bounded by kMaxKnown).
  size_t known_resources() const { return known_.size(); }
  static constexpr size_t kMaxKnown = 100000;

 private:
  struct Pending;
  void Publish(std::shared_ptr<Pending> pending);
  void Finish(Pending& pending);
  void Remember(const PlannedEntry& entry);

  const FhirMapping& mapping_;
  adapters::HubBridge& hub_;
  int retry_after_seconds_;
  std::map<std::string, KnownResource> known_;  // key "Type/id"
  std::deque<std::string> known_order_;         // oldest first, for eviction
};

}  // namespace gallery::fhir
