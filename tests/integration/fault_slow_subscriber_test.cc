// Fault: a recipient that takes its deliveries but acks them very slowly, beside fast
// ones. It must not hold up the fast recipients nor the publisher: they finish while the
// slow one still has most of its backlog, and confirms come about as fast as without it.
// Once it speeds up it gets everything too.
#include <atomic>
#include <deque>
#include <iostream>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "adapters/sdk/subscriber.h"
#include "tests/integration/fault_region.h"

namespace gallery::testing {
namespace {

constexpr size_t kRecords = 3000;

// kFaultRules plus housing, which receives every assessment.
constexpr const char* kRules = R"(protocol: fault-slow
version: 1
rules:
  - id: asc-to-care-team
    from: [asc]
    types: [assessment.single]
    to: [dn, "relationship:registered-gp"]
    include: ["*"]
  - id: asc-to-housing
    from: [asc]
    types: [assessment.single]
    to: [housing]
    include: ["*"]
)";

// An SDK Subscriber on its own thread that acks one delivery every 200 ms, oldest first,
// until CatchUp(); then it acks everything at once. Keeps every record id it received.
class SlowSubscriber {
 public:
  explicit SlowSubscriber(sdk::ClientOptions options)
      : thread_([this, options = std::move(options)] { Run(options); }) {}
  ~SlowSubscriber() {
    stop_.store(true);
    thread_.join();
  }

  void CatchUp() { catch_up_.store(true); }
  std::vector<std::string> received() const {
    std::lock_guard lock(mu_);
    return received_;
  }
  size_t acked() const { return acked_.load(); }

 private:
  void Run(const sdk::ClientOptions& options) {
    sdk::Subscriber subscriber(options);
    std::deque<uint64_t> unacked;
    auto last_ack = std::chrono::steady_clock::now();
    while (!stop_.load()) {
      auto next = subscriber.Next(std::chrono::milliseconds(20));
      for (; next.ok() && next->has_value(); next = subscriber.Next(std::chrono::milliseconds(0))) {
        {
          std::lock_guard lock(mu_);
          received_.push_back((*next)->record.record_id());
        }
        unacked.push_back((*next)->delivery_id);
      }
      if (catch_up_.load()) {
        const std::vector<uint64_t> all(unacked.begin(), unacked.end());
        if (!all.empty()) (void)subscriber.Ack(all);
        acked_ += all.size();
        unacked.clear();
      } else if (!unacked.empty() &&
                 std::chrono::steady_clock::now() - last_ack >= std::chrono::milliseconds(200)) {
        (void)subscriber.Ack(unacked.front());
        unacked.pop_front();
        ++acked_;
        last_ack = std::chrono::steady_clock::now();
      }
    }
  }

  std::atomic<bool> stop_{false};
  std::atomic<bool> catch_up_{false};
  std::atomic<size_t> acked_{0};
  mutable std::mutex mu_;
  std::vector<std::string> received_;
  std::thread thread_;
};

bool FastRecipientsDone(const TestRegion& region) {
  for (const auto& agency : kFaultSinks) {
    if (region.PendingDeliveries(agency) != 0) return false;
  }
  return true;
}

// First-copy order of `received`: what a recipient that dedups by record id keeps.
std::vector<std::string> FirstCopies(const std::vector<std::string>& received) {
  std::set<std::string> seen;
  std::vector<std::string> out;
  for (const auto& id : received) {
    if (seen.insert(id).second) out.push_back(id);
  }
  return out;
}

// One burst of kRecords from a new publisher, while the slow recipient dawdles: the burst
// must be confirmed about as fast as `baseline`, and the fast recipients must have all of it
// promptly, while the slow one still has most of its backlog.
void Burst(TestRegion& region, const std::string& prefix, const SlowSubscriber& slow,
           std::chrono::milliseconds baseline, PublishLedger& ledger) {
  LoadPublisher publisher(FaultClient(region.endpoint(), "asc"), prefix, kRecords);
  const Status finished = publisher.Join();
  ASSERT_TRUE(finished.ok()) << finished.ToString();
  ledger.Add(publisher.ledger());
  const auto confirmed_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(WaitFor([&] { return FastRecipientsDone(region); }, std::chrono::seconds(10),
                      std::chrono::milliseconds(50)))
      << prefix << ": fast recipients not done 10 s after the last confirm";
  const auto fast_lag = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - confirmed_at);
  const uint64_t backlog = region.PendingDeliveries("housing");
  std::cout << prefix << ": " << kRecords << " confirmed in " << publisher.elapsed().count()
            << " ms (" << baseline.count() << " ms without the slow recipient); fast recipients done "
            << fast_lag.count() << " ms after the last confirm; the slow one has taken "
            << slow.received().size() << " deliveries, acked " << slow.acked() << ", " << backlog
            << " unacked\n";
  EXPECT_GT(backlog, ledger.confirmed.size() / 2) << "the slow recipient was not slow: the test shows nothing";
  // A publisher held up by the slow recipient would take seconds more; the margin is for
  // two cores shared with other tests (ctest -j) and sanitizers.
  EXPECT_LE(publisher.elapsed(), 3 * baseline + std::chrono::seconds(1)) << prefix;
}

