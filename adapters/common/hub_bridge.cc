#include "adapters/common/hub_bridge.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "adapters/sdk/publisher.h"

namespace gallery::adapters {
namespace {

using Clock = std::chrono::steady_clock;

// How long one Flush may wait for confirms before new requests are taken in.
constexpr std::chrono::milliseconds kFlushSlice{20};

}  // namespace

HubBridge::HubBridge(sdk::ClientOptions options, std::chrono::milliseconds confirm_timeout,
                     Deliver deliver)
    : options_(std::move(options)),
      confirm_timeout_(confirm_timeout),
      deliver_(std::move(deliver)),
      thread_([this] { Run(); }) {}

HubBridge::~HubBridge() { Stop(); }

void HubBridge::Publish(v1::Record record, Done done) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopping_) {
      queue_.push_back({std::move(record), std::move(done)});
      wake_.notify_one();
      return;
    }
  }
  deliver_([done = std::move(done)] { done(Unavailable("the adapter is stopping"), false); });
}

void HubBridge::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    wake_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

void HubBridge::Run() {
  sdk::Publisher publisher(options_);
  struct Waiter {
    Done done;
    Clock::time_point deadline;
  };
  // Several waiters per id when a sender resends before the first answer.
  std::multimap<std::string, Waiter> waiters;
  auto finish = [&](const std::string& id, const Status& status, bool duplicate) {
    auto [begin, end] = waiters.equal_range(id);
    for (auto it = begin; it != end; ++it) {
      deliver_([done = std::move(it->second.done), status, duplicate] { done(status, duplicate); });
    }
    waiters.erase(begin, end);
  };
  for (;;) {
    std::deque<Request> requests;
    bool stopping = false;
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (queue_.empty() && !stopping_ && publisher.in_flight() == 0) {
        wake_.wait_for(lock, std::chrono::milliseconds(200));
      }
      requests.swap(queue_);
      stopping = stopping_;
    }
    if (stopping) {
      for (Request& r : requests) {
        waiters.emplace(r.record.record_id(), Waiter{std::move(r.done), Clock::now()});
      }
      break;
    }
    for (Request& r : requests) {
      const std::string id = r.record.record_id();
      waiters.emplace(id, Waiter{std::move(r.done), Clock::now() + confirm_timeout_});
      if (Status sent = publisher.Send(r.record); !sent.ok()) finish(id, sent, false);
    }
    if (publisher.in_flight() > 0) {
      auto outcomes = publisher.Flush(kFlushSlice);
      std::vector<sdk::PublishOutcome> arrived =
          outcomes.ok() ? std::move(outcomes).value() : publisher.TakeOutcomes();
      for (const auto& o : arrived) finish(o.record_id, o.status, o.duplicate);
      if (!outcomes.ok() && outcomes.status().code() != Code::kUnavailable) {
        // The hub refused this agency's session: nothing in flight will be confirmed.
        while (!waiters.empty()) finish(waiters.begin()->first, outcomes.status(), false);
      }
    }
    const auto now = Clock::now();
    for (auto it = waiters.begin(); it != waiters.end();) {
      if (it->second.deadline <= now) {
        deliver_([done = std::move(it->second.done)] {
          done(Unavailable("the hub did not confirm the record in time"), false);
        });
        it = waiters.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& [id, waiter] : waiters) {
    deliver_([done = std::move(waiter.done)] { done(Unavailable("the adapter is stopping"), false); });
  }
}

}  // namespace gallery::adapters
