// InvolvementClient: asks the hub which agencies are involved with a person (proto/README.md,
// "Involvement queries"). The hub answers under the protocols' involvement rules and audits
// every query; nothing about any record's content comes back.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/sdk/client_options.h"
#include "hub/common/result.h"

namespace gallery::sdk {

// One agency with an active relationship with the person.
struct InvolvedAgency {
  std::string agency;   // agency id
  std::string name;
  std::string kind;     // agency kind, e.g. "adult-social-care"
  std::string contact;  // how to reach it about the person; empty when the hub has none
  std::chrono::system_clock::time_point since;  // its earliest active relationship began
};

// Not thread-safe: use from one thread. Connects on construction; reconnects by itself.
class InvolvementClient {
 public:
  explicit InvolvementClient(ClientOptions options);
  ~InvolvementClient();
  InvolvementClient(const InvolvementClient&) = delete;
  InvolvementClient& operator=(const InvolvementClient&) = delete;

  // The agencies involved with the person with this NHS number that this agency may learn of
  // for `purpose` ("direct-care", "safeguarding", "service-planning"), by agency id. Waits up
  // to `timeout`; a query in flight when the connection drops is asked again (and audited
  // again). Refusals carry the hub's code and reason: kPermissionDenied (no rule lets this
  // agency ask for that purpose, or it has no relationship with the person),
  // kInvalidArgument (bad NHS number or purpose), kUnavailable (the hub cannot audit now, or
  // no answer came in time: retry later); the session's error when the hub refused this
  // agency's session.
  Result<std::vector<InvolvedAgency>> AskByNhsNumber(std::string_view nhs_number,
                                                     std::string_view purpose,
                                                     std::chrono::milliseconds timeout);
  // As above for the person this agency knows by its own identifier `local_id` (the hub's
  // "local:<agency>:<value>" subject, for people without an NHS number).
  Result<std::vector<InvolvedAgency>> AskByLocalId(std::string_view local_id,
                                                   std::string_view purpose,
                                                   std::chrono::milliseconds timeout);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gallery::sdk
