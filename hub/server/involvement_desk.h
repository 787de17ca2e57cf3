// Involvement queries on the hub thread: each decided against the registry's current state
// and the rules in force (involvement/involvement.h), every one audited before any answer
// leaves, counted, and a refusal for want of a relationship logged as a warning (ids only).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "gallery/v1/wire.pb.h"
#include "hub/audit/audit_chain.h"
#include "hub/involvement/involvement.h"
#include "hub/registry/registry.h"
#include "hub/router/rule_set.h"
#include "hub/server/hub_metrics.h"
#include "hub/store/store.h"

namespace gallery::server {

// One query as asked.
struct InvolvementAsked {
  std::string asker;
  Result<std::string> subject_key;  // involvement::QuerySubjectKey's, errors included
  std::string purpose;
};

// What the asker is told.
struct InvolvementReply {
  involvement::Answer answer;
  Status status;           // the answer's, or kUnavailable when it could not be audited
  uint64_t audit_seq = 0;  // its audit entry; 0 when none was written
};

// Everything a query needs from the hub; all of it lives on the hub thread.
struct InvolvementContext {
  const router::RuleSet& rules;
  const registry::Registry& registry;
  audit::AuditChain& audit;
  store::Store& store;
  HubMetrics& metrics;
};

// Decides `queries`, appends their audit entries in one durable write, and returns the
// replies in the same order. When the write fails, every reply is a kUnavailable refusal and
// the chain's head stays. `channel` is "wire" or "admin API", for the audit log. Blocks on
// the store.
std::vector<InvolvementReply> AnswerInvolvement(const InvolvementContext& hub,
                                                std::span<const InvolvementAsked> queries,
                                                std::string_view channel);

// The frame an asker's session receives.
v1::Frame InvolvementAnswerFrame(uint64_t query_id, const InvolvementReply& reply);

// POST /admin/involvement?subject=ID&as=AGENCY&purpose=P (hubctl involvement): the query
// string parsed (percent-decoding; `subject` an NHS number or local:<agency>:<value>).
// kInvalidArgument naming the missing parameter.
Result<InvolvementAsked> ParseAdminInvolvement(std::string_view query);

// The admin API's JSON answer: outcome, code and reason when refused, rules applied, agencies
// disclosed and, for the reviewer, those withheld with why, and the audit entry's number.
nlohmann::json InvolvementReplyJson(const InvolvementReply& reply);

}  // namespace gallery::server
