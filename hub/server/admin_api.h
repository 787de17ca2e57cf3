// The admin API's routes: health, metrics, dead letters and the rule set. Runs on the hub
// thread.
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include <nlohmann/json.hpp>

#include "hub/admin/admin_server.h"
#include "hub/common/result.h"
#include "hub/router/rule_set.h"
#include "hub/server/delivery_queues.h"
#include "hub/server/hub_metrics.h"
#include "hub/store/store.h"

namespace gallery::server {

// What the admin API may do with the hub's rules.
struct RulesControl {
  std::function<std::shared_ptr<const router::RuleSet>()> current;
  // Loads the rules folder again and swaps it in when valid; `trigger` names who asked,
  // for the log. kInvalidArgument (file:line:col messages) leaves the running set in force.
  std::function<Result<std::shared_ptr<const router::RuleSet>>(std::string_view trigger)> reload;
};

// Routes (JSON in and out, but for the dashboard's files):
//   GET  / or /dashboard, /dashboard/NAME  the ops dashboard's page and its files
//                                          (admin/dashboard_assets.h); changes nothing
//   GET  /healthz                          liveness; changes nothing
//   GET  /readyz                           ready to serve: endpoint bound, rules loaded (both hold
//                                          while the hub runs) and the store answering; 503
//                                          with the store's error otherwise; changes nothing
//   GET  /metrics                          Prometheus text (hub_metrics.h); changes nothing
//   GET  /admin/overview                   one JSON document for the dashboard and hubctl
//                                          status: hub, record rates, agencies, flows,
//                                          backlogs, withholdings, dead letters, alerts
//                                          (overview.h, hub/README.md); changes nothing
//   GET  /admin/deadletters                every dead letter, metadata and reason; changes nothing
//   GET  /admin/deadletters/ID[?contents=true]
//                                          one dead letter; the redacted record only when
//                                          asked for; changes nothing
//   POST /admin/deadletters/ID/retry       puts the delivery back at the end of its
//                                          recipient's queue; changes state
//   POST /admin/deadletters/ID/drop        gives the delivery up for good; changes state
//   GET  /admin/rules                      the running rule set: hash, rules, protocols with
//                                          their review dates; changes nothing
//   POST /admin/rules/reload               loads the rules folder again; 422 with every error
//                                          when it is invalid, the running set then stays
// `overview` builds /admin/overview's document, or gives the store's error (then 503).
admin::AdminResponse HandleAdminRequest(const admin::AdminRequest& request, store::Store& store,
                                        DeliveryQueues& queues, HubMetrics& metrics,
                                        const RulesControl& rules,
                                        const std::function<Result<nlohmann::json>()>& overview);

}  // namespace gallery::server
