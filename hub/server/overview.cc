#include "hub/server/overview.h"

#include <algorithm>

#include "gallery/v1/record.pb.h"
#include "hub/common/iso8601.h"
#include "hub/common/now_micros.h"
#include "hub/server/ops_alerts.h"

namespace gallery::server {
namespace {

using nlohmann::json;

// Dead letters listed in full; the total counts them all.
constexpr size_t kRecentDeadLetters = 20;

// Keys of the counters kept in the rate window.
constexpr const char* kReceivedKey = "received";
std::string FlowKey(const std::string& source, const std::string& recipient) {
  return "flow\n" + source + "\n" + recipient;
}
std::string OverrideKey(const std::string& recipient, const std::string& rule) {
  return "override\n" + recipient + "\n" + rule;
}
constexpr const char* kReloadRefusedKey = "reload-refused";
std::string InvolvementRefusedKey(const std::string& asker) {
  return "involvement-refused\n" + asker;
}

double SecondsBetween(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

// Rounded for display: rates and ages to a tenth, which is all a person reads.
double Tenths(double value) { return static_cast<double>(static_cast<int64_t>(value * 10 + 0.5)) / 10; }

uint64_t Sum(const metrics::Family<metrics::Counter>& family) {
  uint64_t total = 0;
  family.ForEach([&](const std::vector<std::string>&, const metrics::Counter& counter) {
    total += counter.value();
  });
  return total;
}

// Age in seconds of `recipient`'s oldest unacked delivery, from its record's received_at.
Result<double> OldestAge(store::Store& store, const std::string& recipient, int64_t now_us) {
  GALLERY_ASSIGN_OR_RETURN(std::vector<store::PendingDelivery> oldest,
                           store.Pending(recipient, 0, 1));
  if (oldest.empty()) return 0.0;
  v1::Record record;
  if (!record.ParseFromString(oldest.front().payload) || !record.has_received_at()) return 0.0;
  const int64_t received_us =
      record.received_at().seconds() * 1'000'000 + record.received_at().nanos() / 1'000;
  return std::max(0.0, static_cast<double>(now_us - received_us) / 1e6);
}

}  // namespace

Overview::Overview(const config::HubConfig& config, const HubMetrics& metrics,
                   Clock::time_point started)
    : config_(config), metrics_(metrics), started_(started) {
  for (const Agency& agency : config_.agencies) last_connected_[agency.id] = started;
  // Every counter is 0 when the hub starts: records arriving before the first sample count.
  rates_.Sample(started, {});
}

FlowRates::Totals Overview::ReadTotals() const {
  FlowRates::Totals totals;
  totals[kReceivedKey] = Sum(metrics_.received());
  metrics_.deliveries().ForEach([&](const std::vector<std::string>& labels,
                                    const metrics::Counter& counter) {
    totals[FlowKey(labels[0], labels[1])] = counter.value();
  });
  metrics_.consent_overrides().ForEach([&](const std::vector<std::string>& labels,
                                           const metrics::Counter& counter) {
    totals[OverrideKey(labels[0], labels[1])] = counter.value();
  });
  metrics_.rule_reloads().ForEach([&](const std::vector<std::string>& labels,
                                      const metrics::Counter& counter) {
    if (labels[0] == "refused") totals[kReloadRefusedKey] = counter.value();
  });
  metrics_.involvement_queries().ForEach([&](const std::vector<std::string>& labels,
                                             const metrics::Counter& counter) {
    if (labels[1] == "no_relationship") totals[InvolvementRefusedKey(labels[0])] = counter.value();
  });
  return totals;
}

void Overview::Sample(Clock::time_point now, const std::set<std::string>& connected) {
  rates_.Sample(now, ReadTotals());
  for (const std::string& agency : connected) last_connected_[agency] = now;
}

Result<json> Overview::Build(store::Store& store, const HubSnapshot& hub,
                             Clock::time_point now) const {
  const int64_t now_us = NowMicros();
  AlertFacts facts;
  facts.audit_chain_intact = hub.audit_chain_intact;

  json doc;
  doc["generated_at"] = Iso8601Utc(now_us);
  doc["hub"] = {{"id", config_.hub_id},
                {"rule_set_hash", hub.rules->content_hash()},
                {"rules", hub.rules->rules().size()},
                {"uptime_s", static_cast<int64_t>(SecondsBetween(started_, now))},
                {"audit_chain_length", hub.audit_chain_length},
                {"audit_chain_intact", hub.audit_chain_intact}};
  doc["records"] = {{"received_total", Sum(metrics_.received())},
                    {"confirmed_total", Sum(metrics_.confirmed())},
                    {"rejected_total", Sum(metrics_.rejected())},
                    {"received_per_s", Tenths(rates_.PerSecond(kReceivedKey))}};

  json agencies = json::array();
  for (const Agency& agency : config_.agencies) {
    const bool connected = hub.connected.contains(agency.id);
    agencies.push_back({{"id", agency.id},
                        {"name", agency.name},
                        {"kind", agency.kind},
                        {"connected", connected}});
    if (!connected) {
      const auto last = last_connected_.find(agency.id);
      facts.disconnected.push_back(
          {agency.id, SecondsBetween(last == last_connected_.end() ? started_ : last->second, now)});
    }
  }
  doc["agencies"] = std::move(agencies);

  json flows = json::array();
  metrics_.deliveries().ForEach([&](const std::vector<std::string>& labels,
                                    const metrics::Counter& counter) {
    flows.push_back({{"source", labels[0]},
                     {"recipient", labels[1]},
                     {"delivered_total", counter.value()},
                     {"per_s", Tenths(rates_.PerSecond(FlowKey(labels[0], labels[1])))}});
  });
  doc["flows"] = std::move(flows);

  // Every configured agency, and any other recipient the store still queues for.
  GALLERY_ASSIGN_OR_RETURN(auto pending_counts, store.PendingCounts());
  std::map<std::string, uint64_t> pending;
  for (const Agency& agency : config_.agencies) pending[agency.id] = 0;
  for (const auto& [recipient, count] : pending_counts) pending[recipient] = count;
  std::map<std::string, size_t> in_flight(hub.in_flight.begin(), hub.in_flight.end());
  json backlogs = json::array();
  for (const auto& [recipient, count] : pending) {
    double oldest_age_s = 0;
    if (count > 0) {
      GALLERY_ASSIGN_OR_RETURN(oldest_age_s, OldestAge(store, recipient, now_us));
      facts.backlogs.push_back({recipient, count, oldest_age_s});
    }
    const auto flying = in_flight.find(recipient);
    backlogs.push_back({{"recipient", recipient},
                        {"pending", count},
                        {"in_flight", flying == in_flight.end() ? 0 : flying->second},
                        {"oldest_age_s", Tenths(oldest_age_s)},
                        {"connected", hub.connected.contains(recipient)}});
  }
  doc["backlogs"] = std::move(backlogs);

  std::map<std::string, uint64_t> withheld_by_reason;
  metrics_.withheld().ForEach([&](const std::vector<std::string>& labels,
                                  const metrics::Counter& counter) {
    withheld_by_reason[labels[2]] += counter.value();
  });
  json withheld = json::array();
  for (const auto& [reason, total] : withheld_by_reason) {
    withheld.push_back({{"reason", reason}, {"total", total}});
  }
  doc["withheld"] = std::move(withheld);

  GALLERY_ASSIGN_OR_RETURN(std::vector<store::DeadLetter> letters, store.DeadLetters());
  std::map<std::string, uint64_t> letters_by_recipient;
  for (const auto& letter : letters) ++letters_by_recipient[letter.recipient];
  facts.dead_letters.assign(letters_by_recipient.begin(), letters_by_recipient.end());
  json recent = json::array();
  // Newest first: the store lists them oldest first.
  for (auto it = letters.rbegin(); it != letters.rend() && recent.size() < kRecentDeadLetters;
       ++it) {
    recent.push_back({{"id", it->id},
                      {"record_id", it->record_id},
                      {"source_agency", it->source_agency},
                      {"record_type", it->record_type},
                      {"recipient", it->recipient},
                      {"attempts", it->attempts},
                      {"reason", it->reason},
                      {"at", Iso8601Utc(it->at_us)}});
  }
  doc["dead_letters"] = {{"total", letters.size()}, {"recent", std::move(recent)}};

  metrics_.consent_overrides().ForEach([&](const std::vector<std::string>& labels,
                                           const metrics::Counter&) {
    if (auto last = rates_.LastIncrease(OverrideKey(labels[0], labels[1]))) {
      facts.consent_overrides.push_back({labels[0], labels[1], SecondsBetween(*last, now)});
    }
  });
  metrics_.involvement_queries().ForEach([&](const std::vector<std::string>& labels,
                                             const metrics::Counter&) {
    if (labels[1] != "no_relationship") return;
    if (auto last = rates_.LastIncrease(InvolvementRefusedKey(labels[0]))) {
      facts.involvement_refusals.push_back({labels[0], SecondsBetween(*last, now)});
    }
  });
  if (auto refused = rates_.LastIncrease(kReloadRefusedKey)) {
    facts.seconds_since_reload_refused = SecondsBetween(*refused, now);
  }
  for (const router::Protocol& protocol : hub.rules->protocols()) {
    if (now_us >= protocol.expires_at_us) facts.protocols_past_review.push_back(protocol.name);
  }
  const AlertThresholds thresholds{static_cast<double>(config_.recipient_stalled_after_s),
                                   static_cast<double>(config_.agency_disconnected_after_s)};
  json alerts = json::array();
  for (const OpsAlert& alert : EvaluateAlerts(facts, thresholds)) {
    json entry = {{"name", alert.name}, {"severity", alert.severity}, {"summary", alert.summary}};
    if (!alert.agency.empty()) entry["agency"] = alert.agency;
    alerts.push_back(std::move(entry));
  }
  doc["alerts"] = std::move(alerts);
  return doc;
}

}  // namespace gallery::server
