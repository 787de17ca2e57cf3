// Store: the hub's durable journal of records and per-recipient delivery queues.
// One interface, so that backends (embedded SQLite now) can be swapped by config.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hub/common/result.h"
#include "hub/common/status.h"

namespace gallery::store {

// One disclosure to journal with its record.
struct NewDelivery {
  std::string recipient;              // agency id
  std::vector<std::string> rule_ids;  // rules that permitted it
  std::vector<std::string> withheld;  // field paths removed for this recipient
  std::string payload;                // serialized, redacted gallery.v1.Record
  // Those of rule_ids that override consent, each with the consent state it overrode
  // ("objected", "none" ...), for counting and alerting; not journaled apart from rule_ids.
  std::vector<std::pair<std::string, std::string_view>> consent_overrides = {};
};

// One withholding to journal with its record.
struct NewWithholding {
  std::string agency;
  std::string reason;
  std::string_view kind = {};  // the reason's kind (router/decision.h), for counting; not journaled
};

// One record to journal, already routed.
struct NewRecord {
  std::string record_id;
  std::string source_agency;
  std::string record_type;
  std::string registered_gp_ods;  // the subject's GP practice, as the source knew it
  int64_t received_at_us = 0;
  std::string payload;  // serialized gallery.v1.Record as received (plus received_at)
  std::vector<NewDelivery> deliveries;
  std::vector<NewWithholding> withholdings;
  std::vector<std::string> registry_facts;  // opaque, hub/registry's encoding, in order
  // The record's audit entry, opaque (hub/audit's encoding); empty for none. Journaled in
  // the record's commit even when the record itself is skipped as already present, so that
  // the audit log never misses an entry its writer sealed.
  std::string audit_entry;
};

// A journaled delivery not yet acked.
struct PendingDelivery {
  uint64_t delivery_id = 0;  // counts 1, 2, 3 ... per recipient, in journal order
  std::string payload;       // serialized, redacted gallery.v1.Record
  std::vector<std::string> rule_ids;
  std::string record_id;     // for logs, without parsing the payload
};

// An acknowledgement from a recipient.
struct AckedDelivery {
  std::string recipient;
  uint64_t delivery_id = 0;
};

// Everything journaled about one record, for reports.
struct RecordSummary {
  uint64_t seq = 0;
  std::string record_id;
  std::string source_agency;
  std::string record_type;
  std::string registered_gp_ods;
  std::string rule_set_hash;
  struct Disclosed {
    std::string recipient;
    std::vector<std::string> rule_ids;
    std::vector<std::string> withheld;
    bool acked = false;
  };
  std::vector<Disclosed> disclosures;
  std::vector<NewWithholding> withholdings;
};

// A journaled record as it arrived, for replaying it through other rules.
struct ReceivedRecord {
  RecordSummary summary;
  int64_t received_at_us = 0;
  std::string payload;  // serialized gallery.v1.Record as received; empty once purged
};

// A journaled record and what each of its recipients was given: what a correction of it
// (an amendment or a retraction) needs to reach them all.
struct DisclosedRecord {
  std::string record_id;
  std::string source_agency;
  std::string payload;  // serialized gallery.v1.Record as received; empty once purged
  struct Recipient {
    std::string agency;
    std::vector<std::string> withheld;  // field paths removed for it (NewDelivery::withheld)
  };
  std::vector<Recipient> recipients;  // one per delivery, by agency (byte order)
};

// A delivery the hub gave up on: its recipient refused it, or never acked it, too often.
struct DeadLetter {
  uint64_t id = 0;            // assigned by the store, increasing
  std::string record_id;
  std::string source_agency;
  std::string record_type;
  std::string recipient;      // the agency it could not be delivered to
  uint64_t delivery_id = 0;   // the recipient's delivery id when it was given up
  uint32_t attempts = 0;      // times it was sent
  std::string reason;         // why, never record contents
  int64_t at_us = 0;          // when it was given up (microseconds since the epoch)
  std::string payload;        // the redacted record; filled only on request
};

// Given the ids of the records a purge removes the payloads of, returns the audit entry
// to journal in the purge's own commit (empty: none).
using PurgeAudit = std::function<std::string(const std::vector<std::string>& record_ids)>;

// Not thread-safe: hubd drives its store from one thread. Every method may block on disk.
class Store {
 public:
  virtual ~Store() = default;

  // Returns the ids among `record_ids` that are already journaled.
  virtual Result<std::vector<std::string>> FindExisting(
      std::span<const std::string> record_ids) = 0;

  // In one durable transaction (synced before it returns ok): journals `records`
  // (skipping any id already present) with their deliveries and withholdings, and marks
  // `acks` acknowledged. kUnavailable when the disk refuses (full, read-only); nothing of
  // the batch is then stored.
  virtual Status Commit(std::span<const NewRecord> records, std::span<const AckedDelivery> acks,
                        const std::string& rule_set_hash) = 0;

