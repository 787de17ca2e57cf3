// HardLimit: ends the process when a benchmark overshoots its hard limit by a grace period
// (a client call stuck somewhere), after `on_fire` has stopped what must not outlive it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

namespace gallery::bench {

class HardLimit {
 public:
  // `on_fire` runs on the watchdog's thread and must be async-safe enough to kill a child.
  HardLimit(std::string program, std::chrono::steady_clock::time_point deadline,
            std::chrono::seconds grace, std::function<void()> on_fire)
      : thread_(
            [this, program = std::move(program), deadline, grace, on_fire = std::move(on_fire)] {
              std::unique_lock lock(mu_);
              if (cv_.wait_until(lock, deadline + grace, [this] { return done_; })) return;
              if (on_fire) on_fire();
              std::fprintf(stderr, "%s: still running %lld s past the hard limit; aborting\n",
                           program.c_str(), static_cast<long long>(grace.count()));
              std::_Exit(3);
            }) {}
  ~HardLimit() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  HardLimit(const HardLimit&) = delete;
  HardLimit& operator=(const HardLimit&) = delete;

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;  // last: starts once the members above exist
};

}  // namespace gallery::bench
