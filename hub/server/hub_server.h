// HubServer: hubd's ZeroMQ ROUTER endpoint. Takes records from publishers, journals and
// routes them, confirms them once durable, and feeds each subscriber its queue.
#pragma once

#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <zmq.hpp>

#include "gallery/v1/wire.pb.h"
#include "hub/admin/admin_server.h"
#include "hub/audit/audit_chain.h"
#include "hub/config/hub_config.h"
#include "hub/registry/registry.h"
#include "hub/router/rule_set.h"
#include "hub/security/zap_handler.h"
#include "hub/server/batch.h"
#include "hub/server/delivery_queues.h"
#include "hub/server/hub_metrics.h"
#include "hub/server/involvement_desk.h"
#include "hub/server/ingest.h"
#include "hub/server/outgoing_frames.h"
#include "hub/server/overview.h"
#include "hub/server/sessions.h"
#include "hub/store/store.h"

namespace gallery::server {

// Single-threaded: Run() owns the socket and the store. Create and Run on the same thread.
class HubServer {
 public:
  // Loads the registry from `store`, then binds `config.endpoint` ("tcp://127.0.0.1:*"
  // picks a free port). The store's error when the registry cannot be read (kDataLoss for
  // a fact that cannot be decoded); kUnavailable when the endpoint cannot be bound.
  static Result<std::unique_ptr<HubServer>> Create(config::HubConfig config,
                                                   std::shared_ptr<const router::RuleSet> rules,
                                                   std::unique_ptr<store::Store> store);

  // The endpoint actually bound, with the port resolved.
  std::string endpoint() const;
  // The admin HTTP server's "host:port", with the port resolved.
  const std::string& admin_address() const { return admin_->address(); }

  // Serves until `stop` becomes true, then drains: journals the batch in hand and gives
  // its confirms up to two seconds to leave before the socket closes. Whenever
  // `reload_rules` is set (SIGHUP), clears it and reloads the rules (ReloadRules) and the
  // agency keys (ReloadKeys).
  // Returns a non-ok Status only when the hub cannot go on (the socket failed).
  Status Run(const std::atomic<bool>& stop, std::atomic<bool>* reload_rules = nullptr);

  // Loads the config's rules folder again; when valid, swaps it in between two batches, so
  // every record is routed whole under one set. kInvalidArgument (file:line:col messages)
  // when invalid: the running set stays in force. `trigger` names who asked, for the log.
  Result<std::shared_ptr<const router::RuleSet>> ReloadRules(std::string_view trigger);

  // Reads the agency keys again (the config file's and the key folder's) and swaps them in
  // for the next handshakes; sessions already open stay. When they are invalid the running
  // keys stay and the errors are logged. Returns that error, or ok.
  Status ReloadKeys(std::string_view trigger);

 private:
  HubServer(config::HubConfig config, std::shared_ptr<const router::RuleSet> rules,
            std::unique_ptr<store::Store> store, std::unique_ptr<registry::Registry> registry,
            zmq::context_t context, zmq::socket_t socket);

