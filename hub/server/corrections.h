// Corrections on their way in: the records a batch's amendments and retractions name, and
// the agencies that received them (router/correction.h decides what each one gets).
#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "gallery/v1/record.pb.h"
#include "hub/common/result.h"
#include "hub/router/correction.h"
#include "hub/store/store.h"

namespace gallery::server {

struct PendingPublish;

// The records that one batch's corrections name. Not thread-safe; lives for one batch.
class CorrectedRecords {
 public:
  // Looks up, in one store query, the records that the corrections in `batch` (but those
  // marked duplicate) amend or retract. A batch without corrections asks nothing of the
  // store, so ordinary records pay nothing. Errors come from the store (kUnavailable).
  static Result<CorrectedRecords> Find(const std::vector<PendingPublish>& batch,
                                       store::Store& store);

  // Notes `journaled`, routed earlier in the same batch, in case a later correction of the
  // batch names it. Cheap when the batch holds no correction.
  void NoteJournaled(const store::NewRecord& journaled);

  // The record `correction` amends or retracts; null when the hub has not journaled it.
  const store::DisclosedRecord* Original(const v1::Record& correction) const;

 private:
  std::unordered_set<std::string> named_;  // every id the batch's corrections name
  std::unordered_map<std::string, store::DisclosedRecord> found_;
};

// Every agency that received `original`, once each, with the paths it was given: none
// when the hub no longer holds the original's contents (retention purged them, or they do
// not parse, which is logged), so that a correction then carries only what always travels.
std::vector<router::EarlierRecipient> EarlierRecipients(const store::DisclosedRecord& original);

}  // namespace gallery::server
