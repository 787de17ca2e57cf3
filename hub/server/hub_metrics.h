// HubMetrics: what hubd counts about the records it carries, for /metrics. Labels carry
// agency ids, rule set hashes and reason codes, never anything from a record's contents.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

#include "hub/metrics/metrics.h"

namespace gallery::server {

// Owned by the hub; counted on the hub thread (the store's commit thread observes the
// commit histogram). Rendered by the admin API on the hub thread.
class HubMetrics {
 public:
  HubMetrics();

  metrics::Registry& registry() { return registry_; }

  // A publisher's record was taken off the wire (valid or not).
  void RecordReceived(const std::string& source) { Source(source).received->Increment(); }
  // A record was confirmed to its publisher; `duplicate` when it was journaled before.
  void RecordConfirmed(const std::string& source, bool duplicate, double seconds_since_received);
  // A record was refused; `code` is the wire code ("INVALID_ARGUMENT", "UNAVAILABLE" ...).
  void RecordRejected(const std::string& source, const std::string& code);
  // A delivery of a record from `source` to `recipient` was journaled.
  void DeliveryJournaled(const std::string& source, const std::string& recipient);
  // A record from `source` was withheld from `agency`, for a reason of kind `kind`.
  void Withheld(const std::string& source, const std::string& agency, const std::string& kind);
  // `recipient` acked a delivery sent `seconds` ago (negative: sent before a reconnect, so
  // counted without a latency).
  void DeliveryAcked(const std::string& recipient, double seconds);
  void DeliveryRedelivered(const std::string& recipient) { Recipient(recipient).redelivered->Increment(); }
  void DeadLettered(const std::string& recipient) { dead_lettered_.WithLabels({recipient}).Increment(); }
  void PayloadsPurged(uint64_t records) { purged_.Increment(records); }
  void StoreCommit(double seconds, bool ok);
  // A rule set load was asked for (SIGHUP, admin API): `loaded`, `unchanged` or `refused`.
  void RuleReload(const std::string& result) { rule_reloads_.WithLabels({result}).Increment(); }
  // A delivery relied on a consent-override rule: every use is counted, and alerted on.
  void ConsentOverride(const std::string& recipient, const std::string& rule) {
    consent_overrides_.WithLabels({recipient, rule}).Increment();
  }

  // A client was refused at authentication: `reason` is "unknown_key", "expired_key",
  // "mechanism" (no CURVE), "handshake" (another failed handshake) or "agency_mismatch" (a
  // Hello naming another agency than its key's). Thread-safe: the authentication handler
  // counts from its own thread.
  void AuthRefused(std::string_view reason) {
    auth_refusals_.WithLabels({std::string(reason)}).Increment();
  }

  // An involvement query answered or refused; `outcome` is involvement::OutcomeName's.
  void InvolvementQuery(const std::string& asker, std::string_view outcome) {
    involvement_queries_.WithLabels({asker, std::string(outcome)}).Increment();
  }

  // Gauges refreshed at each scrape by the hub's collector.
  metrics::Family<metrics::Gauge>& queue_depth() { return queue_depth_; }
  metrics::Family<metrics::Gauge>& in_flight() { return in_flight_; }
  metrics::Family<metrics::Gauge>& connected() { return connected_; }
  metrics::Family<metrics::Gauge>& dead_letters() { return dead_letters_; }
  metrics::Family<metrics::Gauge>& rule_set() { return rule_set_; }
  metrics::Family<metrics::Gauge>& protocol_review_overdue() { return protocol_review_overdue_; }
  metrics::Family<metrics::Gauge>& audit_chain_length() { return audit_chain_length_; }
  metrics::Family<metrics::Gauge>& audit_chain_head() { return audit_chain_head_; }
  metrics::Family<metrics::Gauge>& audit_chain_intact() { return audit_chain_intact_; }

  // The counters /admin/overview reads (overview.h), by their labels as in /metrics.
  const metrics::Family<metrics::Counter>& received() const { return received_; }
  const metrics::Family<metrics::Counter>& confirmed() const { return confirmed_; }
  const metrics::Family<metrics::Counter>& rejected() const { return rejected_; }
  const metrics::Family<metrics::Counter>& deliveries() const { return deliveries_; }
  const metrics::Family<metrics::Counter>& withheld() const { return withheld_; }
  const metrics::Family<metrics::Counter>& rule_reloads() const { return rule_reloads_; }
  const metrics::Family<metrics::Counter>& consent_overrides() const { return consent_overrides_; }
  const metrics::Family<metrics::Counter>& involvement_queries() const {
    return involvement_queries_;
  }

 private:
  // A source's counters, looked up once per agency rather than per record.
  struct SourceCounters {
    metrics::Counter* received;
    metrics::Counter* confirmed;
    metrics::Counter* duplicates;
    metrics::Histogram* confirm_latency;
  };
  SourceCounters& Source(const std::string& source);
  struct RecipientCounters {
    metrics::Counter* acked;
    metrics::Counter* redelivered;
    metrics::Histogram* ack_latency;
  };
  RecipientCounters& Recipient(const std::string& recipient);

  metrics::Registry registry_;
  metrics::Family<metrics::Counter>& received_;
  metrics::Family<metrics::Counter>& confirmed_;
  metrics::Family<metrics::Counter>& duplicates_;
  metrics::Family<metrics::Counter>& rejected_;
  metrics::Family<metrics::Counter>& deliveries_;
  metrics::Family<metrics::Counter>& withheld_;
  metrics::Family<metrics::Counter>& acked_;
  metrics::Family<metrics::Counter>& redelivered_;
  metrics::Family<metrics::Counter>& dead_lettered_;
  metrics::Counter& purged_;
  metrics::Counter& commit_failures_;
  metrics::Family<metrics::Histogram>& confirm_latency_;
  metrics::Family<metrics::Histogram>& ack_latency_;
  metrics::Histogram& commit_latency_;
  metrics::Family<metrics::Gauge>& queue_depth_;
  metrics::Family<metrics::Gauge>& in_flight_;
  metrics::Family<metrics::Gauge>& connected_;
  metrics::Family<metrics::Gauge>& dead_letters_;
  metrics::Family<metrics::Gauge>& rule_set_;
  metrics::Family<metrics::Gauge>& protocol_review_overdue_;
  metrics::Family<metrics::Gauge>& audit_chain_length_;
  metrics::Family<metrics::Gauge>& audit_chain_head_;
  metrics::Family<metrics::Gauge>& audit_chain_intact_;
  metrics::Family<metrics::Counter>& rule_reloads_;
  metrics::Family<metrics::Counter>& consent_overrides_;
  metrics::Family<metrics::Counter>& auth_refusals_;
  metrics::Family<metrics::Counter>& involvement_queries_;

  std::unordered_map<std::string, SourceCounters> sources_;
  std::unordered_map<std::string, RecipientCounters> recipients_;
  std::unordered_map<std::string, metrics::Counter*> deliveries_by_pair_;  // "source\nrecipient"
};

}  // namespace gallery::server
