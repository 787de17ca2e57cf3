#include "adapters/fhir/request_handler.h"

#include <spdlog/spdlog.h>

#include <memory>
#include <utility>
#include <vector>

#include "adapters/csv/text_util.h"
#include "adapters/fhir/json_body.h"

namespace gallery::fhir {
namespace {

using nlohmann::json;

const char* Reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 409:
      return "Conflict";
    case 422:
      return "Unprocessable Entity";
    case 503:
      return "Service Unavailable";
    default:
      return "";
  }
}

std::string StatusLine(int status) { return std::to_string(status) + " " + Reason(status); }

int SuccessStatus(Method method) { return method == Method::kCreate ? 201 : 200; }

// Media types this endpoint reads: FHIR JSON, plain JSON, or none said (then it must not
// look like XML).
bool IsJsonMediaType(const std::string& content_type, const std::string& body) {
  const std::string type = csv::AsciiLowered(
      csv::TrimBlank(std::string_view(content_type).substr(0, content_type.find(';'))));
  if (type.empty()) return !LooksLikeXml(body);
  return type == "application/fhir+json" || type == "application/json" ||
         type == "application/json+fhir";
}

std::string Printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 80)) out += (c > 0x20 && c < 0x7F) ? c : '?';
  return out;
}

}  // namespace

struct RequestHandler::Pending {
  std::string peer;
  std::string request;  // "POST /Patient", for logs
  Plan plan;
  std::vector<Status> outcomes;  // per entry, once the hub answered
  size_t waiting = 0;
  std::function<void(HttpAnswer)> reply;
};

HttpAnswer RefusalAnswer(const Refusal& refusal, int retry_after_seconds) {
  HttpAnswer answer;
  answer.status = refusal.http_status;
  answer.body = DumpJson(OperationOutcome(refusal.issues));
  if (answer.status == 503) answer.retry_after_seconds = retry_after_seconds;
  return answer;
}

int StatusForHub(const Status& status) {
  switch (status.code()) {
    case Code::kOk:
      return 0;
    case Code::kInvalidArgument:
      return 422;
    case Code::kPermissionDenied:
      return 403;
    case Code::kFailedPrecondition:
      return 409;
    default:
      return 503;
  }
}

void RequestHandler::Handle(const std::string& verb, const std::string& target,
                            const std::string& content_type, const std::string& body,
                            const std::string& peer, std::function<void(HttpAnswer)> reply) {
  const std::string path = target.substr(0, target.find('?'));
  const std::string request = verb + " " + Printable(path);
  auto refuse = [&](const Refusal& refusal) {
    spdlog::warn("{}: {} refused ({}): {}", peer, request, refusal.http_status, refusal.Summary());
    reply(RefusalAnswer(refusal, retry_after_seconds_));
  };
  json parsed;
  if (!body.empty()) {
    if (!IsJsonMediaType(content_type, body)) {
      refuse(Refuse(415, "not-supported", "",
                    "only FHIR JSON (application/fhir+json) is accepted; XML is not"));
      return;
    }
    if (Refusal bad = ParseJsonBody(body, parsed); bad.refused()) {
      refuse(bad);
      return;
    }
  }
  Plan plan = PlanRequest(mapping_.spec(), verb, path,
                          parsed.is_discarded() || parsed.is_null() ? nullptr : &parsed,
                          [this](const std::string& key) -> std::optional<KnownResource> {
                            auto it = known_.find(key);
                            if (it == known_.end()) return std::nullopt;
                            return it->second;
                          });
  if (plan.refusal.refused()) {
    refuse(plan.refusal);
    return;
  }
  auto pending = std::make_shared<Pending>();
  pending->peer = peer;
  pending->request = request;
  pending->plan = std::move(plan);
  pending->reply = std::move(reply);
  Publish(std::move(pending));
}

