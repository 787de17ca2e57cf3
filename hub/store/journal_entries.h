// The bodies of journal entries (see journal_frame.h for the framing): encoders from what
// the Store is given, and decoders into views of the journal's bytes.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hub/store/store.h"

namespace gallery::store {

// A record entry, decoded. Views point into the entry's bytes.
struct RecordEntry {
  struct Delivery {
    std::string_view recipient;
    uint64_t delivery_id = 0;
    uint32_t payload = 0;  // index into `payloads`
    std::vector<std::string_view> rule_ids;
    std::vector<std::string_view> withheld;
  };
  uint64_t seq = 0;  // 1, 2, 3 ... in journal order
  std::string_view record_id;
  std::string_view source_agency;
  std::string_view record_type;
  std::string_view registered_gp_ods;
  int64_t received_at_us = 0;
  std::string_view rule_set_hash;
  bool purged = false;                     // payloads removed by retention (then all empty)
  std::string_view payload;                // as received
  std::vector<std::string_view> payloads;  // distinct redactions
  std::vector<Delivery> deliveries;
  std::vector<std::pair<std::string_view, std::string_view>> withholdings;  // agency, reason
};

// Appends the body of `record`'s entry to `out`; `delivery_ids[i]` is the id of its i-th
// delivery. Identical redactions are stored once.
void EncodeRecord(const NewRecord& record, uint64_t seq, std::span<const uint64_t> delivery_ids,
                  const std::string& rule_set_hash, std::string& out);
// Appends `entry` again, without payloads when `purge` (retention's rewrite).
void EncodeRecordEntry(const RecordEntry& entry, bool purge, std::string& out);
// False when `body` is not a well-formed record entry.
bool DecodeRecord(std::string_view body, RecordEntry& entry);
// Only the leading fields, seq and record id: cheaper, for lookups.
bool DecodeRecordId(std::string_view body, uint64_t& seq, std::string_view& record_id);

// Acks: per recipient, the delivery ids acknowledged (ascending), and when.
struct AcksEntry {
  int64_t at_us = 0;
  std::vector<std::pair<std::string_view, std::vector<uint64_t>>> recipients;
};
void EncodeAcks(const AcksEntry& acks, std::string& out);
bool DecodeAcks(std::string_view body, AcksEntry& acks);

// A delivery moved to the dead letters; the letter carries what listing it needs.
struct DeadLetterEntry {
  uint64_t letter_id = 0;
  std::string_view recipient;
  uint64_t delivery_id = 0;
  uint32_t attempts = 0;
  std::string_view reason;
  int64_t at_us = 0;
  std::string_view record_id;
  std::string_view source_agency;
  std::string_view record_type;
};
void EncodeDeadLetter(const DeadLetterEntry& letter, std::string& out);
bool DecodeDeadLetter(std::string_view body, DeadLetterEntry& letter);

// A dead letter retried (requeued as `delivery_id`) or dropped.
struct LetterOutcomeEntry {
  uint64_t letter_id = 0;
  uint64_t delivery_id = 0;  // retry only
  int64_t at_us = 0;
};
void EncodeLetterOutcome(const LetterOutcomeEntry& outcome, std::string& out);
bool DecodeLetterOutcome(std::string_view body, LetterOutcomeEntry& outcome);

// The registry facts of record `seq` (NewRecord::registry_facts), in order.
void EncodeRegistryFacts(uint64_t seq, std::span<const std::string> facts, std::string& out);
bool DecodeRegistryFacts(std::string_view body, uint64_t& seq,
                         std::vector<std::string_view>& facts);

// Audit log entries, in order.
void EncodeAudit(std::span<const std::string_view> entries, std::string& out);
bool DecodeAudit(std::string_view body, std::vector<std::string_view>& entries);
// How many entries an audit entry's body holds, without decoding them; 0 when undecodable.
uint64_t AuditEntryCount(std::string_view body);

// Records (by seq, ascending) whose payloads retention removed.
void EncodePurge(std::span<const uint64_t> seqs, std::string& out);
bool DecodePurge(std::string_view body, std::vector<uint64_t>& seqs);

}  // namespace gallery::store