  // Takes up to a batch of frames off the socket. Returns how many were read.
  Result<int> ReadBatch();
  // Keeps `payload` (moving it into held_) when its record waits for the batch's commit.
  void HandleMessage(const std::string& routing_id, zmq::message_t& payload);
  // `payload` carries the connection's authenticated agency (ZAP User-Id).
  void HandleHello(const std::string& routing_id, const v1::Hello& hello,
                   const zmq::message_t& payload);
  void HandlePublish(const std::string& routing_id, Session& session, v1::Publish& publish,
                     zmq::message_t& payload);
  void HandleAck(Session& session, const v1::Ack& ack);
  // Prepares the batch read (routing, redaction, audit entries) while the last one is
  // written, then finishes that one and starts writing this one.
  void CommitBatch();
  // Routes reading_ into journal entries, in a registry batch of its own. False when there
  // is nothing to commit, or the store refused (the batch is then refused).
  bool PrepareReading();
  // Waits for the batch being written, if any, and confirms its records, or refuses them;
  // a refusal takes reading_ with it when it was prepared on top of the refused batch.
  void FinishCommitting();
  // Starts writing the prepared reading_ and makes it committing_.
  void StartCommitting();
  // After a batch was journaled: counts and logs its deliveries and withholdings, confirms.
  void Journaled(Batch& batch, Clock::time_point committed);
  // Refuses every record of `batch` (the store could not take it) and keeps its acks for
  // the next commit; rolls back what it taught the registry. Restoring the audit chain is
  // the caller's.
  void RefuseBatch(Batch& batch, const Status& status);
  // Answers the involvement queries read since the last pass, after that pass's records
  // taught the registry, so that a query sees every record its asker had confirmed.
  void AnswerInvolvementQueries();
  // POST /admin/involvement (hubctl involvement).
  admin::AdminResponse AnswerAdminInvolvement(const admin::AdminRequest& request);
  // Confirms the committed `publishes`: one ConfirmBatch per connection that reads them.
  void SendConfirms(const std::vector<PendingPublish>& publishes);
  void CheckTimers();
  // Refreshes the metrics' gauges from the store and the sessions, before each scrape.
  void CollectGauges();
  // The agencies that have a session now.
  std::set<std::string> ConnectedAgencies() const;
  // GET /admin/overview's document (overview.h).
  Result<nlohmann::json> BuildOverview() const;
  // Refuses a published record and counts the refusal against `source`.
  void RejectRecord(const std::string& routing_id, const std::string& source, uint64_t sequence,
                    const std::string& record_id, const Status& status);
  // Retention: drops payloads delivered more than retention_hours ago.
  void PurgeExpiredPayloads(Clock::time_point now);
  // Appends `entry` to the audit log now; logs when it cannot.
  void Audit(audit_log::v1::Entry entry);
  // Appends the entries audit_pending_ holds, in one durable write.
  void FlushAudit();
  void LogAuditHead() const;
  void DropSession(const std::string& routing_id, const char* why);
  void Reject(const std::string& routing_id, uint64_t sequence, const std::string& record_id,
              const Status& status);
  // False when the peer is gone or cannot take more now.
  bool Send(const std::string& routing_id, const v1::Frame& frame);
  bool SendBytes(const std::string& routing_id, std::string_view bytes);

  config::HubConfig config_;
  std::shared_ptr<const router::RuleSet> rules_;
  std::unique_ptr<store::Store> store_;
  // Consent and relationships, learned from journaled records; what the router asks.
  std::unique_ptr<registry::Registry> registry_;
  zmq::context_t context_;
  zmq::socket_t socket_;
  // Authenticates the socket's peers; goes before the socket and context it serves.
  std::unique_ptr<security::ZapHandler> zap_;

  std::unordered_map<std::string, Session> sessions_;            // by routing id
  HubMetrics metrics_;
  std::unique_ptr<audit::AuditChain> audit_;
  // The audit log verified whole at start (gallery_audit_chain_intact).
  bool audit_intact_ = true;
  Overview overview_;
  Clock::time_point next_overview_sample_;
  // Events audited with the next write (refused records: one sync for many).
  std::vector<audit_log::v1::Entry> audit_pending_;
  Clock::time_point next_head_log_;
  DeliveryQueues queues_;
  std::unique_ptr<admin::AdminServer> admin_;
  // The batch being read off the socket, and the one the store is writing (empty when
  // none is): they trade places at each commit's start.
  std::unique_ptr<Batch> reading_;
  std::unique_ptr<Batch> committing_;
  std::unique_ptr<Batch> spare_;  // the last batch committed, cleared, to read into next
  OutgoingFrame confirm_frame_;  // reused for every confirm sent
  // Involvement queries waiting for the pass's commit: routing id, query id, the query.
  struct PendingQuery {
    std::string routing_id;
    uint64_t query_id = 0;
    InvolvementAsked asked;
  };
  std::vector<PendingQuery> involvement_queries_;
  std::vector<std::string> closed_;  // routing ids found gone while sending
  // Per connection, the lowest sequence refused by a failed commit: later ones are refused
  // until it comes again.
  std::unordered_map<std::string, uint64_t> resend_awaited_;
  Clock::time_point last_commit_error_log_;
  Clock::time_point last_timer_check_;
  // The first purge waits one interval, so that a restart serves its backlog first.
  Clock::time_point next_purge_;
};

}  // namespace gallery::server
