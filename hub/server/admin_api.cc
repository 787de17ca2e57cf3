#include "hub/server/admin_api.h"

#include <charconv>

#include <google/protobuf/util/json_util.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "gallery/v1/record.pb.h"
#include "hub/admin/dashboard_assets.h"
#include "hub/common/iso8601.h"

namespace gallery::server {
namespace {

using nlohmann::json;

constexpr std::string_view kDeadLetters = "/admin/deadletters";
constexpr std::string_view kOverview = "/admin/overview";
constexpr std::string_view kRules = "/admin/rules";
constexpr std::string_view kRulesReload = "/admin/rules/reload";

admin::AdminResponse Json(int status, const json& body) { return {status, body.dump()}; }

admin::AdminResponse Error(const Status& status) {
  const int http = status.code() == Code::kNotFound          ? 404
                   : status.code() == Code::kInvalidArgument ? 400
                                                             : 503;
  return Json(http, {{"error", status.message()}});
}

json LetterJson(const store::DeadLetter& letter) {
  return {{"id", letter.id},
          {"record_id", letter.record_id},
          {"source_agency", letter.source_agency},
          {"record_type", letter.record_type},
          {"recipient", letter.recipient},
          {"delivery_id", letter.delivery_id},
          {"attempts", letter.attempts},
          {"reason", letter.reason},
          {"at", Iso8601Utc(letter.at_us)}};
}

// "/admin/deadletters/12/retry" -> id 12, action "retry".
bool ParseLetterPath(std::string_view path, uint64_t& id, std::string_view& action) {
  if (!path.starts_with(kDeadLetters) || path.size() <= kDeadLetters.size() + 1 ||
      path[kDeadLetters.size()] != '/') {
    return false;
  }
  std::string_view rest = path.substr(kDeadLetters.size() + 1);
  const auto slash = rest.find('/');
  const std::string_view number = rest.substr(0, slash);
  action = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), id);
  return error == std::errc() && end == number.data() + number.size();
}

admin::AdminResponse ShowLetter(store::Store& store, uint64_t id, bool with_contents) {
  auto letter = store.GetDeadLetter(id, with_contents);
  if (!letter.ok()) return Error(letter.status());
  json body = LetterJson(*letter);
  if (with_contents) {
    v1::Record record;
    std::string record_json;
    google::protobuf::util::JsonPrintOptions options;
    options.preserve_proto_field_names = true;
    if (record.ParseFromString(letter->payload) &&
        google::protobuf::util::MessageToJsonString(record, &record_json, options).ok()) {
      body["record"] = json::parse(record_json);
    } else {
      body["record"] = nullptr;
    }
    spdlog::info("admin: dead letter {} shown with its contents (record {} to {})", id,
                 letter->record_id, letter->recipient);
  }
  return Json(200, body);
}

json RuleSetJson(const router::RuleSet& rules) {
  json protocols = json::array();
  for (const router::Protocol& protocol : rules.protocols()) {
    protocols.push_back({{"name", protocol.name},
                         {"version", protocol.version},
                         {"approved", protocol.approved},
                         {"review_by", protocol.review_by},
                         {"purpose", protocol.purpose}});
  }
  return {{"hash", rules.content_hash()},
          {"rules", rules.rules().size()},
          {"protocols", protocols}};
}

admin::AdminResponse HandleRules(const admin::AdminRequest& request, const RulesControl& rules) {
  if (request.path == kRules) {
    if (request.method != "GET") return Json(405, {{"error", "use GET"}});
    return Json(200, RuleSetJson(*rules.current()));
  }
  if (request.method != "POST") return Json(405, {{"error", "use POST"}});
  const std::string previous = rules.current()->content_hash();
  auto loaded = rules.reload("admin API");
  if (!loaded.ok()) {
    // Held here: status() returns a copy, which must outlive the views into its message.
    const Status refused = loaded.status();
    json errors = json::array();
    for (std::string_view rest = refused.message(); !rest.empty();) {
      const auto end = rest.find('\n');
      errors.push_back(std::string(rest.substr(0, end)));
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    }
    return Json(refused.code() == Code::kInvalidArgument ? 422 : 503,
                {{"error", "rule set refused; the running set stays in force"},
                 {"running", previous},
                 {"errors", errors}});
  }
  json body = RuleSetJson(**loaded);
  body["previous"] = previous;
  return Json(200, body);
}

}  // namespace

admin::AdminResponse HandleAdminRequest(const admin::AdminRequest& request, store::Store& store,
                                        DeliveryQueues& queues, HubMetrics& metrics,
                                        const RulesControl& rules,
                                        const std::function<Result<json>()>& overview) {
  if (request.path == kRules || request.path == kRulesReload) return HandleRules(request, rules);
  if (auto asset = admin::FindDashboardAsset(request.path)) {
    if (request.method != "GET") return Json(405, {{"error", "use GET"}});
    return {200, std::string(asset->body), std::string(asset->content_type)};
  }
  if (request.path == "/healthz") return {200, "ok\n", "text/plain"};
  if (request.path == "/readyz") {
    // The admin server starts once the endpoint is bound and the rules are loaded; what can
    // fail while the hub runs is the store (a database server gone, a disk failing).
    if (auto counts = store.PendingCounts(); !counts.ok()) {
      return {503, "store unavailable: " + counts.status().message() + "\n", "text/plain"};
    }
    return {200, "ready\n", "text/plain"};
  }
  if (request.path == "/metrics") {
    return {200, metrics.registry().Render(), "text/plain; version=0.0.4; charset=utf-8"};
  }
  if (request.path == kOverview) {
    if (request.method != "GET") return Json(405, {{"error", "use GET"}});
    auto document = overview();
    if (!document.ok()) return Error(document.status());
    return Json(200, *document);
  }
  if (request.path == kDeadLetters) {
    if (request.method != "GET") return Json(405, {{"error", "use GET"}});
    auto letters = store.DeadLetters();
    if (!letters.ok()) return Error(letters.status());
    json list = json::array();
    for (const auto& letter : *letters) list.push_back(LetterJson(letter));
    return Json(200, list);
  }
  uint64_t id = 0;
  std::string_view action;
  if (!ParseLetterPath(request.path, id, action)) return Json(404, {{"error", "no such resource"}});

  if (action.empty()) {
    if (request.method != "GET") return Json(405, {{"error", "use GET"}});
    return ShowLetter(store, id, request.query == "contents=true");
  }
  if (request.method != "POST") return Json(405, {{"error", "use POST"}});
  if (action == "retry") {
    auto letter = store.GetDeadLetter(id, false);
    if (!letter.ok()) return Error(letter.status());
    auto delivery_id = store.RetryDeadLetter(id);
    if (!delivery_id.ok()) return Error(delivery_id.status());
    queues.Queued(letter->recipient);
    spdlog::info("admin: dead letter {} retried: record {} requeued to {} as delivery {}", id,
                 letter->record_id, letter->recipient, *delivery_id);
    return Json(200, {{"id", id}, {"recipient", letter->recipient}, {"delivery_id", *delivery_id}});
  }
  if (action == "drop") {
    auto letter = store.GetDeadLetter(id, false);
    if (!letter.ok()) return Error(letter.status());
    if (Status dropped = store.DropDeadLetter(id); !dropped.ok()) return Error(dropped);
    spdlog::info("admin: dead letter {} dropped: record {} will not reach {}", id,
                 letter->record_id, letter->recipient);
    return Json(200, {{"id", id}, {"dropped", true}});
  }
  return Json(404, {{"error", "no such action '" + std::string(action) + "'"}});
}

}  // namespace gallery::server
