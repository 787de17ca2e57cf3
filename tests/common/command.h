// Running a built program or a shell command from a test, as a user would.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace gallery::test_support {

struct CommandResult {
  int exit_code = -1;  // -1 when it could not run or did not exit normally
  std::string output;  // standard output and standard error, interleaved
};

// Runs `command` through the shell, standard error merged into the output.
inline CommandResult RunCommand(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  while (size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) result.output.append(buffer, n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// This build's hubctl with `arguments`.
inline CommandResult Hubctl(const std::string& arguments) {
  return RunCommand(std::string(GALLERY_BIN_DIR) + "/hubctl " + arguments);
}

}  // namespace gallery::test_support
