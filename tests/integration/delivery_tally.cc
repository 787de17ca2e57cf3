#include "tests/integration/delivery_tally.h"

#include <unordered_map>

namespace gallery::testing {
namespace {

constexpr size_t kMaxExamples = 5;

void Note(DeliveryTally& tally, const std::string& what, const std::string& record_id) {
  if (tally.examples.size() < kMaxExamples) tally.examples.push_back(what + " " + record_id);
}

}  // namespace

DeliveryTally CountDeliveries(const std::set<std::string>& expected,
                              const std::vector<std::string>& received,
                              const std::vector<std::string>& inbox,
                              const std::vector<std::string>& journaled) {
  DeliveryTally tally;
  tally.confirmed = expected.size();
  tally.received = received.size();

  const std::set<std::string> distinct_received(received.begin(), received.end());
  tally.duplicates = received.size() - distinct_received.size();

  std::set<std::string> in_inbox;
  for (const auto& id : inbox) {
    if (!in_inbox.insert(id).second) {
      ++tally.inbox_repeats;
      Note(tally, "twice in inbox:", id);
    }
  }
  for (const auto& id : expected) {
    if (in_inbox.contains(id)) {
      ++tally.delivered;
    } else {
      ++tally.lost;
      Note(tally, "lost:", id);
    }
  }
  std::set<std::string> seen = in_inbox;
  seen.insert(distinct_received.begin(), distinct_received.end());
  for (const auto& id : seen) {
    if (!expected.contains(id)) {
      ++tally.strangers;
      Note(tally, "never confirmed for this recipient:", id);
    }
    if (in_inbox.contains(id) != distinct_received.contains(id)) {
      ++tally.unwritten;
      Note(tally, in_inbox.contains(id) ? "in inbox, not in sink log:" : "received, not in inbox:", id);
    }
  }
  std::set<std::string> queued;
  for (const auto& id : journaled) {
    if (!queued.insert(id).second) {
      ++tally.journal_repeats;
      Note(tally, "queued twice by the hub:", id);
    }
  }
  return tally;
}

std::ostream& operator<<(std::ostream& out, const DeliveryTally& tally) {
  out << "confirmed " << tally.confirmed << ", received " << tally.received << ", delivered "
      << tally.delivered << ", lost " << tally.lost << ", duplicates " << tally.duplicates;
  if (tally.inbox_repeats > 0) out << ", inbox repeats " << tally.inbox_repeats;
  if (tally.strangers > 0) out << ", never confirmed " << tally.strangers;
  if (tally.journal_repeats > 0) out << ", queued twice " << tally.journal_repeats;
  if (tally.unwritten > 0) out << ", log/inbox mismatches " << tally.unwritten;
  for (const auto& example : tally.examples) out << "\n    " << example;
  return out;
}

std::vector<std::string> OrderViolations(const std::vector<PublishedRecord>& published,
                                         const std::vector<std::string>& inbox) {
  std::unordered_map<std::string, size_t> position;
  for (size_t i = 0; i < published.size(); ++i) position[published[i].record_id] = i;
  std::unordered_map<std::string, size_t> last;  // by subject: position of its latest record
  std::vector<std::string> violations;
  for (const auto& id : inbox) {
    auto it = position.find(id);
    if (it == position.end()) continue;
    const PublishedRecord& record = published[it->second];
    auto [previous, first] = last.try_emplace(record.nhs_number, it->second);
    if (first) continue;
    if (it->second < previous->second) {
      violations.push_back(record.nhs_number + ": " + id + " after " +
                           published[previous->second].record_id);
    } else {
      previous->second = it->second;
    }
  }
  return violations;
}

}  // namespace gallery::testing
