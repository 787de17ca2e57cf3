// Store: the hub's durable journal of records and per-recipient delivery queues.
// One interface, so that backends (embedded SQLite now) can be swapped by config.
#pragma once

#include <cstdint>
#include <span>
#include <string>
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
};

// One withholding to journal with its record.
struct NewWithholding {
  std::string agency;
  std::string reason;
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

  // Up to `limit` unacked deliveries for `recipient` with id > `after`, in id order.
  virtual Result<std::vector<PendingDelivery>> Pending(const std::string& recipient,
                                                       uint64_t after, size_t limit) = 0;

  // Unacked deliveries per recipient.
  virtual Result<std::vector<std::pair<std::string, uint64_t>>> PendingCounts() = 0;

  // Every journaled record with its decisions, in journal order.
  virtual Result<std::vector<RecordSummary>> Summaries() = 0;
};

}  // namespace gallery::store
