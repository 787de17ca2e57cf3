// JournalStore: dead letters, each change one journal entry.
#include <algorithm>

#include "hub/common/now_micros.h"
#include "hub/store/journal_store.h"

namespace gallery::store {
namespace {

DeadLetter ToDeadLetter(uint64_t id, const auto& letter) {
  DeadLetter out;
  out.id = id;
  out.record_id = letter.record_id;
  out.source_agency = letter.source_agency;
  out.record_type = letter.record_type;
  out.recipient = letter.recipient;
  out.delivery_id = letter.delivery_id;
  out.attempts = letter.attempts;
  out.reason = letter.reason;
  out.at_us = letter.at_us;
  return out;
}

// One entry that is a whole commit.
std::string& OneEntry(std::string& buffer, EntryKind kind, const auto& encode) {
  buffer.clear();
  const size_t at = BeginFrame(buffer);
  encode(buffer);
  FinishFrame(buffer, at, kind, true);
  return buffer;
}

}  // namespace

Status JournalStore::DeadLetterDelivery(const std::string& recipient, uint64_t delivery_id,
                                        uint32_t attempts, const std::string& reason,
                                        int64_t at_us) {
  GALLERY_RETURN_IF_ERROR(BeginChange());
  auto found = recipients_.find(recipient);
  if (found == recipients_.end() || !found->second.queue.contains(delivery_id)) {
    return NotFound("no unacked delivery " + std::to_string(delivery_id) + " to " + recipient);
  }
  const Queued& queued = found->second.queue.at(delivery_id);
  std::string bytes;
  GALLERY_ASSIGN_OR_RETURN(Frame frame, ReadEntry(Slot(queued.seq).entry, bytes));
  RecordEntry record;
  if (!DecodeRecord(frame.body, record)) return DataLoss("undecodable record entry");
  const DeadLetterEntry entry{last_letter_id_ + 1,
                              recipient,
                              delivery_id,
                              attempts,
                              reason,
                              at_us,
                              record.record_id,
                              record.source_agency,
                              record.record_type};
  return Append(OneEntry(buffer_, EntryKind::kDeadLetter,
                         [&](std::string& out) { EncodeDeadLetter(entry, out); }));
}

Result<std::vector<DeadLetter>> JournalStore::DeadLetters() {
  std::vector<DeadLetter> out;
  out.reserve(letters_.size());
  for (const auto& [id, letter] : letters_) out.push_back(ToDeadLetter(id, letter));
  return out;
}

Result<DeadLetter> JournalStore::GetDeadLetter(uint64_t id, bool with_payload) {
  auto letter = letters_.find(id);
  if (letter == letters_.end()) return NotFound("no dead letter " + std::to_string(id));
  DeadLetter out = ToDeadLetter(id, letter->second);
  if (with_payload) {
    CachedRecord scratch;
    GALLERY_ASSIGN_OR_RETURN(const CachedRecord* record,
                             RecordPayloads(letter->second.queued.seq, scratch));
    out.payload = record->payloads.at(letter->second.queued.payload);
  }
  return out;
}

Result<uint64_t> JournalStore::RetryDeadLetter(uint64_t id) {
  GALLERY_RETURN_IF_ERROR(BeginChange());
  auto letter = letters_.find(id);
  if (letter == letters_.end()) return NotFound("no dead letter " + std::to_string(id));
  const uint64_t delivery_id = recipients_[letter->second.recipient].last_id + 1;
  const LetterOutcomeEntry entry{id, delivery_id, NowMicros()};
  GALLERY_RETURN_IF_ERROR(Append(OneEntry(
      buffer_, EntryKind::kRetry, [&](std::string& out) { EncodeLetterOutcome(entry, out); })));
  return delivery_id;
}

Status JournalStore::DropDeadLetter(uint64_t id) {
  GALLERY_RETURN_IF_ERROR(BeginChange());
  if (!letters_.contains(id)) return NotFound("no dead letter " + std::to_string(id));
  const LetterOutcomeEntry entry{id, 0, NowMicros()};
  return Append(OneEntry(buffer_, EntryKind::kDrop,
                         [&](std::string& out) { EncodeLetterOutcome(entry, out); }));
}

}  // namespace gallery::store
