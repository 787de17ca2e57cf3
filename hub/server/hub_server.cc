#include "hub/server/hub_server.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <unordered_set>

#include <spdlog/spdlog.h>

#include "hub/audit/audit_events.h"
#include "hub/audit/audit_hash.h"
#include "hub/audit/chain_verify.h"
#include "hub/common/wire_codes.h"
#include "hub/admin/bearer_token.h"
#include "hub/server/admin_api.h"
#include "hub/server/publish_view.h"
#include "hub/server/secure_endpoint.h"
#include "hub/common/now_micros.h"

namespace gallery::server {
namespace {

constexpr uint32_t kProtocolVersion = 1;
// Frames taken off the socket before committing them as one durable batch: large enough
// to amortise the fsync, small enough to keep confirm latency low.
constexpr int kMaxBatch = 2048;
// Batches of fewer records are committed and confirmed within their pass; larger ones are
// written while the next is read and routed.
constexpr size_t kPipelinedBatch = 16;
constexpr auto kTimerInterval = std::chrono::milliseconds(100);
constexpr size_t kMaxHeldAcks = 1'000'000;
constexpr auto kPurgeInterval = std::chrono::minutes(1);
// How often the audit chain's head is logged, for checking later that nothing was cut off.
constexpr auto kAuditHeadLogInterval = std::chrono::minutes(5);
// How often /admin/overview's rate window reads the counters.
constexpr auto kOverviewSampleInterval = std::chrono::seconds(1);
// A Frame's first byte when it holds a Publish (field 3, length-delimited).
constexpr char kPublishTag = (3 << 3) | 2;

// Checks the audit log's last entries at start, as `hubctl audit verify` checks the whole
// log, so that a break made while the hub was down shows (gallery_audit_chain_intact,
// GalleryAuditChainBroken). Bounded, so that the start takes the same time however long
// the log grows: a million entries take 6 to 9 s to check (hub/README.md). A
// broken log does not stop the hub: records keep flowing and their entries are chained on.
constexpr uint64_t kAuditEntriesVerifiedAtStart = 50'000;

Result<audit::ChainReport> VerifyAuditAtStart(store::Store& store) {
  const auto started = Clock::now();
  auto report = audit::VerifyChainTail(store, kAuditEntriesVerifiedAtStart);
  if (!report.ok()) return report.status();
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  if (report->broken) {
    spdlog::error("audit log broken at entry {}: {} (checked in {:.2f} s)",
                  report->broken->seq, report->broken->what, seconds);
  } else {
    spdlog::info("audit log verified: its last {} of {} entries intact in {:.2f} s",
                 std::min(report->length, kAuditEntriesVerifiedAtStart), report->length, seconds);
  }
  return report;
}

}  // namespace

Result<std::unique_ptr<HubServer>> HubServer::Create(config::HubConfig config,
                                                     std::shared_ptr<const router::RuleSet> rules,
                                                     std::unique_ptr<store::Store> store) {
  zmq::context_t context;
  zmq::socket_t socket(context, zmq::socket_type::router);
  try {
    socket.set(zmq::sockopt::linger, 0);
    // Report unroutable peers instead of dropping silently, so dead sessions are noticed.
    socket.set(zmq::sockopt::router_mandatory, 1);
    socket.set(zmq::sockopt::sndhwm, 100000);
    socket.set(zmq::sockopt::rcvhwm, 100000);
    // A frame somewhat over max_frame_bytes is answered with a Reject naming the limit
    // (HandleMessage); one over twice the limit is cut off by ZeroMQ while it arrives,
    // dropping that connection, so no peer can make the hub buffer more.
    socket.set(zmq::sockopt::maxmsgsize, 2 * static_cast<int64_t>(config.max_frame_bytes));
  } catch (const zmq::error_t& e) {
    return Unavailable("cannot set up " + config.endpoint + ": " + e.what());
  }
  // The store has recovered when opened: its facts are every commit that was confirmed.
  auto registry = registry::Registry::Load(*store, config.agencies);
  if (!registry.ok()) return registry.status();
  spdlog::info("registry: {} subjects from {} facts", (*registry)->subject_count(),
               (*registry)->fact_count());
  auto audit_head = audit::LoadHead(*store);
  if (!audit_head.ok()) return audit_head.status();
  auto audit_report = VerifyAuditAtStart(*store);
  if (!audit_report.ok()) return audit_report.status();
  auto pseudonym = audit::SubjectPseudonym::Open(config.audit_subject_key_file, /*create=*/true);
  if (!pseudonym.ok()) return pseudonym.status();
  const std::string admin_listen = config.admin_listen;
  std::string admin_token;
  if (!config.admin_token_file.empty()) {
    auto token = admin::ReadTokenFile(config.admin_token_file);
    if (!token.ok()) return token.status();
    admin_token = std::move(token).value();
  }
  std::unique_ptr<HubServer> server(new HubServer(std::move(config), std::move(rules),
                                                  std::move(store), std::move(registry).value(),
                                                  std::move(context), std::move(socket)));
  HubServer* hub = server.get();
  hub->audit_ = std::make_unique<audit::AuditChain>(*hub->store_, std::move(audit_head).value(),
                                                    std::move(pseudonym).value());
  hub->audit_intact_ = !audit_report->broken.has_value();
  GALLERY_RETURN_IF_ERROR(hub->audit_->Append(audit::RuleSetLoaded(*hub->rules_, "start")));
  hub->LogAuditHead();
  hub->next_head_log_ = Clock::now() + kAuditHeadLogInterval;
  hub->queues_.OnDeadLetter(
      [hub](const std::string& recipient, uint64_t delivery_id, const std::string& reason) {
        std::string record_id;
        if (auto letters = hub->store_->DeadLetters(); letters.ok()) {
          for (auto it = letters->rbegin(); it != letters->rend(); ++it) {
            if (it->recipient == recipient && it->delivery_id == delivery_id) {
              record_id = it->record_id;
              break;
            }
          }
        }
        hub->Audit(audit::DeadLettered(record_id, recipient, reason));
      });
  // Bound once the server exists, so that the authentication handler can count refusals.
  auto zap = BindSecureEndpoint(
      hub->context_, hub->socket_, hub->config_,
      [hub](std::string_view reason) { hub->metrics_.AuthRefused(reason); });
  if (!zap.ok()) return zap.status();
  hub->zap_ = std::move(zap).value();
  hub->metrics_.registry().AddCollector([hub] { hub->CollectGauges(); });
  auto admin = admin::AdminServer::Start(admin_listen, [hub](const admin::AdminRequest& request) {
    if (request.path == "/admin/involvement") return hub->AnswerAdminInvolvement(request);
    const RulesControl rules_control{
        [hub] { return hub->rules_; },
        [hub](std::string_view trigger) { return hub->ReloadRules(trigger); }};
    admin::AdminResponse response =
        HandleAdminRequest(request, *hub->store_, hub->queues_, hub->metrics_, rules_control,
                           [hub] { return hub->BuildOverview(); });
    // What changes state, or shows a record's contents, is audited.
    if ((request.method != "GET" && request.method != "HEAD") ||
        request.query.find("contents=true") != std::string::npos) {
      hub->Audit(audit::AdminAction(request.method, request.path, response.status, ""));
    }
    return response;
  }, std::move(admin_token));
  if (!admin.ok()) return admin.status();
  server->admin_ = std::move(admin).value();
  return server;
}

HubServer::HubServer(config::HubConfig config, std::shared_ptr<const router::RuleSet> rules,
                     std::unique_ptr<store::Store> store,
                     std::unique_ptr<registry::Registry> registry, zmq::context_t context,
                     zmq::socket_t socket)
    : config_(std::move(config)),
      rules_(std::move(rules)),
      store_(std::move(store)),
      registry_(std::move(registry)),
      context_(std::move(context)),
      socket_(std::move(socket)),
      overview_(config_, metrics_, Clock::now()),
      next_overview_sample_(Clock::now()),
      queues_(*store_, config_, metrics_,
              [this](const std::string& routing_id, std::string_view bytes) {
                return SendBytes(routing_id, bytes);
              }),
      reading_(std::make_unique<Batch>()),
      last_timer_check_(Clock::now()),
      next_purge_(Clock::now() + kPurgeInterval) {}

std::string HubServer::endpoint() const { return socket_.get(zmq::sockopt::last_endpoint); }

Result<std::shared_ptr<const router::RuleSet>> HubServer::ReloadRules(std::string_view trigger) {
  auto loaded =
      router::RuleSet::LoadDirectory(config_.rules_dir, config_.agencies, config_.yaml_limits);
  const std::string running = rules_->content_hash().substr(0, 12);
  if (!loaded.ok()) {
    metrics_.RuleReload("refused");
    Audit(audit::RuleSetRefused(trigger, rules_->content_hash(), loaded.status().message()));
    spdlog::error("rule set reload ({}) refused, rule set {} stays in force:\n{}", trigger,
                  running, loaded.status().message());
    return loaded.status();
  }
  if ((*loaded)->content_hash() == rules_->content_hash()) {
    metrics_.RuleReload("unchanged");
    spdlog::info("rule set reload ({}): {} unchanged", trigger, running);
    return rules_;
  }
  metrics_.RuleReload("loaded");
  Audit(audit::RuleSetLoaded(**loaded, trigger));
  spdlog::info("rule set reload ({}): rule set {} ({} rules, {} protocols) replaces {}", trigger,
               (*loaded)->content_hash().substr(0, 12), (*loaded)->rules().size(),
               (*loaded)->protocols().size(), running);
  rules_ = *loaded;
  return rules_;
}

Status HubServer::ReloadKeys(std::string_view trigger) {
  auto keys = ReloadAgencyKeys(config_);
  if (!keys.ok()) {
    spdlog::error("agency key reload ({}) refused, the running keys stay:\n{}", trigger,
                  keys.status().message());
    return keys.status();
  }
  zap_->SwapKeys(std::move(keys).value());
  spdlog::info("agency key reload ({}): new keys apply from the next connection", trigger);
  return OkStatus();
}

Status HubServer::Run(const std::atomic<bool>& stop, std::atomic<bool>* reload_rules) {
  spdlog::info("hub {} serving on {} (admin http://{}) with rule set {} ({} rules)",
               config_.hub_id, endpoint(), admin_->address(), rules_->content_hash().substr(0, 12),
               rules_->rules().size());
  int read = 0;
  while (!stop.load()) {
    // After a full batch more is likely waiting: read on without polling. While a commit
    // is being written, read what is there and go on to finish it.
    if (read < kMaxBatch && committing_ == nullptr) {
      zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
      try {
        zmq::poll(&item, 1, kTimerInterval);
      } catch (const zmq::error_t& e) {
        if (e.num() != EINTR) return Internal(std::string("polling the hub socket: ") + e.what());
      }
    }
    auto batch = ReadBatch();
    if (!batch.ok()) return batch.status();
    read = *batch;
    CommitBatch();
    AnswerInvolvementQueries();
    queues_.Fill();
    for (const auto& routing_id : std::exchange(closed_, {})) {
      DropSession(routing_id, "connection closed");
    }
    CheckTimers();
    admin_->RunPending();
    if (reload_rules != nullptr && reload_rules->exchange(false)) {
      (void)ReloadRules("SIGHUP");
      (void)ReloadKeys("SIGHUP");
    }
  }
  CommitBatch();
  FinishCommitting();
  AnswerInvolvementQueries();
  FlushAudit();
  LogAuditHead();
  socket_.set(zmq::sockopt::linger, 2000);
  spdlog::info("hub {} stopped", config_.hub_id);
  return OkStatus();
}

Result<int> HubServer::ReadBatch() {
  int read = 0;
  zmq::message_t identity;
  zmq::message_t payload;
  for (; read < kMaxBatch; ++read) {
    try {
      if (!socket_.recv(identity, zmq::recv_flags::dontwait)) break;
      if (!identity.more() || !socket_.recv(payload, zmq::recv_flags::dontwait)) continue;
      // Drain any extra parts: the protocol has one payload frame per message.
      while (payload.more()) {
        zmq::message_t extra;
        if (!socket_.recv(extra, zmq::recv_flags::dontwait)) break;
        payload = std::move(extra);
      }
    } catch (const zmq::error_t& e) {
      if (e.num() == EINTR) break;
      return Internal(std::string("reading the hub socket: ") + e.what());
    }
    HandleMessage(identity.to_string(), payload);
  }
  return read;
}

void HubServer::HandleMessage(const std::string& routing_id, zmq::message_t& payload) {
  if (payload.size() > config_.max_frame_bytes) {
    Reject(routing_id, 0, "", InvalidArgument("frame of " + std::to_string(payload.size()) +
                                              " bytes exceeds max_frame_bytes (" +
                                              std::to_string(config_.max_frame_bytes) + ")"));
    return;
  }
  // A Publish's record stays on the batch arena until the batch is committed; other frames
  // are handled at once, on the stack.
  v1::Frame local_frame;
  const bool publish = payload.size() > 0 && *payload.data<char>() == kPublishTag;
  v1::Frame& frame =
      publish ? *google::protobuf::Arena::CreateMessage<v1::Frame>(&reading_->arena()) : local_frame;
  if (!frame.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    Reject(routing_id, 0, "", InvalidArgument("malformed frame: not a gallery.v1.Frame"));
    return;
  }
  if (frame.has_hello()) {
    HandleHello(routing_id, frame.hello(), payload);
    return;
  }
  auto it = sessions_.find(routing_id);
  if (it == sessions_.end()) {
    const uint64_t sequence = frame.has_publish() ? frame.publish().sequence() : 0;
    Reject(routing_id, sequence, "", FailedPrecondition("no session: send Hello first"));
    return;
  }
  Session& session = it->second;
  session.last_heard = Clock::now();
  switch (frame.body_case()) {
    case v1::Frame::kPublish:
      HandlePublish(routing_id, session, *frame.mutable_publish(), payload);
      break;
    case v1::Frame::kSubscribe:
      queues_.Subscribe(session.agency, routing_id, frame.subscribe().window(), session.batches);
      break;
    case v1::Frame::kNack:
      queues_.Nack(session.agency, frame.nack().delivery_id(), frame.nack().reason());
      break;
    case v1::Frame::kAck:
      HandleAck(session, frame.ack());
      break;
    case v1::Frame::kHeartbeat:
      Send(routing_id, frame);
      break;
    case v1::Frame::kInvolvementQuery: {
      const v1::InvolvementQuery& query = frame.involvement_query();
      involvement_queries_.push_back(
          {routing_id, query.query_id(),
           {session.agency, involvement::QuerySubjectKey(session.agency, query), query.purpose()}});
      break;
    }
    default:
      Reject(routing_id, 0, "", InvalidArgument("frame type not accepted from agencies"));
  }
}

void HubServer::HandleHello(const std::string& routing_id, const v1::Hello& hello,
                            const zmq::message_t& payload) {
  if (hello.protocol_version() != kProtocolVersion) {
    Reject(routing_id, 0, "",
           InvalidArgument("protocol_version " + std::to_string(hello.protocol_version()) +
                           " not supported (this hub speaks 1)"));
    return;
  }
  // Under CURVE the session's agency is the one whose key the connection authenticated
  // with (the ZAP handler's User-Id), never the one a Hello names.
  const char* user_id = zmq_msg_gets(payload.handle(), "User-Id");
  const std::string authenticated = user_id != nullptr ? user_id : "";
  if (!config_.security.allow_plaintext && hello.agency() != authenticated) {
    metrics_.AuthRefused("agency_mismatch");
    spdlog::warn("refused session: Hello names agency '{}', the connection's key is agency '{}'",
                 hello.agency(), authenticated);
    Reject(routing_id, 0, "",
           Unauthenticated("Hello names agency '" + hello.agency() +
                           "' but this connection's key belongs to agency '" + authenticated + "'"));
    return;
  }
  if (config_.FindAgency(hello.agency()) == nullptr) {
    spdlog::warn("refused session from unknown agency '{}'", hello.agency());
    Reject(routing_id, 0, "", Unauthenticated("unknown agency '" + hello.agency() + "'"));
    return;
  }
  sessions_[routing_id] = Session{hello.agency(), Clock::now(), hello.accepts_batches()};
  spdlog::info("agency {} connected ({})", hello.agency(), hello.client_name());
  v1::Frame frame;
  auto* welcome = frame.mutable_welcome();
  welcome->set_hub_id(config_.hub_id);
  welcome->set_heartbeat_interval_ms(config_.heartbeat_interval_ms);
  welcome->set_session_timeout_ms(config_.session_timeout_ms);
  welcome->set_max_frame_bytes(config_.max_frame_bytes);
  welcome->set_sends_batches(hello.accepts_batches());
  Send(routing_id, frame);
}

void HubServer::HandlePublish(const std::string& routing_id, Session& session,
                              v1::Publish& publish, zmq::message_t& payload) {
  v1::Record* record = publish.mutable_record();
  metrics_.RecordReceived(session.agency);
  // The bytes as sent stand for the record unless the hub fills in its source (below), or
  // it carries a received_at of its own, which the hub's replaces.
  std::optional<std::string_view> record_bytes;
  if (!record->source_agency().empty() && !record->has_received_at()) {
    record_bytes = PublishedRecordBytes(
        std::string_view(payload.data<char>(), payload.size()));
  }
  // After a refused commit, a connection's later records wait for the refused ones to
  // come again, so that a publisher's records are journaled in the order it sent them.
  if (auto blocked = resend_awaited_.find(routing_id); blocked != resend_awaited_.end()) {
    if (publish.sequence() > blocked->second) {
      RejectRecord(routing_id, session.agency, publish.sequence(), record->record_id(),
             Unavailable("an earlier record from this connection was refused for now; resend "
                         "from it, in order"));
      return;
    }
    if (publish.sequence() == blocked->second) resend_awaited_.erase(blocked);
  }
  if (Status status = CheckPublishedRecord(*record, session.agency, config_.record_limits);
      !status.ok()) {
    spdlog::info("rejected record {} from {}: {}", record->record_id(), session.agency,
                 status.message());
    RejectRecord(routing_id, session.agency, publish.sequence(), record->record_id(), status);
    return;
  }
  reading_->publishes.push_back(
      {routing_id, publish.sequence(), record, {}, false, Clock::now(), {}});
  if (record_bytes) {
    reading_->publishes.back().record_bytes = *record_bytes;
    reading_->held.push_back(std::move(payload));  // the bytes stay where they are
  }
}

void HubServer::HandleAck(Session& session, const v1::Ack& ack) {
  for (uint64_t id : ack.delivery_ids()) {
    reading_->acks.push_back({session.agency, id});
    queues_.Ack(session.agency, id);
  }
}

void HubServer::CommitBatch() {
  if (!audit_pending_.empty()) {
    // Events before the batch are chained before it, after the batch being written.
    FinishCommitting();
    FlushAudit();
  }
  const bool prepared = PrepareReading();
  FinishCommitting();
  if (prepared && reading_->prepared) {
    // A small batch means little traffic: nothing to read meanwhile, so it is confirmed
    // at once (the journal writes small commits on this thread anyway).
    const bool small = reading_->publishes.size() < kPipelinedBatch;
    StartCommitting();
    if (small) FinishCommitting();
  } else if (reading_->empty()) {
    reading_->Clear();  // frames refused on arrival leave nothing on its arena
  }
}

bool HubServer::PrepareReading() {
  Batch& batch = *reading_;
  if (batch.empty()) return false;
  // What the batch teaches the registry, and its audit entries, stand only if the batch is
  // journaled.
  registry_->BeginBatch();
  batch.audit_before = audit_->head();
  auto records = PrepareBatch(batch.publishes, *rules_, *registry_, *store_, NowMicros(), *audit_);
  if (!records.ok()) {
    registry_->RollbackBatch();  // not yet prepared: RefuseBatch leaves the registry alone
    RefuseBatch(batch, records.status());
    audit_->Restore(batch.audit_before);
    return false;
  }
  batch.records = std::move(records).value();
  batch.prepared = true;
  return true;
}

void HubServer::StartCommitting() {
  Batch& batch = *reading_;
  batch.commit_started = Clock::now();
  if (Status status = store_->StartCommit(batch.records, batch.acks, rules_->content_hash());
      !status.ok()) {
    metrics_.StoreCommit(std::chrono::duration<double>(Clock::now() - batch.commit_started).count(),
                         false);
    RefuseBatch(batch, status);
    audit_->Restore(batch.audit_before);
    return;
  }
  committing_ = std::move(reading_);
  reading_ = spare_ != nullptr ? std::move(spare_) : std::make_unique<Batch>();
}

void HubServer::FinishCommitting() {
  if (committing_ == nullptr) return;
  Batch& batch = *committing_;
  const Status status = store_->FinishCommit();
  const auto committed = Clock::now();
  metrics_.StoreCommit(std::chrono::duration<double>(committed - batch.commit_started).count(),
                       status.ok());
  if (status.ok()) {
    registry_->CommitBatch();
    Journaled(batch, committed);
  } else {
    // A batch prepared meanwhile was routed on what this one taught: it goes too, newest
    // first, and the chain goes back to before this one.
    if (reading_->prepared) RefuseBatch(*reading_, status);
    RefuseBatch(batch, status);
    audit_->Restore(batch.audit_before);
    // Their acks wait for the next commit.
    reading_->acks.insert(reading_->acks.end(), batch.acks.begin(), batch.acks.end());
    if (reading_->acks.size() > kMaxHeldAcks) reading_->acks.clear();
  }
  batch.Clear();
  spare_ = std::move(committing_);  // read into next: its arena's block is there already
}

void HubServer::RefuseBatch(Batch& batch, const Status& status) {
  if (batch.prepared) registry_->RollbackBatch();
  // While the disk stays full, commits of acks alone fail every pass: log those rarely.
  const auto now = Clock::now();
  if (!batch.publishes.empty() || now - last_commit_error_log_ > std::chrono::seconds(10)) {
    last_commit_error_log_ = now;
    spdlog::error("journal commit failed, {} records refused: {}", batch.publishes.size(),
                  status.ToString());
  }
  for (const auto& publish : batch.publishes) {
    RejectRecord(publish.routing_id, publish.record->source_agency(), publish.sequence,
                 publish.record->record_id(),
                 Unavailable("the hub cannot store records now; retry later"));
    auto [it, inserted] = resend_awaited_.emplace(publish.routing_id, publish.sequence);
    if (!inserted) it->second = std::min(it->second, publish.sequence);
  }
  batch.publishes.clear();
  batch.records.clear();
  batch.prepared = false;
}

void HubServer::Journaled(Batch& batch, Clock::time_point committed) {
  for (const auto& record : batch.records) {
    spdlog::debug("record {} from {} journaled: {} deliveries, {} withheld", record.record_id,
                  record.source_agency, record.deliveries.size(), record.withholdings.size());
    for (const auto& delivery : record.deliveries) {
      queues_.Queued(delivery.recipient);
      metrics_.DeliveryJournaled(record.source_agency, delivery.recipient);
      for (const auto& [rule, consent] : delivery.consent_overrides) {
        metrics_.ConsentOverride(delivery.recipient, rule);
        spdlog::warn("record {} from {} disclosed to {} under consent override rule {} "
                     "(consent state: {})",
                     record.record_id, record.source_agency, delivery.recipient, rule, consent);
      }
    }
    for (const auto& withholding : record.withholdings) {
      metrics_.Withheld(record.source_agency, withholding.agency, std::string(withholding.kind));
    }
  }
  for (const auto& publish : batch.publishes) {
    if (!publish.refusal.ok()) {
      spdlog::info("rejected record {} from {}: {}", publish.record->record_id(),
                   publish.record->source_agency(), publish.refusal.message());
      RejectRecord(publish.routing_id, publish.record->source_agency(), publish.sequence,
                   publish.record->record_id(), publish.refusal);
      continue;
    }
    metrics_.RecordConfirmed(publish.record->source_agency(), publish.duplicate,
                             std::chrono::duration<double>(committed - publish.arrived).count());
  }
  SendConfirms(batch.publishes);
}

void HubServer::AnswerInvolvementQueries() {
  if (involvement_queries_.empty()) return;
  FinishCommitting();  // their audit entries follow the batch's
  FlushAudit();  // events before the queries are chained before them
  std::vector<InvolvementAsked> asked;
  asked.reserve(involvement_queries_.size());
  for (auto& query : involvement_queries_) asked.push_back(std::move(query.asked));
  const auto replies = AnswerInvolvement({*rules_, *registry_, *audit_, *store_, metrics_},
                                         asked, "wire");
  for (size_t i = 0; i < replies.size(); ++i) {
    Send(involvement_queries_[i].routing_id,
         InvolvementAnswerFrame(involvement_queries_[i].query_id, replies[i]));
  }
  involvement_queries_.clear();
}

admin::AdminResponse HubServer::AnswerAdminInvolvement(const admin::AdminRequest& request) {
  if (request.method != "POST") {
    return {405, R"({"error":"POST /admin/involvement?subject=ID&as=AGENCY&purpose=P"})"};
  }
  auto asked = ParseAdminInvolvement(request.query);
  if (!asked.ok()) return {400, nlohmann::json{{"error", asked.status().message()}}.dump()};
  if (config_.FindAgency(asked->asker) == nullptr) {
    return {400, nlohmann::json{{"error", "unknown agency '" + asked->asker + "'"}}.dump()};
  }
  FinishCommitting();
  FlushAudit();
  const auto replies = AnswerInvolvement({*rules_, *registry_, *audit_, *store_, metrics_},
                                         std::span(&*asked, 1), "admin API");
  const InvolvementReply& reply = replies.front();
  return {reply.status.code() == Code::kUnavailable ? 503 : 200,
          InvolvementReplyJson(reply).dump()};
}

void HubServer::SendConfirms(const std::vector<PendingPublish>& publishes) {
  // Each connection's confirms leave in journal order. A connection that reads batches
  // gets all of its confirms in one frame, built at its first record in the batch.
  std::unordered_set<std::string_view> batched;
  for (size_t i = 0; i < publishes.size(); ++i) {
    const PendingPublish& first = publishes[i];
    if (!first.refusal.ok()) continue;  // rejected instead
    auto session = sessions_.find(first.routing_id);
    if (session == sessions_.end() || !session->second.batches) {
      confirm_frame_.Start(OutgoingFrame::Kind::kConfirm, false);
      confirm_frame_.AddConfirm(first.sequence, first.record->record_id(), first.duplicate);
      SendBytes(first.routing_id, confirm_frame_.Finish());
      continue;
    }
    if (!batched.insert(first.routing_id).second) continue;
    confirm_frame_.Start(OutgoingFrame::Kind::kConfirm, true);
    for (size_t j = i; j < publishes.size(); ++j) {
      const PendingPublish& publish = publishes[j];
      if (publish.routing_id != first.routing_id || !publish.refusal.ok()) continue;
      confirm_frame_.AddConfirm(publish.sequence, publish.record->record_id(), publish.duplicate);
    }
    SendBytes(first.routing_id, confirm_frame_.Finish());
  }
}

void HubServer::CheckTimers() {
  const auto now = Clock::now();
  if (now - last_timer_check_ < kTimerInterval) return;
  last_timer_check_ = now;

  const auto session_timeout = std::chrono::milliseconds(config_.session_timeout_ms);
  std::vector<std::string> silent;
  for (const auto& [routing_id, session] : sessions_) {
    if (now - session.last_heard > session_timeout) silent.push_back(routing_id);
  }
  for (const auto& routing_id : silent) DropSession(routing_id, "went silent");

  queues_.CheckTimers(now);
  if (now >= next_overview_sample_) {
    next_overview_sample_ = now + kOverviewSampleInterval;
    overview_.Sample(now, ConnectedAgencies());
  }
  if (now >= next_purge_) PurgeExpiredPayloads(now);
  if (now >= next_head_log_) {
    next_head_log_ = now + kAuditHeadLogInterval;
    LogAuditHead();
  }
}

void HubServer::PurgeExpiredPayloads(Clock::time_point now) {
  next_purge_ = now + kPurgeInterval;
  const int64_t window_us = int64_t{config_.retention_hours} * 3600 * 1'000'000;
  FinishCommitting();  // the purge's audit entry follows the batch's
  FlushAudit();
  const audit::ChainHead audit_head = audit_->head();
  auto purged = store_->PurgePayloads(
      NowMicros() - window_us, [this](const std::vector<std::string>& record_ids) {
        audit_log::v1::Entry entry = audit::Purge(record_ids);
        return audit_->Seal(entry);
      });
  if (!purged.ok()) {
    // The purge's entry may be stored even so (the journal commits it before rewriting
    // segments): the store says where the chain now ends.
    auto stored_head = audit::LoadHead(*store_);
    audit_->Restore(stored_head.ok() ? std::move(stored_head).value() : audit_head);
    spdlog::error("retention purge failed: {}", purged.status().ToString());
    return;
  }
  metrics_.PayloadsPurged(*purged);
  if (*purged > 0) {
    spdlog::info("retention: purged the payloads of {} records delivered over {} h ago", *purged,
                 config_.retention_hours);
  }
}

void HubServer::CollectGauges() {
  if (auto counts = store_->PendingCounts(); counts.ok()) {
    metrics_.queue_depth().Clear();
    for (const auto& agency : config_.agencies) metrics_.queue_depth().WithLabels({agency.id}).Set(0);
    for (const auto& [recipient, count] : *counts) {
      metrics_.queue_depth().WithLabels({recipient}).Set(static_cast<double>(count));
    }
  }
  if (auto letters = store_->DeadLetters(); letters.ok()) {
    metrics_.dead_letters().Clear();
    for (const auto& letter : *letters) metrics_.dead_letters().WithLabels({letter.recipient}).Add(1);
  }
  metrics_.in_flight().Clear();
  for (const auto& [agency, count] : queues_.InFlightCounts()) {
    metrics_.in_flight().WithLabels({agency}).Set(static_cast<double>(count));
  }
  metrics_.connected().Clear();
  for (const auto& agency : config_.agencies) metrics_.connected().WithLabels({agency.id}).Set(0);
  for (const auto& [routing_id, session] : sessions_) {
    metrics_.connected().WithLabels({session.agency}).Set(1);
  }
  metrics_.protocol_review_overdue().Clear();
  const int64_t now_us = NowMicros();
  for (const router::Protocol& protocol : rules_->protocols()) {
    metrics_.protocol_review_overdue()
        .WithLabels({protocol.name})
        .Set(now_us >= protocol.expires_at_us ? 1 : 0);
  }
  metrics_.audit_chain_length().WithLabels({}).Set(static_cast<double>(audit_->head().seq));
  metrics_.audit_chain_intact().WithLabels({}).Set(audit_intact_ ? 1 : 0);
  metrics_.audit_chain_head().Clear();
  metrics_.audit_chain_head().WithLabels({audit::Hex(audit_->head().hash)}).Set(1);
  metrics_.rule_set().Clear();
  metrics_.rule_set()
      .WithLabels({rules_->content_hash(), std::to_string(rules_->rules().size())})
      .Set(1);
}

std::set<std::string> HubServer::ConnectedAgencies() const {
  std::set<std::string> connected;
  for (const auto& [routing_id, session] : sessions_) connected.insert(session.agency);
  return connected;
}

Result<nlohmann::json> HubServer::BuildOverview() const {
  const HubSnapshot snapshot{rules_, audit_->head().seq, audit_intact_, ConnectedAgencies(),
                             queues_.InFlightCounts()};
  return overview_.Build(*store_, snapshot, Clock::now());
}

void HubServer::RejectRecord(const std::string& routing_id, const std::string& source,
                             uint64_t sequence, const std::string& record_id,
                             const Status& status) {
  metrics_.RecordRejected(source, v1::Code_Name(ToWireCode(status.code())));
  const auto session = sessions_.find(routing_id);
  audit_pending_.push_back(
      audit::RecordRejected(session == sessions_.end() ? source : session->second.agency, source,
                            record_id, v1::Code_Name(ToWireCode(status.code())),
                            status.message()));
  Reject(routing_id, sequence, record_id, status);
}

void HubServer::Audit(audit_log::v1::Entry entry) {
  audit_pending_.push_back(std::move(entry));
  // While a batch is being written its entries may yet be taken back: events wait for the
  // next pass (CommitBatch), whose chain is known.
  if (committing_ == nullptr) FlushAudit();
}

void HubServer::FlushAudit() {
  if (audit_pending_.empty() || committing_ != nullptr) return;
  const audit::ChainHead before = audit_->head();
  std::vector<std::string> sealed;
  sealed.reserve(audit_pending_.size());
  for (auto& entry : audit_pending_) sealed.push_back(audit_->Seal(entry));
  if (Status status = store_->AppendAudit(sealed); !status.ok()) {
    // Only events outside the records' path wait here (refusals, admin, rules): losing them
    // while the store refuses is logged, and keeps the chain whole.
    audit_->Restore(before);
    spdlog::error("audit log: {} entries not written: {}", audit_pending_.size(),
                  status.ToString());
  }
  audit_pending_.clear();
}

void HubServer::LogAuditHead() const {
  spdlog::info("audit log head: entry {} hash {}", audit_->head().seq,
               audit::Hex(audit_->head().hash));
}

void HubServer::DropSession(const std::string& routing_id, const char* why) {
  auto it = sessions_.find(routing_id);
  if (it == sessions_.end()) return;
  const std::string agency = it->second.agency;
  spdlog::info("agency {} disconnected: {}", agency, why);
  queues_.SessionClosed(agency, routing_id);
  resend_awaited_.erase(routing_id);
  sessions_.erase(it);
}

void HubServer::Reject(const std::string& routing_id, uint64_t sequence,
                       const std::string& record_id, const Status& status) {
  v1::Frame frame;
  auto* reject = frame.mutable_reject();
  reject->set_sequence(sequence);
  reject->set_record_id(record_id);
  reject->set_code(ToWireCode(status.code()));
  reject->set_reason(status.message());
  Send(routing_id, frame);
}

bool HubServer::Send(const std::string& routing_id, const v1::Frame& frame) {
  return SendBytes(routing_id, frame.SerializeAsString());
}

bool HubServer::SendBytes(const std::string& routing_id, std::string_view bytes) {
  try {
    if (!socket_.send(zmq::buffer(routing_id), zmq::send_flags::sndmore | zmq::send_flags::dontwait)) {
      return false;
    }
    (void)socket_.send(zmq::buffer(bytes), zmq::send_flags::dontwait);
    return true;
  } catch (const zmq::error_t& e) {
    if (e.num() == EHOSTUNREACH) {
      closed_.push_back(routing_id);  // dropped after the current pass over subscriptions
      return false;
    }
    spdlog::warn("sending to a session failed: {}", e.what());
    return false;
  }
}

}  // namespace gallery::server
