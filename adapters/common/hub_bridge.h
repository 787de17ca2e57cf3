// HubBridge: publishes records to the hub from a thread of its own and reports, record by
// record, when the hub has made each durable (or why not), so that a listener can answer
// its sender only then. Built on the SDK's Publisher, which is not thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "adapters/sdk/client_options.h"
#include "gallery/v1/record.pb.h"
#include "hub/common/status.h"

namespace gallery::adapters {

class HubBridge {
 public:
  // Called once per published record: ok when the hub confirmed it (`duplicate` when it
  // already had the id), the hub's refusal, or kUnavailable.
  using Done = std::function<void(const Status& status, bool duplicate)>;
  // Runs a Done where the caller wants it (e.g. posts it to the listener's io_context).
  using Deliver = std::function<void(std::function<void()>)>;

  // Starts the publishing thread. `confirm_timeout` bounds each record's wait for the hub.
  HubBridge(sdk::ClientOptions options, std::chrono::milliseconds confirm_timeout,
            Deliver deliver);
  ~HubBridge();  // Stop()
  HubBridge(const HubBridge&) = delete;
  HubBridge& operator=(const HubBridge&) = delete;

  // Queues `record`. Thread-safe; never blocks. `done` runs exactly once, through
  // `deliver`: kUnavailable when the hub has not confirmed within confirm_timeout (the
  // record stays queued in the Publisher, which keeps resending it: a retry by the sender
  // is then a duplicate), or when the bridge stops first; the hub's kInvalidArgument or
  // kPermissionDenied when it refused the record; the session error when it refused this
  // agency.
  void Publish(v1::Record record, Done done);

  // Ends the thread; outstanding records are answered kUnavailable. Blocks until the
  // thread has gone (at most about one Flush slice). Idempotent.
  void Stop();

 private:
  struct Request {
    v1::Record record;
    Done done;
  };
  void Run();

  sdk::ClientOptions options_;
  std::chrono::milliseconds confirm_timeout_;
  Deliver deliver_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Request> queue_;  // guarded by mu_
  bool stopping_ = false;      // guarded by mu_
  std::thread thread_;
};

}  // namespace gallery::adapters
