// Involvement alerts: when a record arrives about a person with whom another agency holds a
// relationship that an alert rule names, the holder is alerted and the sender is told whom
// to contact (routing-rules/README.md, "Involvement alerts"). Both are records the hub
// generates and journals with the record that caused them, so that they are delivered,
// acked, redelivered and audited like any other.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gallery/v1/record.pb.h"
#include "hub/common/agency.h"
#include "hub/registry/subject_facts.h"
#include "hub/router/rule_set.h"

namespace gallery::involvement {

inline constexpr std::string_view kAlertRecordType = "involvement.alert";
inline constexpr std::string_view kNoticeRecordType = "involvement.notice";

// One alert to raise. Value type; `rule` points into the RuleSet decided on.
struct Alert {
  const router::InvolvementAlertRule* rule = nullptr;
  Agency holder;         // the agency holding the relationship: alerted
  Agency sender;         // the agency whose record triggered it: told whom to contact
  int64_t since_us = 0;  // start of the holder's earliest active such relationship
  // Set when the rule overrode the person's objection (or withdrawn consent): for audit.
  router::ConsentStatus overridden = router::ConsentStatus::kNone;
  std::string consent_record_id;
};

// An alert a rule would have raised but the person's consent state prevents (audit only).
struct SuppressedAlert {
  std::string rule_id;
  std::string holder;
  std::string kind;    // router::kObjection or router::kConsentMissing
  std::string reason;  // names the rule and the consent record, never the person
};

struct AlertDecision {
  std::vector<Alert> alerts;
  std::vector<SuppressedAlert> suppressed;
};

// The alerts `record`, just journaled and already taught to the registry, raises under
// `rules`. `facts` is what the registry knows of its subject (nullptr: nothing). A holder is
// never the sender itself; an ended or retracted relationship raises nothing. Cheap when no
// rule names the record's type. Pure; thread-safe while `facts` does not change.
AlertDecision DecideAlerts(const router::RuleSet& rules, const registry::SubjectFacts* facts,
                           const v1::Record& record, int64_t now_us);

// The record alerting `alert.holder`: which rule, which relationship, which agency sent what
// type of record (its id) and when. Of `trigger` it carries only the subject's NHS number
// (its local ids when it has none), never demographics or content. Its source is the sender,
// whose publication raised it; its id is "<trigger id>/involvement-alert/<rule>/<holder>".
v1::Record AlertRecord(const Alert& alert, const v1::Record& trigger);

// The record telling `alert.sender` that `alert.holder` holds the relationship and how to
// contact it (name, kind, contact point, since when), about the same subject; nothing of
// the holder's records. Its source is the sender, as for the alert; its id is
// "<trigger id>/involvement-notice/<rule>/<holder>".
v1::Record NoticeRecord(const Alert& alert, const v1::Record& trigger);

}  // namespace gallery::involvement
