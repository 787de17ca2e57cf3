// Publisher: sends records to the hub and tracks their confirms, reconnecting as needed.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "adapters/sdk/client_options.h"
#include "gallery/v1/record.pb.h"
#include "hub/common/result.h"
#include "hub/common/status.h"

namespace gallery::sdk {

// What became of one published record.
struct PublishOutcome {
  std::string record_id;
  Status status;           // ok when confirmed; otherwise the hub's reject code and reason
  bool duplicate = false;  // confirmed, but the hub already had this record id
};

// Not thread-safe: use one Publisher per thread. Owns its ZeroMQ socket.
class Publisher {
 public:
  explicit Publisher(ClientOptions options);
  ~Publisher();
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  // Queues `record` for the hub without waiting for its confirm, taking in any confirms
  // that have arrived. Blocks (processing confirms) while max_in_flight records are
  // unconfirmed, for at most send_timeout, then returns kUnavailable. Returns
  // kInvalidArgument for a record without an id or too large for the hub, and the hub's
  // refusal (e.g. kUnauthenticated) once it has refused this agency's session. Transport
  // trouble is retried, never returned.
  Status Send(const v1::Record& record);

  // Waits until every record sent so far is confirmed or rejected, resending after
  // reconnects. Returns the outcomes gathered since the last call, in arrival order, or
  // kUnavailable (keeping the unconfirmed ones for the next call) when `timeout` passes,
  // or the hub's refusal of the session.
  Result<std::vector<PublishOutcome>> Flush(std::chrono::milliseconds timeout);

  // Outcomes that have arrived so far, without waiting.
  std::vector<PublishOutcome> TakeOutcomes();

  // Records sent and not yet confirmed or rejected.
  size_t in_flight() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gallery::sdk
