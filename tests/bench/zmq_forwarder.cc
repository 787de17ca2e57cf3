#include "tests/bench/zmq_forwarder.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <sstream>
#include <thread>
#include <vector>
#include <zmq.hpp>

namespace gallery::bench {
namespace {

std::atomic<bool> g_stop{false};

void OnTerm(int) { g_stop = true; }

// Sends `part` on `out`, retrying while the consumer's queue is full, until SIGTERM.
bool SendPart(zmq::socket_t& out, zmq::message_t& part, bool more) {
  zmq::message_t copy;
  copy.copy(part);  // shares the bytes (reference counted); nothing is copied
  while (!g_stop) {
    if (out.send(copy, more ? zmq::send_flags::sndmore : zmq::send_flags::none)) return true;
  }
  return false;
}

}  // namespace

int RunForwarder() {
  std::signal(SIGTERM, OnTerm);
  std::signal(SIGINT, OnTerm);
  zmq::context_t context(1);
  zmq::socket_t in(context, zmq::socket_type::pull);
  in.set(zmq::sockopt::linger, 0);
  in.bind("tcp://127.0.0.1:*");
  std::vector<zmq::socket_t> outs;
  std::string line = "endpoints " + in.get(zmq::sockopt::last_endpoint);
  for (int i = 0; i < 3; ++i) {
    outs.emplace_back(context, zmq::socket_type::push);
    outs.back().set(zmq::sockopt::linger, 0);
    outs.back().set(zmq::sockopt::sndtimeo, 100);  // so that SIGTERM is seen while blocked
    outs.back().bind("tcp://127.0.0.1:*");
    line += " " + outs.back().get(zmq::sockopt::last_endpoint);
  }
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);

  std::vector<zmq::message_t> parts;
  while (!g_stop) {
    zmq::pollitem_t item{in.handle(), 0, ZMQ_POLLIN, 0};
    try {
      if (zmq::poll(&item, 1, std::chrono::milliseconds(100)) == 0) continue;
    } catch (const zmq::error_t& e) {
      if (e.num() == EINTR) continue;
      throw;
    }
    // Everything already queued, up to a bound, before polling again.
    for (int n = 0; n < 1024 && !g_stop; ++n) {
      parts.clear();
      zmq::message_t part;
      if (!in.recv(part, zmq::recv_flags::dontwait)) break;
      parts.push_back(std::move(part));
      while (parts.back().more()) {
        zmq::message_t next;
        (void)in.recv(next);
        parts.push_back(std::move(next));
      }
      for (auto& out : outs) {
        for (size_t p = 0; p < parts.size(); ++p) {
          if (!SendPart(out, parts[p], p + 1 < parts.size())) return 0;
        }
      }
    }
  }
  return 0;
}

Result<std::unique_ptr<ForwarderProcess>> ForwarderProcess::Start(
    const std::string& self, std::chrono::milliseconds timeout) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return Unavailable("forwarder: pipe failed");
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return Unavailable("forwarder: fork failed");
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(1);  // the benchmark died before prctl took effect
    ::dup2(fds[1], STDOUT_FILENO);
    const char* argv[] = {self.c_str(), kForwarderRole, nullptr};
    ::execv(self.c_str(), const_cast<char* const*>(argv));
    ::_exit(127);
  }
  ::close(fds[1]);
  std::unique_ptr<ForwarderProcess> process(new ForwarderProcess(pid));
  // One line, read as it comes, within the timeout.
  std::string line;
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (line.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    pollfd p{fds[0], POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    char buffer[512];
    const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
    if (n <= 0) break;
    line.append(buffer, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  std::istringstream words(line);
  std::string tag;
  words >> tag >> process->in_ >> process->outs_[0] >> process->outs_[1] >> process->outs_[2];
  if (tag != "endpoints" || !words) {
    return Unavailable("forwarder: no endpoints within " + std::to_string(timeout.count()) +
                       " ms (got '" + line + "')");
  }
  return process;
}

bool ForwarderProcess::Stop() {
  if (stopped_) return clean_;
  stopped_ = true;
  ::kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 500; ++i) {  // 5 s
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      clean_ = WIFEXITED(status) && WEXITSTATUS(status) == 0;
      return clean_;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &status, 0);
  return false;
}

}  // namespace gallery::bench
