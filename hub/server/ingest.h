// Turns a batch of published records into journal entries: validation, deduplication
// within the batch and against the store, routing and per-recipient redaction.
#pragma once

#include <string>
#include <vector>

#include "gallery/v1/record.pb.h"
#include "hub/common/status.h"
#include "hub/router/rule_set.h"
#include "hub/store/store.h"

namespace gallery::server {

// One Publish awaiting the journal.
struct PendingPublish {
  std::string routing_id;  // who to confirm to
  uint64_t sequence = 0;
  v1::Record record;
  bool duplicate = false;  // set by PrepareBatch
};

// Marks duplicates in `batch` (earlier in the batch, or already in `store`) and returns
// the journal entries for the rest, routed under `rules`. Sets each new record's
// received_at to `received_at_us`. Errors come from the store (kUnavailable).
Result<std::vector<store::NewRecord>> PrepareBatch(std::vector<PendingPublish>& batch,
                                                   const router::RuleSet& rules,
                                                   store::Store& store, int64_t received_at_us);

// The publisher's agency is the record's source: fills it when empty and refuses a record
// that claims another agency. Then checks the record itself (see ingest::ValidateRecord).
Status CheckPublishedRecord(v1::Record& record, const std::string& session_agency);

}  // namespace gallery::server
