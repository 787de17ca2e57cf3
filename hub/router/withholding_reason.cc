#include "hub/router/withholding_reason.h"

namespace gallery::router {
namespace {

// " (consent record <id>)", or nothing when the state named no record.
void AppendConsentRecord(const ConsentView& consent, std::string& out) {
  if (consent.record_id.empty()) return;
  out.append(" (consent record ").append(consent.record_id).append(")");
}

}  // namespace

void DescribeStop(const AppliedRule& applied, const Rule& rule, const Protocol& protocol,
                  Withholding& out) {
  out.kind = applied.stopped_by;
  std::string& reason = out.reason;
  if (applied.stopped_by == kLabel) {
    reason.assign("label '").append(applied.label).append("' not permitted by rule ");
    reason.append(rule.id);
  } else if (applied.stopped_by == kProtocolExpired) {
    reason.assign("protocol ").append(protocol.name).append(" was due for review by ");
    reason.append(protocol.review_by).append(": rule ").append(rule.id);
    reason.append(" permits nothing until it is renewed");
  } else if (applied.stopped_by == kConsentMissing) {
    reason.assign("rule ").append(rule.id).append(" requires consent for ");
    reason.append(rule.purpose).append(" under protocol ").append(rule.protocol);
    reason.append(", and none is recorded");
  } else {
    reason.assign(applied.consent.status == ConsentStatus::kWithdrawn
                      ? "the subject withdrew consent"
                      : "the subject objected");
    AppendConsentRecord(applied.consent, reason);
    reason.append(", which rule ").append(rule.id).append(" respects");
  }
}

void DescribeNotRegisteredGp(const Rule& rule, Withholding& out) {
  out.kind = kNoRelationship;
  out.reason.assign("no relationship: not the subject's registered GP practice (rule ");
  out.reason.append(rule.id).append(")");
}

void DescribeNoRule(std::string_view record_type, std::string_view source, Withholding& out) {
  out.kind = kNoRule;
  out.reason.assign("no rule permits ").append(record_type).append(" from ").append(source);
}

}  // namespace gallery::router
