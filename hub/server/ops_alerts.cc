#include "hub/server/ops_alerts.h"

#include <algorithm>
#include <cmath>

namespace gallery::server {
namespace {

int Rank(const std::string& severity) {
  return severity == "critical" ? 0 : severity == "warning" ? 1 : 2;
}

std::string Seconds(double seconds) {
  const auto whole = static_cast<long long>(std::floor(seconds));
  if (whole < 120) return std::to_string(whole) + " s";
  if (whole < 7200) return std::to_string(whole / 60) + " min";
  return std::to_string(whole / 3600) + " h";
}

std::string Deliveries(uint64_t count) {
  return std::to_string(count) + (count == 1 ? " delivery" : " deliveries");
}

}  // namespace

std::vector<OpsAlert> EvaluateAlerts(const AlertFacts& facts, const AlertThresholds& thresholds) {
  std::vector<OpsAlert> alerts;
  if (!facts.audit_chain_intact) {
    alerts.push_back({"GalleryAuditChainBroken", "critical",
                      "The audit log failed verification at start: an entry was edited, removed "
                      "or inserted (hubctl audit verify names it)",
                      ""});
  }
  for (const auto& use : facts.consent_overrides) {
    if (use.seconds_since_last_use >= kRecentEventSeconds) continue;
    alerts.push_back({"GalleryConsentOverrideUsed", "warning",
                      use.rule + " overrode consent to disclose to " + use.recipient + " " +
                          Seconds(use.seconds_since_last_use) + " ago",
                      use.recipient});
  }
  for (const auto& refused : facts.involvement_refusals) {
    if (refused.seconds_since_last >= kRecentEventSeconds) continue;
    alerts.push_back({"GalleryInvolvementRefused", "warning",
                      refused.asker + " asked who else is involved with someone it has no "
                          "relationship with, " + Seconds(refused.seconds_since_last) + " ago",
                      refused.asker});
  }
  for (const std::string& protocol : facts.protocols_past_review) {
    alerts.push_back({"GalleryProtocolPastReview", "warning",
                      "Protocol " + protocol + " is past its review date and shares nothing", ""});
  }
  for (const auto& backlog : facts.backlogs) {
    if (backlog.pending == 0 || backlog.oldest_age_s < thresholds.recipient_stalled_after_s) {
      continue;
    }
    alerts.push_back({"GalleryRecipientStalled", "warning",
                      backlog.recipient + " has " + Deliveries(backlog.pending) +
                          " waiting, the oldest for " + Seconds(backlog.oldest_age_s),
                      backlog.recipient});
  }
  for (const auto& [recipient, count] : facts.dead_letters) {
    if (count == 0) continue;
    alerts.push_back({"GalleryDeadLetters", "warning",
                      Deliveries(count) + " to " + recipient +
                          (count == 1 ? " is a dead letter" : " are dead letters"),
                      recipient});
  }
  for (const auto& agency : facts.disconnected) {
    if (agency.seconds < thresholds.agency_disconnected_after_s) continue;
    alerts.push_back({"GalleryAgencyDisconnected", "info",
                      agency.agency + " has been disconnected for " + Seconds(agency.seconds),
                      agency.agency});
  }
  if (facts.seconds_since_reload_refused &&
      *facts.seconds_since_reload_refused < kRecentEventSeconds) {
    alerts.push_back({"GalleryRuleReloadRefused", "info",
                      "A rule set reload was refused " +
                          Seconds(*facts.seconds_since_reload_refused) +
                          " ago; the running rules stay in force",
                      ""});
  }
  std::stable_sort(alerts.begin(), alerts.end(), [](const OpsAlert& a, const OpsAlert& b) {
    return Rank(a.severity) < Rank(b.severity);
  });
  return alerts;
}

}  // namespace gallery::server