  // Commit in two halves, so that the caller can prepare its next batch while this one is
  // written and synced. StartCommit takes the batch (nothing of `records` is needed after
  // it returns) and FinishCommit waits for it, returning what Commit would have: an error
  // from either half means nothing of the batch is stored. Until FinishCommit, the batch
  // counts in FindExisting only: every other method sees the store as before it, or first
  // waits for it. One commit at a time: FinishCommit before the next StartCommit. A store
  // that cannot write in the background commits in StartCommit.
  virtual Status StartCommit(std::span<const NewRecord> records,
                             std::span<const AckedDelivery> acks,
                             const std::string& rule_set_hash) {
    started_ = Commit(records, acks, rule_set_hash);
    return OkStatus();
  }
  virtual Status FinishCommit() { return std::exchange(started_, OkStatus()); }

  // Those of `record_ids` that are journaled, in the order asked, each with its source,
  // its payload as received (empty once purged) and every delivery ever made of it, acked,
  // pending or dead-lettered. Unknown ids are left out. For routing corrections: asked only
  // for records that amend or retract another, so it is off the path of ordinary records.
  virtual Result<std::vector<DisclosedRecord>> Disclosures(
      std::span<const std::string> record_ids) = 0;

  // Up to `limit` unacked deliveries for `recipient` with id > `after`, in id order.
  virtual Result<std::vector<PendingDelivery>> Pending(const std::string& recipient,
                                                       uint64_t after, size_t limit) = 0;

  // Unacked deliveries per recipient.
  virtual Result<std::vector<std::pair<std::string, uint64_t>>> PendingCounts() = 0;

  // Every journaled record with its decisions, in journal order.
  virtual Result<std::vector<RecordSummary>> Summaries() = 0;

  // Every record received at or after `since_us`, in journal order, with its payload
  // as received (empty when retention purged it).
  virtual Result<std::vector<ReceivedRecord>> ReceivedSince(int64_t since_us) = 0;

  // Every registry fact ever journaled (NewRecord::registry_facts), in journal order.
  // Retention never removes them.
  virtual Result<std::vector<std::string>> RegistryFacts() = 0;

  // Durably takes the unacked delivery out of `recipient`'s queue and into the dead
  // letters, with `attempts` and `reason`. kNotFound when no such unacked delivery.
  virtual Status DeadLetterDelivery(const std::string& recipient, uint64_t delivery_id,
                                    uint32_t attempts, const std::string& reason,
                                    int64_t at_us) = 0;

  // Every dead letter, oldest first, without payloads.
  virtual Result<std::vector<DeadLetter>> DeadLetters() = 0;

  // One dead letter, with its payload when `with_payload`. kNotFound when there is none.
  virtual Result<DeadLetter> GetDeadLetter(uint64_t id, bool with_payload) = 0;

  // Durably puts the dead letter's delivery back at the end of its recipient's queue,
  // under a new delivery id (returned), and removes the letter. kNotFound when none.
  virtual Result<uint64_t> RetryDeadLetter(uint64_t id) = 0;

  // Durably removes the dead letter; its delivery will not be attempted again.
  // kNotFound when there is none.
  virtual Status DropDeadLetter(uint64_t id) = 0;

  // Retention: removes the payloads (as received and as redacted) of every record whose
  // deliveries were all acked, or dropped from the dead letters, before `before_us`, and
  // of records that had no recipient, received before `before_us`. Metadata, decisions
  // and withholdings stay. Returns how many records were purged. When records are purged
  // and `audit` is given, the entry it returns is appended to the audit log in the same
  // commit.
  virtual Result<uint64_t> PurgePayloads(int64_t before_us, const PurgeAudit& audit) = 0;
  Result<uint64_t> PurgePayloads(int64_t before_us) { return PurgePayloads(before_us, nullptr); }

  // The audit log (hub/audit): entries are opaque to the store, kept in the order written,
  // never changed or removed (retention and recovery keep them byte for byte). Those of a
  // commit's records (NewRecord::audit_entry) are appended by Commit, in record order.

  // Durably appends `entries`, for events outside a commit. kUnavailable when the disk
  // refuses; none of them is then stored.
  virtual Status AppendAudit(std::span<const std::string> entries) = 0;

  // How many audit entries the store holds.
  virtual Result<uint64_t> AuditCount() = 0;

  // Up to `limit` audit entries, in order, from the one after the first `after` (entry
  // positions count from 1, so `after` 0 reads from the start).
  virtual Result<std::vector<std::string>> AuditEntries(uint64_t after, size_t limit) = 0;

 private:
  Status started_;  // the outcome of a StartCommit done at once
};

}  // namespace gallery::store
