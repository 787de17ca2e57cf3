#include "tests/bench/hub_process.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <thread>
#include <vector>

namespace gallery::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPollInterval = std::chrono::milliseconds(10);

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

}  // namespace

Result<std::unique_ptr<HubProcess>> HubProcess::Start(const std::string& hubd,
                                                      const std::string& config,
                                                      const std::string& work_dir,
                                                      std::chrono::milliseconds timeout) {
  if (::access(hubd.c_str(), X_OK) != 0) {
    return Unavailable(
        Errno("cannot run hubd at " + hubd + " (build target hubd, or pass --hubd PATH)"));
  }
  const std::string endpoint_file = work_dir + "/endpoint";
  const std::string log_path = work_dir + "/hubd.log";
  // Built before fork: the child may only make async-signal-safe calls.
  std::vector<std::string> args = {hubd,         "--config",          config,
                                   "--endpoint", "tcp://127.0.0.1:*", "--endpoint-file",
                                   endpoint_file};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  const int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0) return Unavailable(Errno("cannot create " + log_path));
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null_fd < 0) {
    ::close(log_fd);
    return Unavailable(Errno("cannot open /dev/null"));
  }
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log_fd);
    ::close(null_fd);
    return Unavailable(Errno("cannot fork hubd"));
  }
  if (pid == 0) {
    // hubd must not outlive the benchmark, even when the benchmark is killed.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);
    // dup2 leaves the copies without O_CLOEXEC, so they survive exec.
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(log_fd);
  ::close(null_fd);

  std::unique_ptr<HubProcess> hub(new HubProcess(pid, log_path));
  const auto deadline = Clock::now() + timeout;
  while (true) {
    // hubd writes the file under another name and renames it, so it is never half there.
    std::ifstream in(endpoint_file);
    std::string endpoint;
    if (in && std::getline(in, endpoint) && !endpoint.empty()) {
      hub->endpoint_ = endpoint;
      return hub;
    }
    if (!hub->Running()) {
      return Unavailable("hubd exited before serving (" + hub->exit_status_.message() + "); see " +
                         log_path);
    }
    if (Clock::now() >= deadline) {
      (void)hub->Stop(std::chrono::seconds(1));
      return Unavailable("hubd did not report an endpoint within " +
                         std::to_string(timeout.count()) + " ms; see " + log_path);
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

HubProcess::~HubProcess() {
  if (!exited_) (void)Stop(std::chrono::seconds(5));
}

void HubProcess::Reaped(int wait_status) {
  exited_ = true;
  live_pid_.store(0);
  if (WIFEXITED(wait_status)) {
    const int code = WEXITSTATUS(wait_status);
    exit_status_ =
        code == 0 ? OkStatus() : Internal("hubd exited with status " + std::to_string(code));
  } else if (WIFSIGNALED(wait_status)) {
    exit_status_ = Internal("hubd ended by signal " + std::to_string(WTERMSIG(wait_status)));
  } else {
    exit_status_ = Internal("hubd ended with wait status " + std::to_string(wait_status));
  }
}

bool HubProcess::Running() {
  if (exited_) return false;
  int wait_status = 0;
  const pid_t got = ::waitpid(pid_, &wait_status, WNOHANG);
  if (got == pid_) {
    Reaped(wait_status);
    return false;
  }
  if (got < 0 && errno != EINTR) {
    // Not our child any more (cannot happen unless someone else reaped it).
    exited_ = true;
    live_pid_.store(0);
    exit_status_ = Internal(Errno("waiting for hubd"));
    return false;
  }
  return true;
}

Status HubProcess::Stop(std::chrono::milliseconds grace) {
  if (!Running()) return exit_status_;
  ::kill(pid_, SIGTERM);
  const auto deadline = Clock::now() + grace;
  while (Running()) {
    if (Clock::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      int wait_status = 0;
      while (::waitpid(pid_, &wait_status, 0) < 0 && errno == EINTR) {
      }
      Reaped(wait_status);
      exit_status_ = Internal("hubd did not stop within " + std::to_string(grace.count()) +
                              " ms of SIGTERM; killed");
      return exit_status_;
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  return exit_status_;
}

}  // namespace gallery::bench
