#include "hub/server/involvement_desk.h"


#include <spdlog/spdlog.h>

#include "hub/common/iso8601.h"
#include "hub/common/now_micros.h"
#include "hub/common/wire_codes.h"
#include "hub/involvement/involvement_audit.h"

namespace gallery::server {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecoded(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
               HexValue(text[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

std::vector<InvolvementReply> AnswerInvolvement(const InvolvementContext& hub,
                                                std::span<const InvolvementAsked> queries,
                                                std::string_view channel) {
  std::vector<InvolvementReply> replies;
  std::vector<audit_log::v1::Entry> entries;
  replies.reserve(queries.size());
  entries.reserve(queries.size());
  const int64_t now_us = NowMicros();
  for (const InvolvementAsked& query : queries) {
    InvolvementReply reply;
    std::string pseudonym;
    if (!query.subject_key.ok()) {
      reply.answer.outcome = involvement::Outcome::kInvalid;
      reply.answer.reason = query.subject_key.status().message();
    } else {
      pseudonym = hub.audit.pseudonym().Of(*query.subject_key);
      reply.answer = involvement::Decide(hub.rules, hub.registry.History(*query.subject_key),
                                         query.asker, query.purpose, now_us);
    }
    reply.status = reply.answer.status();
    entries.push_back(involvement::InvolvementAuditEntry(query.asker, std::move(pseudonym),
                                                         query.purpose, channel,
                                                         hub.rules.content_hash(), reply.answer));
    replies.push_back(std::move(reply));
  }
  const audit::ChainHead before = hub.audit.head();
  std::vector<std::string> sealed;
  sealed.reserve(entries.size());
  for (auto& entry : entries) sealed.push_back(hub.audit.Seal(entry));
  const Status written = hub.store.AppendAudit(sealed);
  if (!written.ok()) {
    hub.audit.Restore(before);
    spdlog::error("audit log: {} involvement queries refused, not audited: {}", queries.size(),
                  written.ToString());
  }
  for (size_t i = 0; i < replies.size(); ++i) {
    InvolvementReply& reply = replies[i];
    const std::string& asker = queries[i].asker;
    if (!written.ok()) {
      reply.status = Unavailable("the hub cannot audit the query now; retry later");
      reply.answer.disclosed.clear();
      hub.metrics.InvolvementQuery(asker, "unavailable");
      continue;
    }
    reply.audit_seq = entries[i].seq();
    hub.metrics.InvolvementQuery(asker, involvement::OutcomeName(reply.answer.outcome));
    if (reply.answer.outcome == involvement::Outcome::kNoRelationship) {
      spdlog::warn("involvement query ({}) from {} for {} refused: it has no relationship with "
                   "the person (audit entry {})",
                   channel, asker, queries[i].purpose, reply.audit_seq);
    } else {
      spdlog::info("involvement query ({}) from {} for {}: {}, {} agencies disclosed, {} withheld "
                   "(audit entry {})",
                   channel, asker, queries[i].purpose,
                   involvement::OutcomeName(reply.answer.outcome), reply.answer.disclosed.size(),
                   reply.answer.withheld.size(), reply.audit_seq);
    }
  }
  return replies;
}

v1::Frame InvolvementAnswerFrame(uint64_t query_id, const InvolvementReply& reply) {
  v1::Frame frame;
  auto* answer = frame.mutable_involvement_answer();
  answer->set_query_id(query_id);
  if (!reply.status.ok()) {
    answer->set_code(ToWireCode(reply.status.code()));
    answer->set_reason(reply.status.message());
    return frame;
  }
  for (const involvement::Disclosed& disclosed : reply.answer.disclosed) {
    auto* agency = answer->add_agencies();
    agency->set_agency(disclosed.agency.id);
    agency->set_name(disclosed.agency.name);
    agency->set_kind(disclosed.agency.kind);
    agency->set_contact(disclosed.agency.contact);
    agency->mutable_since()->set_seconds(disclosed.since_us / 1'000'000);
    agency->mutable_since()->set_nanos(static_cast<int32_t>(disclosed.since_us % 1'000'000) *
                                       1000);
  }
  return frame;
}

Result<InvolvementAsked> ParseAdminInvolvement(std::string_view query) {
  std::string subject;
  InvolvementAsked asked{"", std::string(), ""};
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view name = pair.substr(0, eq);
    std::string value = PercentDecoded(pair.substr(eq + 1));
    if (name == "subject") subject = std::move(value);
    if (name == "as") asked.asker = std::move(value);
    if (name == "purpose") asked.purpose = std::move(value);
  }
  if (asked.asker.empty()) return InvalidArgument("missing parameter 'as' (the asking agency)");
  if (asked.purpose.empty()) return InvalidArgument("missing parameter 'purpose'");
  if (subject.empty()) return InvalidArgument("missing parameter 'subject'");
  if (subject.starts_with("local:")) {
    asked.subject_key = subject;
  } else {
    v1::InvolvementQuery as_query;
    as_query.set_nhs_number(subject);
    asked.subject_key = involvement::QuerySubjectKey(asked.asker, as_query);
  }
  return asked;
}

nlohmann::json InvolvementReplyJson(const InvolvementReply& reply) {
  using nlohmann::json;
  const involvement::Answer& answer = reply.answer;
  json out = {{"outcome", reply.status.code() == Code::kUnavailable
                              ? "unavailable"
                              : std::string(involvement::OutcomeName(answer.outcome))},
              {"asker_related", answer.asker_related},
              {"rules", answer.rule_ids},
              {"audit_entry", reply.audit_seq}};
  if (!reply.status.ok()) {
    out["code"] = v1::Code_Name(ToWireCode(reply.status.code()));
    out["reason"] = reply.status.message();
  }
  json agencies = json::array();
  for (const involvement::Disclosed& disclosed : answer.disclosed) {
    agencies.push_back({{"agency", disclosed.agency.id},
                        {"name", disclosed.agency.name},
                        {"kind", disclosed.agency.kind},
                        {"contact", disclosed.agency.contact},
                        {"since", Iso8601Utc(disclosed.since_us)},
                        {"rules", disclosed.rule_ids}});
  }
  json withheld = json::array();
  for (const involvement::Withheld& w : answer.withheld) {
    withheld.push_back({{"agency", w.agency}, {"kind", w.kind}, {"reason", w.reason}});
  }
  out["agencies"] = std::move(agencies);
  out["withheld"] = std::move(withheld);
  return out;
}

}  // namespace gallery::server
