#include "hub/store/journal_entries.h"

#include "hub/store/journal_codec.h"

namespace gallery::store {
namespace {

constexpr uint64_t kPurgedFlag = 1;

void EncodeStrings(Encoder& out, const auto& strings) {
  out.Varint(strings.size());
  for (const auto& s : strings) out.Bytes(s);
}

void DecodeStrings(Decoder& in, std::vector<std::string_view>& strings) {
  const uint64_t count = in.Count();
  strings.resize(count);
  for (auto& s : strings) s = in.Bytes();
}

// The deliveries, shared by both record encoders.
void EncodeDeliveries(Encoder& out, const auto& deliveries, const auto& payload_of,
                      const auto& delivery_id_of) {
  out.Varint(deliveries.size());
  for (size_t i = 0; i < deliveries.size(); ++i) {
    const auto& delivery = deliveries[i];
    out.Bytes(delivery.recipient);
    out.Varint(delivery_id_of(i));
    out.Varint(payload_of(i));
    EncodeStrings(out, delivery.rule_ids);
    EncodeStrings(out, delivery.withheld);
  }
}

}  // namespace

void EncodeRecord(const NewRecord& record, uint64_t seq, std::span<const uint64_t> delivery_ids,
                  const std::string& rule_set_hash, std::string& out) {
  Encoder enc(out);
  enc.Varint(seq);
  enc.Bytes(record.record_id);
  enc.Bytes(record.source_agency);
  enc.Bytes(record.record_type);
  enc.Bytes(record.registered_gp_ods);
  enc.Signed(record.received_at_us);
  enc.Bytes(rule_set_hash);
  enc.Varint(0);  // flags
  enc.Bytes(record.payload);
  // Recipients given byte-identical redactions share one copy; a record has a handful of
  // recipients, so comparing against each distinct copy is cheaper than hashing.
  std::vector<uint32_t> index(record.deliveries.size());
  std::vector<const std::string*> distinct;
  distinct.reserve(record.deliveries.size());
  for (size_t i = 0; i < record.deliveries.size(); ++i) {
    const std::string& payload = record.deliveries[i].payload;
    size_t k = 0;
    while (k < distinct.size() && *distinct[k] != payload) ++k;
    if (k == distinct.size()) distinct.push_back(&payload);
    index[i] = static_cast<uint32_t>(k);
  }
  enc.Varint(distinct.size());
  for (const std::string* payload : distinct) enc.Bytes(*payload);
  EncodeDeliveries(
      enc, record.deliveries, [&](size_t i) { return index[i]; },
      [&](size_t i) { return delivery_ids[i]; });
  enc.Varint(record.withholdings.size());
  for (const auto& withholding : record.withholdings) {
    enc.Bytes(withholding.agency);
    enc.Bytes(withholding.reason);
  }
}

void EncodeRecordEntry(const RecordEntry& entry, bool purge, std::string& out) {
  Encoder enc(out);
  enc.Varint(entry.seq);
  enc.Bytes(entry.record_id);
  enc.Bytes(entry.source_agency);
  enc.Bytes(entry.record_type);
  enc.Bytes(entry.registered_gp_ods);
  enc.Signed(entry.received_at_us);
  enc.Bytes(entry.rule_set_hash);
  const bool purged = purge || entry.purged;
  enc.Varint(purged ? kPurgedFlag : 0);
  enc.Bytes(purged ? std::string_view() : entry.payload);
  // Purged: the deliveries keep their payload indexes, pointing at empty copies.
  enc.Varint(entry.payloads.size());
  for (std::string_view payload : entry.payloads) enc.Bytes(purged ? std::string_view() : payload);
  EncodeDeliveries(
      enc, entry.deliveries, [&](size_t i) { return entry.deliveries[i].payload; },
      [&](size_t i) { return entry.deliveries[i].delivery_id; });
  enc.Varint(entry.withholdings.size());
  for (const auto& [agency, reason] : entry.withholdings) {
    enc.Bytes(agency);
    enc.Bytes(reason);
  }
}

bool DecodeRecordId(std::string_view body, uint64_t& seq, std::string_view& record_id) {
  Decoder in(body);
  seq = in.Varint();
  record_id = in.Bytes();
  return in.ok();
}

bool DecodeRecord(std::string_view body, RecordEntry& entry) {
  Decoder in(body);
  entry.seq = in.Varint();
  entry.record_id = in.Bytes();
  entry.source_agency = in.Bytes();
  entry.record_type = in.Bytes();
  entry.registered_gp_ods = in.Bytes();
  entry.received_at_us = in.Signed();
  entry.rule_set_hash = in.Bytes();
  entry.purged = (in.Varint() & kPurgedFlag) != 0;
  entry.payload = in.Bytes();
  DecodeStrings(in, entry.payloads);
  entry.deliveries.resize(in.Count());
  for (auto& delivery : entry.deliveries) {
    delivery.recipient = in.Bytes();
    delivery.delivery_id = in.Varint();
    delivery.payload = static_cast<uint32_t>(in.Varint());
    DecodeStrings(in, delivery.rule_ids);
    DecodeStrings(in, delivery.withheld);
    if (delivery.payload >= entry.payloads.size()) return false;
  }
  entry.withholdings.resize(in.Count());
  for (auto& [agency, reason] : entry.withholdings) {
    agency = in.Bytes();
    reason = in.Bytes();
  }
  return in.ok() && in.done();
}

void EncodeAcks(const AcksEntry& acks, std::string& out) {
  Encoder enc(out);
  enc.Signed(acks.at_us);
  enc.Varint(acks.recipients.size());
  for (const auto& [recipient, ids] : acks.recipients) {
    enc.Bytes(recipient);
    enc.Varint(ids.size());
    uint64_t previous = 0;
    for (uint64_t id : ids) {  // ascending: deltas keep each id to a byte or two
      enc.Varint(id - previous);
      previous = id;
    }
  }
}

bool DecodeAcks(std::string_view body, AcksEntry& acks) {
  Decoder in(body);
  acks.at_us = in.Signed();
  acks.recipients.resize(in.Count());
  for (auto& [recipient, ids] : acks.recipients) {
    recipient = in.Bytes();
    ids.resize(in.Count());
    uint64_t previous = 0;
    for (uint64_t& id : ids) id = previous += in.Varint();
  }
  return in.ok() && in.done();
}

void EncodeDeadLetter(const DeadLetterEntry& letter, std::string& out) {
  Encoder enc(out);
  enc.Varint(letter.letter_id);
  enc.Bytes(letter.recipient);
  enc.Varint(letter.delivery_id);
  enc.Varint(letter.attempts);
  enc.Bytes(letter.reason);
  enc.Signed(letter.at_us);
  enc.Bytes(letter.record_id);
  enc.Bytes(letter.source_agency);
  enc.Bytes(letter.record_type);
}

bool DecodeDeadLetter(std::string_view body, DeadLetterEntry& letter) {
  Decoder in(body);
  letter.letter_id = in.Varint();
  letter.recipient = in.Bytes();
  letter.delivery_id = in.Varint();
  letter.attempts = static_cast<uint32_t>(in.Varint());
  letter.reason = in.Bytes();
  letter.at_us = in.Signed();
  letter.record_id = in.Bytes();
  letter.source_agency = in.Bytes();
  letter.record_type = in.Bytes();
  return in.ok() && in.done();
}

void EncodeLetterOutcome(const LetterOutcomeEntry& outcome, std::string& out) {
  Encoder enc(out);
  enc.Varint(outcome.letter_id);
  enc.Varint(outcome.delivery_id);
  enc.Signed(outcome.at_us);
}

bool DecodeLetterOutcome(std::string_view body, LetterOutcomeEntry& outcome) {
  Decoder in(body);
  outcome.letter_id = in.Varint();
  outcome.delivery_id = in.Varint();
  outcome.at_us = in.Signed();
  return in.ok() && in.done();
}

void EncodeRegistryFacts(uint64_t seq, std::span<const std::string> facts, std::string& out) {
  Encoder enc(out);
  enc.Varint(seq);
  EncodeStrings(enc, facts);
}

bool DecodeRegistryFacts(std::string_view body, uint64_t& seq,
                         std::vector<std::string_view>& facts) {
  Decoder in(body);
  seq = in.Varint();
  DecodeStrings(in, facts);
  return in.ok() && in.done();
}

void EncodeAudit(std::span<const std::string_view> entries, std::string& out) {
  Encoder enc(out);
  EncodeStrings(enc, entries);
}

bool DecodeAudit(std::string_view body, std::vector<std::string_view>& entries) {
  Decoder in(body);
  DecodeStrings(in, entries);
  return in.ok() && in.done() && !entries.empty();
}

uint64_t AuditEntryCount(std::string_view body) {
  Decoder in(body);
  const uint64_t count = in.Count();
  return in.ok() ? count : 0;
}

void EncodePurge(std::span<const uint64_t> seqs, std::string& out) {
  Encoder enc(out);
  enc.Varint(seqs.size());
  uint64_t previous = 0;
  for (uint64_t seq : seqs) {
    enc.Varint(seq - previous);
    previous = seq;
  }
}

bool DecodePurge(std::string_view body, std::vector<uint64_t>& seqs) {
  Decoder in(body);
  seqs.resize(in.Count());
  uint64_t previous = 0;
  for (uint64_t& seq : seqs) seq = previous += in.Varint();
  return in.ok() && in.done();
}

}  // namespace gallery::store
