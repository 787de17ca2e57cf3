// JournalStore: opening a journal (scanning its segments) and applying its entries, which
// recovery and live commits share so that both build the same state.
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "hub/store/journal_store.h"

namespace gallery::store {
namespace {

// After a bad entry at `offset` in the newest segment: true when a whole commit follows it,
// so that the bad entry cannot be the tail of a commit cut short (each commit is synced
// before the next is written) and is damage to confirmed data.
bool CommitFollows(std::string_view data, size_t offset) {
  while (data.size() - offset >= kFrameHeaderSize) {
    uint32_t length = 0;
    for (int i = 0; i < 4; ++i) {
      length |= static_cast<uint32_t>(static_cast<uint8_t>(data[offset + 4 + i])) << (8 * i);
    }
    if (length > data.size() - offset - kFrameHeaderSize) return false;
    offset += kFrameHeaderSize + length;
    Frame frame;
    if (ReadFrame(data, offset, frame) == FrameRead::kOk && frame.ends_commit) return true;
  }
  return false;
}

// The end of `data`'s last byte that is not zero, at or after `from`; `from` when none.
size_t EndOfNonZero(std::string_view data, size_t from) {
  size_t end = data.size();
  constexpr size_t kWord = sizeof(uint64_t);
  while (end - from >= kWord) {
    uint64_t word;
    std::memcpy(&word, data.data() + end - kWord, kWord);
    if (word != 0) break;
    end -= kWord;
  }
  while (end > from && data[end - 1] == '\0') --end;
  return end;
}

}  // namespace

Status JournalStore::Recover() {
  GALLERY_ASSIGN_OR_RETURN(std::vector<uint32_t> numbers, ListSegments(dir_, !options_.read_only));
  for (uint32_t number : numbers) {
    segments_[number] =
        Segment{dir_ + "/" + SegmentFileName(number), 0, 0, 0, std::chrono::steady_clock::now()};
  }
  for (uint32_t number : numbers) {
    GALLERY_RETURN_IF_ERROR(ScanSegment(number, number == numbers.back()));
  }
  if (options_.read_only) return OkStatus();
  if (numbers.empty()) return StartSegment();
  Segment& active = segments_.rbegin()->second;
  active_fd_ = ::open(active.path.c_str(), O_RDWR | O_CLOEXEC);
  if (active_fd_ < 0) return FileError("opening", active.path, errno);
  return OkStatus();
}

Status JournalStore::ScanSegment(uint32_t number, bool newest) {
  Segment& segment = segments_[number];
  GALLERY_ASSIGN_OR_RETURN(MappedFile file, MappedFile::Open(segment.path));
  const std::string_view data = file.data();
  // Entries of the commit being read, applied once its last entry is seen.
  std::vector<std::pair<Frame, size_t>> commit;
  size_t committed = 0;  // end of the last whole commit
  size_t offset = 0;
  FrameRead read = FrameRead::kOk;
  for (;;) {
    Frame frame;
    read = ReadFrame(data, offset, frame);
    if (read != FrameRead::kOk) break;
    commit.emplace_back(frame, offset);
    offset += frame.size;
    if (!frame.ends_commit) continue;
    for (const auto& [entry, at] : commit) {
      const Location location{number, static_cast<uint32_t>(at), static_cast<uint32_t>(entry.size)};
      if (Status applied = Apply(entry, location); !applied.ok()) {
        return DataLoss("store file " + segment.path + ", entry at offset " + std::to_string(at) +
                        ": " + applied.message());
      }
    }
    commit.clear();
    committed = offset;
  }
  segment.size = committed;
  segment.allocated = data.size();
  // A reader beside the writer stops at the newest segment's last whole commit: what
  // follows may be a commit being written right now, its pages landing in any order.
  if (options_.read_only && newest) return OkStatus();
  // Zeros after the last commit are space prepared for commits to come (in the newest
  // segment: a closed one is cut to its last commit when it is closed).
  const size_t end = EndOfNonZero(data, committed);
  if (end == committed && (newest || committed == data.size())) return OkStatus();
  const bool damaged = read == FrameRead::kCorrupt && CommitFollows(data, offset);
  if (!newest || damaged) {
    return DataLoss("store file " + segment.path + ": bad entry at offset " +
                    std::to_string(read == FrameRead::kEnd ? committed : offset) +
                    (newest ? "" : " of a closed segment") +
                    "; the journal is damaged, restore it from a backup");
  }
  // A commit cut short by a crash: never confirmed, so dropping it loses nothing.
  const size_t dropped = end - committed;
  const size_t entries = commit.size() + (read == FrameRead::kEnd || offset >= end ? 0 : 1);
  spdlog::warn(
      "store {}: recovery drops {} bytes ({} entries) after the last whole commit "
      "at offset {}; no confirmed record was in them",
      segment.path, dropped, entries, committed);
  segment.allocated = committed;
  const int fd = ::open(segment.path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return FileError("opening", segment.path, errno);
  const bool cut = ::ftruncate(fd, static_cast<off_t>(committed)) == 0 && ::fsync(fd) == 0;
  const int error = errno;
  ::close(fd);
  return cut ? OkStatus() : FileError("cutting back", segment.path, error);
}

Status JournalStore::Apply(const Frame& frame, Location at) {
  switch (frame.kind) {
    case EntryKind::kRecord: {
      RecordEntry entry;
      if (!DecodeRecord(frame.body, entry)) return DataLoss("undecodable record");
      return ApplyRecord(entry, at);
    }
    case EntryKind::kAcks: {
      AcksEntry acks;
      if (!DecodeAcks(frame.body, acks)) return DataLoss("undecodable acks");
      ApplyAcks(acks);
      return OkStatus();
    }
    case EntryKind::kDeadLetter: {
      DeadLetterEntry letter;
      if (!DecodeDeadLetter(frame.body, letter)) return DataLoss("undecodable dead letter");
      return ApplyDeadLetter(letter);
    }
    case EntryKind::kRetry:
    case EntryKind::kDrop: {
      LetterOutcomeEntry outcome;
      if (!DecodeLetterOutcome(frame.body, outcome)) return DataLoss("undecodable dead letter");
      return frame.kind == EntryKind::kRetry ? ApplyRetry(outcome) : ApplyDrop(outcome);
    }
    case EntryKind::kPurge: {
      std::vector<uint64_t> seqs;
      if (!DecodePurge(frame.body, seqs)) return DataLoss("undecodable purge");
      ApplyPurge(seqs);
      return OkStatus();
    }
    case EntryKind::kRegistryFacts:
      // Read back only when asked for (RegistryFacts): the registry keeps its own state.
      fact_entries_.push_back(at);
      return OkStatus();
    case EntryKind::kAudit: {
      // Read back only when asked for (AuditEntries).
      const uint64_t count = AuditEntryCount(frame.body);
      if (count == 0) return DataLoss("undecodable audit entries");
      audit_frames_.push_back({at, audit_count_});
      audit_count_ += count;
      return OkStatus();
    }
  }
  return DataLoss("unknown entry kind");
}

Status JournalStore::ApplyRecord(const RecordEntry& entry, Location at) {
  if (entry.seq != records_.size() + 1) {
    return DataLoss("record " + std::to_string(entry.seq) + " follows record " +
                    std::to_string(records_.size()));
  }
  if (entry.seq > UINT32_MAX) return ResourceExhausted("over 4 billion records in one journal");
  RecordSlot& slot = records_.emplace_back();
  slot.entry = at;
  slot.purged = entry.purged;
  slot.settled_at_us = entry.received_at_us;
  index_.Insert(RecordIdIndex::Hash(entry.record_id), entry.seq);
  for (const auto& delivery : entry.deliveries) {
    auto it = recipients_.find(delivery.recipient);
    if (it == recipients_.end()) it = recipients_.emplace(delivery.recipient, Recipient{}).first;
    Recipient& recipient = it->second;
    recipient.last_id = std::max(recipient.last_id, delivery.delivery_id);
    recipient.queue.emplace_hint(
        recipient.queue.end(), delivery.delivery_id,
        Queued{static_cast<uint32_t>(entry.seq), InternRules(delivery.rule_ids), delivery.payload});
    ++slot.unsettled;
  }
  return OkStatus();
}

void JournalStore::ApplyAcks(const AcksEntry& acks) {
  for (const auto& [name, ids] : acks.recipients) {
    auto recipient = recipients_.find(name);
    if (recipient == recipients_.end()) continue;
    auto& queue = recipient->second.queue;
    for (uint64_t id : ids) {
      auto it = queue.find(id);
      if (it == queue.end()) continue;
      RecordSlot& slot = Slot(it->second.seq);
      --slot.unsettled;
      slot.settled_at_us = std::max(slot.settled_at_us, acks.at_us);
      queue.erase(it);
    }
  }
}

Status JournalStore::ApplyDeadLetter(const DeadLetterEntry& entry) {
  auto recipient = recipients_.find(entry.recipient);
  if (recipient == recipients_.end()) return DataLoss("dead letter for an unknown recipient");
  auto it = recipient->second.queue.find(entry.delivery_id);
  if (it == recipient->second.queue.end()) return DataLoss("dead letter for no queued delivery");
  letters_[entry.letter_id] = Letter{std::string(entry.recipient),
                                     entry.delivery_id,
                                     it->second,
                                     entry.attempts,
                                     std::string(entry.reason),
                                     entry.at_us,
                                     std::string(entry.record_id),
                                     std::string(entry.source_agency),
                                     std::string(entry.record_type)};
  last_letter_id_ = std::max(last_letter_id_, entry.letter_id);
  recipient->second.queue.erase(it);
  return OkStatus();
}

Status JournalStore::ApplyRetry(const LetterOutcomeEntry& retry) {
  auto letter = letters_.find(retry.letter_id);
  if (letter == letters_.end()) return DataLoss("retry of an unknown dead letter");
  Recipient& recipient = recipients_[letter->second.recipient];
  recipient.last_id = std::max(recipient.last_id, retry.delivery_id);
  recipient.queue.emplace(retry.delivery_id, letter->second.queued);
  letters_.erase(letter);
  return OkStatus();
}

Status JournalStore::ApplyDrop(const LetterOutcomeEntry& drop) {
  auto letter = letters_.find(drop.letter_id);
  if (letter == letters_.end()) return DataLoss("drop of an unknown dead letter");
  RecordSlot& slot = Slot(letter->second.queued.seq);
  --slot.unsettled;
  slot.settled_at_us = std::max(slot.settled_at_us, drop.at_us);
  letters_.erase(letter);
  return OkStatus();
}

void JournalStore::ApplyPurge(const std::vector<uint64_t>& seqs) {
  for (uint64_t seq : seqs) {
    if (seq == 0 || seq > records_.size() || Slot(seq).purged) continue;
    RecordSlot& slot = Slot(seq);
    slot.purged = true;
    ++segments_[slot.entry.segment].purged_present;
    cache_.Erase(seq);
  }
}

}  // namespace gallery::store
