// Turns a batch of published records into journal entries: validation, deduplication
// within the batch and against the store, routing and per-recipient redaction.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "gallery/v1/record.pb.h"
#include "hub/audit/audit_chain.h"
#include "hub/common/record_limits.h"
#include "hub/common/status.h"
#include "hub/registry/registry.h"
#include "hub/router/rule_set.h"
#include "hub/store/store.h"

namespace gallery::server {

// One Publish awaiting the journal.
struct PendingPublish {
  std::string routing_id;  // who to confirm to
  uint64_t sequence = 0;
  // Owned by the caller (the hub keeps it on the arena of the frame it came in, until the
  // batch is committed); PrepareBatch sets its received_at.
  v1::Record* record = nullptr;
  // The record as its publisher serialized it, when the hub changed nothing in it (see
  // PublishedRecordBytes): journaled as received with received_at appended, instead of
  // serializing `record` again. Empty: serialize `record`. Kept alive by the caller too.
  std::string_view record_bytes;
  bool duplicate = false;  // set by PrepareBatch
  std::chrono::steady_clock::time_point arrived;  // taken off the socket (confirm latency)
  // Set by PrepareBatch when the record may not be journaled (a correction of another
  // agency's record): the publisher gets this instead of a confirm.
  Status refusal;
};

// Marks duplicates in `batch` (earlier in the batch, or already in `store`) and returns
// the journal entries for the rest, routed under `rules`. Sets each new record's
// received_at to `received_at_us`. Each new record first teaches `registry` (its facts go
// into its entry, to be journaled with it), so that it is routed on what it taught; the
// caller brackets the call in a registry batch, rolled back if the commit fails. Each
// distinct redaction of a record is serialized once, straight from the record, and copied
// to the recipients that share it. Each new record's audit entry is sealed on `audit`
// (NewRecord::audit_entry); the caller restores the chain's head if the commit fails.
// A correction (amends or retracts) also reaches every agency that received the record it
// corrects, under router::kCorrectionOfDisclosed when the rules no longer send it there
// (router::RuleSet::AddCorrectionGrants); one of another agency's record is refused
// (PendingPublish::refusal); one of a record the hub never journaled is routed by the rules
// alone, with a warning. A record that raises involvement alerts is followed in the result
// by their entries (server/alert_entries.h). Errors come from the store (kUnavailable).
Result<std::vector<store::NewRecord>> PrepareBatch(std::vector<PendingPublish>& batch,
                                                   const router::RuleSet& rules,
                                                   registry::Registry& registry,
                                                   store::Store& store, int64_t received_at_us,
                                                   audit::AuditChain& audit);

// The publisher's agency is the record's source: fills it when empty and refuses a record
// that claims another agency. Then checks the record itself within `limits` (see
// ingest::ValidateRecord).
Status CheckPublishedRecord(v1::Record& record, const std::string& session_agency,
                            const RecordLimits& limits);

}  // namespace gallery::server