class FaultSlowSubscriberTest : public BackendFaultTest {};

TEST_P(FaultSlowSubscriberTest, SlowRecipientHoldsUpNeitherFastOnesNorPublisher) {
  // Without the slow recipient: housing's queue simply waits on disk.
  std::chrono::milliseconds baseline{0};
  {
    TestRegion region(RegionName("fault-slow-baseline"), kFaultAgencies, kRules, Backend());
    const std::string endpoint = region.StartHub();
    for (const auto& agency : kFaultSinks) region.StartSink(agency);
    LoadPublisher publisher(FaultClient(endpoint, "asc"), "asc:slow-baseline", kRecords);
    const Status finished = publisher.Join();
    ASSERT_TRUE(finished.ok()) << finished.ToString();
    baseline = publisher.elapsed();
    ASSERT_TRUE(WaitFor([&] { return FastRecipientsDone(region); }, std::chrono::seconds(20),
                        std::chrono::milliseconds(100)));
  }

  TestRegion region(RegionName("fault-slow"), kFaultAgencies, kRules, Backend());
  const std::string endpoint = region.StartHub();
  for (const auto& agency : kFaultSinks) region.StartSink(agency);
  SlowSubscriber slow(FaultClient(endpoint, "housing"));
  ASSERT_TRUE(WaitFor([&] { return region.HubLog().find("agency housing subscribed") != std::string::npos; },
                      std::chrono::seconds(10)));

  PublishLedger ledger;
  Burst(region, "asc:slow-1", slow, baseline, ledger);
  if (::testing::Test::HasFatalFailure()) return;
  // The hub gives up waiting for the slow recipient's acks (ack_timeout_ms 3000) and sends
  // its whole window again; a second burst meets that.
  ASSERT_TRUE(WaitFor([&] { return region.HubLog().find("agency housing: ") != std::string::npos; },
                      std::chrono::seconds(10)))
      << "the hub never resent the slow recipient's unacked deliveries";
  Burst(region, "asc:slow-2", slow, baseline, ledger);
  if (::testing::Test::HasFatalFailure()) return;

  slow.CatchUp();
  ASSERT_TRUE(WaitFor([&] { return region.PendingDeliveries("housing") == 0; }, std::chrono::seconds(20),
                      std::chrono::milliseconds(100)))
      << region.PendingDeliveries("housing") << " deliveries to housing still unacked";
  region.StopSinks();
  CountEveryRecipient(region, ledger, kFaultSinks);

  const auto received = slow.received();
  const DeliveryTally housing = CountDeliveries(ConfirmedFor("housing", ledger), received,
                                                FirstCopies(received),
                                                region.JournaledDeliveries()["housing"]);
  std::cout << "  housing (slow): " << housing << "\n";
  EXPECT_TRUE(housing.ok()) << housing;
  const auto violations = OrderViolations(ledger.published, FirstCopies(received));
  EXPECT_TRUE(violations.empty()) << violations.size() << " out of order, first: " << violations.front();
}

FAULT_TEST_ON_EVERY_BACKEND(FaultSlowSubscriberTest);

}  // namespace
}  // namespace gallery::testing