void RequestHandler::Publish(std::shared_ptr<Pending> pending) {
  Plan& plan = pending->plan;
  pending->outcomes.assign(plan.entries.size(), OkStatus());
  for (const PlannedEntry& entry : plan.entries) pending->waiting += !entry.refusal.refused();
  if (pending->waiting == 0) {
    Finish(*pending);
    return;
  }
  for (size_t i = 0; i < plan.entries.size(); ++i) {
    PlannedEntry& entry = plan.entries[i];
    if (entry.refusal.refused()) continue;
    hub_.Publish(entry.mapped.record, [this, pending, i](const Status& status, bool duplicate) {
      PlannedEntry& e = pending->plan.entries[i];
      pending->outcomes[i] = status;
      if (status.ok()) {
        spdlog::info("{}: {} {}: record {} of agency {} {}", pending->peer, pending->request,
                     e.mapped.key, e.mapped.record.record_id(), mapping_.agency(),
                     duplicate ? "was already at the hub" : "confirmed");
        Remember(e);
      } else {
        spdlog::warn("{}: {} {}: record {}: {}", pending->peer, pending->request, e.mapped.key,
                     e.mapped.record.record_id(), status.ToString());
      }
      if (--pending->waiting == 0) Finish(*pending);
    });
  }
}

void RequestHandler::Remember(const PlannedEntry& entry) {
  const std::string& key = entry.mapped.key;
  if (entry.method == Method::kDelete) {
    known_.erase(key);  // its order entry goes when it reaches the front
    return;
  }
  KnownResource known;
  const v1::Subject& subject = entry.mapped.record.subject();
  known.subject.set_nhs_number(subject.nhs_number());
  *known.subject.mutable_local_ids() = subject.local_ids();
  known.record_type = entry.mapped.record.record_type();
  if (known_.insert_or_assign(key, std::move(known)).second) known_order_.push_back(key);
  while (known_.size() > kMaxKnown && !known_order_.empty()) {
    known_.erase(known_order_.front());
    known_order_.pop_front();
  }
  if (known_order_.size() > 2 * kMaxKnown) {  // keys of deleted resources pile up
    std::deque<std::string> live;
    for (auto& k : known_order_) {
      if (known_.count(k)) live.push_back(std::move(k));
    }
    known_order_.swap(live);
  }
}

void RequestHandler::Finish(Pending& pending) {
  const Plan& plan = pending.plan;
  HttpAnswer answer;
  auto hub_issue = [&](size_t i) {
    const Status& s = pending.outcomes[i];
    const int code = StatusForHub(s);
    Issue issue;
    issue.code = code == 503 ? "transient" : code == 403 ? "forbidden" : "processing";
    issue.expression = plan.kind == RequestKind::kSingle ? "" : plan.entries[i].expression;
    issue.diagnostics =
        code == 503 ? "the hub is unavailable; send the request again later (" + s.message() + ")"
                    : "refused by the hub: " + s.ToString();
    return issue;
  };
  if (plan.kind != RequestKind::kBatch) {
    // A single resource or a transaction: success only when every record is confirmed.
    Refusal failed;
    for (size_t i = 0; i < plan.entries.size(); ++i) {
      if (int code = StatusForHub(pending.outcomes[i]); code != 0) {
        const Issue issue = hub_issue(i);
        // 503 wins: the client's retry of the whole request is then the right move.
        if (failed.http_status != 503) failed.http_status = code;
        failed.issues.push_back(issue);
      }
    }
    if (failed.refused()) {
      pending.reply(RefusalAnswer(failed, retry_after_seconds_));
      return;
    }
  }
  if (plan.kind == RequestKind::kSingle) {
    const PlannedEntry& entry = plan.entries.front();
    answer.status = SuccessStatus(entry.method);
    answer.location = entry.mapped.key;
    answer.body = DumpJson(OperationOutcome(
        {Issue{"information", "informational", "",
               "stored at the hub as record " + entry.mapped.record.record_id()}}));
    pending.reply(std::move(answer));
    return;
  }
  json bundle = {
      {"resourceType", "Bundle"},
      {"type", plan.kind == RequestKind::kTransaction ? "transaction-response" : "batch-response"},
      {"entry", json::array()}};
  for (size_t i = 0; i < plan.entries.size(); ++i) {
    const PlannedEntry& entry = plan.entries[i];
    json response;
    if (entry.refusal.refused()) {
      response = {{"status", StatusLine(entry.refusal.http_status)},
                  {"outcome", OperationOutcome(entry.refusal.issues)}};
    } else if (int code = StatusForHub(pending.outcomes[i]); code != 0) {
      response = {{"status", StatusLine(code)}, {"outcome", OperationOutcome({hub_issue(i)})}};
    } else {
      response = {{"status", StatusLine(SuccessStatus(entry.method))},
                  {"location", entry.mapped.key}};
    }
    bundle["entry"].push_back({{"response", std::move(response)}});
  }
  answer.status = 200;
  answer.body = DumpJson(bundle);
  pending.reply(std::move(answer));
}

}  // namespace gallery::fhir
