#include "tests/integration/fault_region.h"

#include <iostream>

#include <gtest/gtest.h>

namespace gallery::testing {

sdk::ClientOptions FaultClient(const std::string& endpoint, const std::string& agency) {
  sdk::ClientOptions options = TestClient(endpoint, agency);
  options.max_in_flight = 200;
  return options;
}

std::set<std::string> ConfirmedFor(const std::string& agency, const PublishLedger& ledger) {
  std::set<std::string> out;
  for (const auto& record : ledger.published) {
    if (!ledger.confirmed.contains(record.record_id)) continue;
    const bool routed = agency == "dn" || agency == "housing" || (agency == "gp-a" && record.gp_ods == "A00001") ||
                        (agency == "gp-b" && record.gp_ods == "A00002");
    if (routed) out.insert(record.record_id);
  }
  return out;
}

std::string LastLineWith(const std::string& log, const std::string& needle) {
  const size_t at = log.rfind(needle);
  if (at == std::string::npos) return "";
  const size_t start = log.rfind('\n', at);
  const size_t end = log.find('\n', at);
  return log.substr(start == std::string::npos ? 0 : start + 1,
                    end == std::string::npos ? std::string::npos : end - (start + 1));
}

std::string SinkDeath(TestRegion& region, const std::string& agency) {
  if (region.sink(agency).running()) return "";
  return agency + "'s sink exited with " + std::to_string(region.sink(agency).Wait(std::chrono::milliseconds(0))) +
         ": " + LastLineWith(region.SinkLog(agency), "[critical]");
}

std::vector<std::string> InboxIds(const TestRegion& region, const std::string& agency) {
  std::vector<std::string> ids;
  for (const auto& deliver : region.Inbox(agency)) ids.push_back(deliver.record().record_id());
  return ids;
}

std::map<std::string, DeliveryTally> CountEveryRecipient(const TestRegion& region,
                                                         const PublishLedger& ledger,
                                                         const std::vector<std::string>& sinks) {
  std::map<std::string, DeliveryTally> tallies;
  const auto journaled = region.JournaledDeliveries();
  std::cout << "published " << ledger.published.size() << ", confirmed " << ledger.confirmed.size()
            << " (" << ledger.duplicate_confirms << " as duplicates)\n";
  for (const auto& agency : sinks) {
    auto queued = journaled.find(agency);
    const DeliveryTally tally = CountDeliveries(
        ConfirmedFor(agency, ledger), region.SinkReceived(agency), InboxIds(region, agency),
        queued == journaled.end() ? std::vector<std::string>{} : queued->second);
    std::cout << "  " << agency << ": " << tally << "\n";
    EXPECT_TRUE(tally.ok()) << agency << ": " << tally;
    EXPECT_GT(tally.confirmed, 0u) << agency << " was meant to receive records";
    tallies[agency] = tally;
  }
  return tallies;
}

void FinishAndCountEveryRecord(TestRegion& region, LoadPublisher& publisher) {
  const Status finished = publisher.Finish();
  EXPECT_TRUE(finished.ok()) << finished.ToString();
  EXPECT_EQ(publisher.confirmed_ids().size(), publisher.published().size())
      << "Flush returned ok with records unconfirmed";
  const bool drained = WaitFor([&] { return region.PendingDeliveries() == 0; },
                               std::chrono::seconds(30), std::chrono::milliseconds(100));
  for (const auto& agency : kFaultSinks) {
    EXPECT_TRUE(region.sink(agency).running()) << SinkDeath(region, agency);
  }
  region.StopSinks();
  EXPECT_TRUE(drained) << region.PendingDeliveries() << " deliveries still unacked";
  EXPECT_EQ(region.JournaledRecords(), publisher.published().size());
  CountEveryRecipient(region, publisher.ledger(), kFaultSinks);
}

}  // namespace gallery::testing
