// The bare transport zmq_forwarder_bench measures against Gallery: a forwarder process that
// copies each message it pulls to three PUSH sockets, one per consumer, keeping nothing.
#pragma once

#include <sys/types.h>

#include <array>
#include <chrono>
#include <memory>
#include <string>

#include "hub/common/result.h"

namespace gallery::bench {

inline constexpr const char* kForwarderRole = "--forwarder";

// The forwarder role (`zmq_forwarder_bench --forwarder`): binds a PULL socket and three PUSH
// sockets on tcp://127.0.0.1:*, writes "endpoints IN OUT1 OUT2 OUT3" and a newline to
// stdout, then forwards until SIGTERM. Returns the process's exit code.
int RunForwarder();

// A forwarder run as a child process of this benchmark, stopped when this goes away and
// (PR_SET_PDEATHSIG) when the benchmark dies. Not thread-safe, except pid(). Start it
// before any other thread exists: it forks.
class ForwarderProcess {
 public:
  // Runs `self --forwarder` and waits up to `timeout` for its endpoints.
  static Result<std::unique_ptr<ForwarderProcess>> Start(const std::string& self,
                                                         std::chrono::milliseconds timeout);
  ~ForwarderProcess() { Stop(); }
  ForwarderProcess(const ForwarderProcess&) = delete;
  ForwarderProcess& operator=(const ForwarderProcess&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& in() const { return in_; }
  const std::array<std::string, 3>& outs() const { return outs_; }

  // SIGTERM, SIGKILL after 5 s; reaps the child. True when it exited with status 0 on
  // SIGTERM. Idempotent.
  bool Stop();

 private:
  explicit ForwarderProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_;
  bool stopped_ = false;
  bool clean_ = false;
  std::string in_;
  std::array<std::string, 3> outs_;
};

}  // namespace gallery::bench
