// ChildProcess: a real process started by a test and always stopped by its PID.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace gallery::testing {

// Owns one child process. The destructor kills it (SIGKILL) if it is still running, so a
// failing test never leaves a server behind.
class ChildProcess {
 public:
  // Starts `argv[0]` with `argv`, stdout and stderr appended to `log_path`, in this
  // process's environment plus `extra_env` ("NAME=value" entries, which take precedence).
  // Aborts the test binary if the program cannot be started (a broken build, not a test
  // outcome).
  ChildProcess(std::vector<std::string> argv, const std::string& log_path,
               const std::vector<std::string>& extra_env = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool running();

  // Sends `signal` and waits up to `timeout` for the exit; SIGKILL after that.
  // Returns the exit code, 128+signal if killed by a signal.
  int Stop(int signal, std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Waits up to `timeout` for the process to exit by itself; -1 if it did not.
  int Wait(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  int exit_code_ = -1;
};

// Polls `condition` every `interval` until it is true or `timeout` passes. Use a longer
// interval for conditions that are costly to evaluate (reading a store or a large log).
bool WaitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
             std::chrono::milliseconds interval = std::chrono::milliseconds(20));

}  // namespace gallery::testing
