// The admin API's routes: health and dead letters. Runs on the hub thread.
#pragma once

#include "hub/admin/admin_server.h"
#include "hub/server/delivery_queues.h"
#include "hub/server/hub_metrics.h"
#include "hub/store/store.h"

namespace gallery::server {

// Routes (JSON in and out):
//   GET  /healthz                          liveness; changes nothing
//   GET  /readyz                           ready to serve: endpoint bound, rules loaded (both hold
//                                          while the hub runs) and the store answering; 503
//                                          with the store's error otherwise; changes nothing
//   GET  /metrics                          Prometheus text (hub_metrics.h); changes nothing
//   GET  /admin/deadletters                every dead letter, metadata and reason; changes nothing
//   GET  /admin/deadletters/ID[?contents=true]
//                                          one dead letter; the redacted record only when
//                                          asked for; changes nothing
//   POST /admin/deadletters/ID/retry       puts the delivery back at the end of its
//                                          recipient's queue; changes state
//   POST /admin/deadletters/ID/drop        gives the delivery up for good; changes state
admin::AdminResponse HandleAdminRequest(const admin::AdminRequest& request, store::Store& store,
                                        DeliveryQueues& queues, HubMetrics& metrics);

}  // namespace gallery::server
