// HubProcess: a real hubd run as a child process on loopback, for end-to-end benchmarks.
// The child is stopped when the HubProcess goes away, and dies with the benchmark.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "hub/common/result.h"
#include "hub/common/status.h"

namespace gallery::bench {

// Not thread-safe, except pid_for_emergency(). Start it before any other thread exists:
// it forks.
class HubProcess {
 public:
  // Runs `hubd --config <config> --endpoint tcp://127.0.0.1:* --endpoint-file
  // <work_dir>/endpoint` with its output in <work_dir>/hubd.log, and waits up to `timeout`
  // for the endpoint it bound. kUnavailable when hubd cannot be started, exits, or does not
  // report an endpoint in time (it is then stopped). Blocks.
  static Result<std::unique_ptr<HubProcess>> Start(const std::string& hubd,
                                                   const std::string& config,
                                                   const std::string& work_dir,
                                                   std::chrono::milliseconds timeout);

  // Stop(5 s) when still running.
  ~HubProcess();
  HubProcess(const HubProcess&) = delete;
  HubProcess& operator=(const HubProcess&) = delete;

  // "tcp://127.0.0.1:<port>", as hubd bound it.
  const std::string& endpoint() const { return endpoint_; }
  const std::string& log_path() const { return log_path_; }

  // SIGTERM, then SIGKILL if hubd has not exited after `grace`. Returns ok when hubd exited
  // with status 0 on SIGTERM; otherwise kInternal describing how it ended. Idempotent: later
  // calls return the first result. Blocks up to `grace` plus a moment.
  Status Stop(std::chrono::milliseconds grace);

  // False once hubd has exited (reaps it). Never blocks.
  bool Running();

  // hubd's pid, to read its /proc entries while it runs.
  pid_t pid() const { return pid_; }

  // The child's pid while it has not been reaped, else 0; for a watchdog thread that must
  // kill it before aborting the process. Thread-safe.
  pid_t pid_for_emergency() const { return live_pid_.load(); }

 private:
  HubProcess(pid_t pid, std::string log_path)
      : live_pid_(pid), pid_(pid), log_path_(std::move(log_path)) {}

  // Records how the child ended.
  void Reaped(int wait_status);

  std::atomic<pid_t> live_pid_;
  pid_t pid_ = 0;
  std::string log_path_;
  std::string endpoint_;
  bool exited_ = false;
  Status exit_status_;
};

}  // namespace gallery::bench
