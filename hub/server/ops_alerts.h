// The alerts the hub evaluates itself for /admin/overview (the dashboard, hubctl status):
// the conditions and names of deploy/prometheus/gallery-alerts.yml, from the hub's own facts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gallery::server {

struct OpsAlert {
  std::string name;      // the Prometheus alert's name, e.g. "GalleryRecipientStalled"
  std::string severity;  // "critical", "warning" or "info", as in the Prometheus rule
  std::string summary;   // plain words for ops
  std::string agency;    // the agency concerned; "" when none
};

// How long a consent override, a refused involvement query or a refused reload keeps its alert, as the Prometheus rules'
// increase(...[15m]).
inline constexpr double kRecentEventSeconds = 15 * 60;

// What the hub knows, as of one moment.
struct AlertFacts {
  struct ConsentOverride {
    std::string recipient;
    std::string rule;
    double seconds_since_last_use = 0;
  };
  struct InvolvementRefused {
    std::string asker;
    double seconds_since_last = 0;  // since its last query refused for want of a relationship
  };
  struct Backlog {
    std::string recipient;
    uint64_t pending = 0;
    double oldest_age_s = 0;  // of its oldest unacked delivery
  };
  struct Disconnected {
    std::string agency;
    double seconds = 0;  // since it last had a session (or since the hub started)
  };
  std::vector<ConsentOverride> consent_overrides;
  std::vector<InvolvementRefused> involvement_refusals;
  std::vector<std::string> protocols_past_review;
  std::vector<Backlog> backlogs;
  std::vector<std::pair<std::string, uint64_t>> dead_letters;  // by recipient
  std::vector<Disconnected> disconnected;
  std::optional<double> seconds_since_reload_refused;  // nullopt: none since the hub started
  bool audit_chain_intact = true;
};

struct AlertThresholds {
  double recipient_stalled_after_s = 900;
  double agency_disconnected_after_s = 900;
};

// The alerts that hold, most severe first, in a stable order within a severity. Pure.
std::vector<OpsAlert> EvaluateAlerts(const AlertFacts& facts, const AlertThresholds& thresholds);

}  // namespace gallery::server
