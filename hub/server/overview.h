// Overview: the one JSON document GET /admin/overview answers with (hub/README.md): the
// hub, record counts and rates, agencies, flows, backlogs, withholdings, dead letters and
// the hub's own alerts. Read by the dashboard page and by hubctl status / top.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "hub/common/result.h"
#include "hub/config/hub_config.h"
#include "hub/router/rule_set.h"
#include "hub/server/flow_rates.h"
#include "hub/server/hub_metrics.h"
#include "hub/server/sessions.h"
#include "hub/store/store.h"

namespace gallery::server {

// What the hub holds in memory that the overview shows, as of the request.
struct HubSnapshot {
  std::shared_ptr<const router::RuleSet> rules;
  uint64_t audit_chain_length = 0;
  bool audit_chain_intact = true;
  std::set<std::string> connected;  // agencies with a session
  std::vector<std::pair<std::string, size_t>> in_flight;  // by recipient
};

// Not thread-safe: the hub samples it from its timer and builds the document on its own
// thread (admin requests run there). `config` and `metrics` must outlive it.
class Overview {
 public:
  Overview(const config::HubConfig& config, const HubMetrics& metrics, Clock::time_point started);

  // Reads the counters into the rate window and notes who is connected. Call about once a
  // second; reads only counters and the sessions, so it costs the same at any record rate.
  void Sample(Clock::time_point now, const std::set<std::string>& connected);

  // The document; queries the store (pending counts, each backlog's oldest delivery, dead
  // letters). The store's error when it cannot answer.
  Result<nlohmann::json> Build(store::Store& store, const HubSnapshot& hub,
                               Clock::time_point now) const;

 private:
  FlowRates::Totals ReadTotals() const;

  const config::HubConfig& config_;
  const HubMetrics& metrics_;
  Clock::time_point started_;
  FlowRates rates_;
  std::map<std::string, Clock::time_point> last_connected_;  // by agency; start when never
};

}  // namespace gallery::server
