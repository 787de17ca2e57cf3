#include "hub/server/hub_metrics.h"

namespace gallery::server {

using metrics::LatencyBuckets;

HubMetrics::HubMetrics()
    : received_(registry_.AddCounter("gallery_records_received_total",
                                     "Records taken from publishers, valid or not.", {"source"})),
      confirmed_(registry_.AddCounter("gallery_records_confirmed_total",
                                      "Records confirmed to their publishers once durable "
                                      "(duplicates included).",
                                      {"source"})),
      duplicates_(registry_.AddCounter("gallery_records_duplicate_total",
                                       "Records confirmed again under a record id already "
                                       "journaled; stored and delivered once.",
                                       {"source"})),
      rejected_(registry_.AddCounter("gallery_records_rejected_total",
                                     "Records refused, by wire reason code.", {"source", "code"})),
      deliveries_(registry_.AddCounter("gallery_deliveries_total",
                                       "Deliveries journaled, by source and recipient agency.",
                                       {"source", "recipient"})),
      withheld_(registry_.AddCounter("gallery_withholdings_total",
                                     "Records withheld from an agency, by kind of reason.",
                                     {"source", "agency", "reason"})),
      acked_(registry_.AddCounter("gallery_deliveries_acked_total",
                                  "Deliveries acknowledged by their recipient.", {"recipient"})),
      redelivered_(registry_.AddCounter("gallery_deliveries_redelivered_total",
                                        "Deliveries sent again after a timeout, refusal or "
                                        "reconnect.",
                                        {"recipient"})),
      dead_lettered_(registry_.AddCounter("gallery_dead_letters_total",
                                          "Deliveries given up and moved to the dead letters.",
                                          {"recipient"})),
      purged_(registry_
                  .AddCounter("gallery_payloads_purged_total",
                              "Records whose payloads retention purged (metadata kept).")
                  .WithLabels({})),
      commit_failures_(registry_
                           .AddCounter("gallery_store_commit_failures_total",
                                       "Journal commits the store refused (records rejected as "
                                       "UNAVAILABLE).")
                           .WithLabels({})),
      confirm_latency_(registry_.AddHistogram("gallery_confirm_latency_seconds",
                                              "From a record's arrival to its confirm.",
                                              {"source"}, LatencyBuckets())),
      ack_latency_(registry_.AddHistogram("gallery_ack_latency_seconds",
                                          "From a delivery's sending to its ack.", {"recipient"},
                                          LatencyBuckets())),
      commit_latency_(registry_
                          .AddHistogram("gallery_store_commit_seconds",
                                        "Duration of one durable journal commit (a batch).", {},
                                        LatencyBuckets())
                          .WithLabels({})),
      queue_depth_(registry_.AddGauge("gallery_queue_depth",
                                      "Deliveries journaled and not yet acked, per recipient.",
                                      {"recipient"})),
      in_flight_(registry_.AddGauge("gallery_deliveries_in_flight",
                                    "Deliveries sent and awaiting an ack, per recipient.",
                                    {"recipient"})),
      connected_(registry_.AddGauge("gallery_agency_connected",
                                    "1 while the agency has a session, else 0.", {"agency"})),
      dead_letters_(registry_.AddGauge("gallery_dead_letters",
                                       "Dead letters awaiting a retry or drop, per recipient.",
                                       {"recipient"})),
      rule_set_(registry_.AddGauge("gallery_rule_set_info",
                                   "The loaded rule set: its content hash and rule count.",
                                   {"hash", "rules"})),
      protocol_review_overdue_(registry_.AddGauge(
          "gallery_protocol_review_overdue",
          "1 when the protocol is past its review date and so permits nothing, else 0.",
          {"protocol"})),
      audit_chain_length_(registry_.AddGauge("gallery_audit_chain_length",
                                             "Entries in the audit log.", {})),
      audit_chain_head_(registry_.AddGauge(
          "gallery_audit_chain_head_info",
          "The audit log's last entry hash: keep it to check later that no entry was cut "
          "off the end (hubctl audit verify --head).",
          {"hash"})),
      audit_chain_intact_(registry_.AddGauge(
          "gallery_audit_chain_intact",
          "1 when the audit log's last entries (up to 200000) verified at start, each "
          "numbered in turn and linked by hash to the one before; 0 when one was edited, "
          "removed or inserted.",
          {})),
      rule_reloads_(registry_.AddCounter("gallery_rule_reloads_total",
                                         "Rule set reloads asked for, by result: loaded, "
                                         "unchanged, or refused (the running set stays).",
                                         {"result"})),
      consent_overrides_(registry_.AddCounter(
          "gallery_consent_overrides_total",
          "Deliveries permitted by a consent-override rule (safeguarding), by recipient and rule.",
          {"recipient", "rule"})),
      auth_refusals_(registry_.AddCounter("gallery_auth_refusals_total",
                                          "Connections or sessions refused at authentication, "
                                          "by reason.",
                                          {"reason"})),
      involvement_queries_(registry_.AddCounter(
          "gallery_involvement_queries_total",
          "Involvement queries (who else is involved with a person), by asking agency and "
          "outcome: answered, invalid, purpose_not_allowed, no_relationship.",
          {"asker", "outcome"})) {}

HubMetrics::SourceCounters& HubMetrics::Source(const std::string& source) {
  auto it = sources_.find(source);
  if (it == sources_.end()) {
    it = sources_
             .emplace(source, SourceCounters{&received_.WithLabels({source}),
                                             &confirmed_.WithLabels({source}),
                                             &duplicates_.WithLabels({source}),
                                             &confirm_latency_.WithLabels({source})})
             .first;
  }
  return it->second;
}

void HubMetrics::RecordConfirmed(const std::string& source, bool duplicate,
                                 double seconds_since_received) {
  SourceCounters& counters = Source(source);
  counters.confirmed->Increment();
  if (duplicate) counters.duplicates->Increment();
  counters.confirm_latency->Observe(seconds_since_received);
}

void HubMetrics::RecordRejected(const std::string& source, const std::string& code) {
  rejected_.WithLabels({source, code}).Increment();
}

void HubMetrics::DeliveryJournaled(const std::string& source, const std::string& recipient) {
  std::string key = source;
  key += '\n';
  key += recipient;
  auto it = deliveries_by_pair_.find(key);
  if (it == deliveries_by_pair_.end()) {
    it = deliveries_by_pair_.emplace(std::move(key), &deliveries_.WithLabels({source, recipient}))
             .first;
  }
  it->second->Increment();
}

void HubMetrics::Withheld(const std::string& source, const std::string& agency,
                          const std::string& kind) {
  withheld_.WithLabels({source, agency, kind}).Increment();
}

HubMetrics::RecipientCounters& HubMetrics::Recipient(const std::string& recipient) {
  auto it = recipients_.find(recipient);
  if (it == recipients_.end()) {
    it = recipients_
             .emplace(recipient, RecipientCounters{&acked_.WithLabels({recipient}),
                                                   &redelivered_.WithLabels({recipient}),
                                                   &ack_latency_.WithLabels({recipient})})
             .first;
  }
  return it->second;
}

void HubMetrics::DeliveryAcked(const std::string& recipient, double seconds) {
  RecipientCounters& counters = Recipient(recipient);
  counters.acked->Increment();
  if (seconds >= 0) counters.ack_latency->Observe(seconds);
}

void HubMetrics::StoreCommit(double seconds, bool ok) {
  commit_latency_.Observe(seconds);
  if (!ok) commit_failures_.Increment();
}

}  // namespace gallery::server
