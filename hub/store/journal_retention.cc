// JournalStore::PurgePayloads: retention in an append-only journal. Records are first
// marked purged by one journal entry; each closed segment holding their payloads is then
// rewritten whole without them, so that the payloads leave the disk.
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

#include "hub/store/journal_store.h"

namespace gallery::store {
namespace {

// The active segment is closed early for retention once it is this old or this big: soon
// enough that purged payloads do not linger, rarely enough that segments stay few.
constexpr auto kActiveSegmentMinAge = std::chrono::minutes(10);

}  // namespace

Result<uint64_t> JournalStore::PurgePayloads(int64_t before_us, const PurgeAudit& audit) {
  GALLERY_RETURN_IF_ERROR(BeginChange());
  std::vector<uint64_t> seqs;
  for (uint64_t seq = 1; seq <= records_.size(); ++seq) {
    const RecordSlot& slot = Slot(seq);
    if (!slot.purged && slot.unsettled == 0 && slot.settled_at_us < before_us) seqs.push_back(seq);
  }
  if (!seqs.empty()) {
    std::string audit_entry;
    if (audit) {
      std::vector<std::string> ids;
      ids.reserve(seqs.size());
      CachedRecord scratch;
      for (uint64_t seq : seqs) {
        GALLERY_ASSIGN_OR_RETURN(const CachedRecord* record, RecordPayloads(seq, scratch));
        ids.push_back(record->record_id);
      }
      audit_entry = audit(ids);
    }
    buffer_.clear();
    size_t at = BeginFrame(buffer_);
    EncodePurge(seqs, buffer_);
    FinishFrame(buffer_, at, EntryKind::kPurge, audit_entry.empty());
    if (!audit_entry.empty()) {
      at = BeginFrame(buffer_);
      const std::string_view entries[] = {audit_entry};
      EncodeAudit(entries, buffer_);
      FinishFrame(buffer_, at, EntryKind::kAudit, true);
    }
    GALLERY_RETURN_IF_ERROR(Append(buffer_));
  }
  const Segment& active = segments_.rbegin()->second;
  if (active.purged_present > 0 &&
      (active.size >= options_.segment_bytes / 16 ||
       std::chrono::steady_clock::now() - active.opened >= kActiveSegmentMinAge)) {
    GALLERY_RETURN_IF_ERROR(StartSegment());
  }
  const uint32_t active_now = segments_.rbegin()->first;
  std::vector<uint32_t> to_rewrite;
  for (const auto& [number, segment] : segments_) {
    if (number != active_now && segment.purged_present > 0) to_rewrite.push_back(number);
  }
  for (uint32_t number : to_rewrite) GALLERY_RETURN_IF_ERROR(RewriteSegment(number));
  return static_cast<uint64_t>(seqs.size());
}

Status JournalStore::RewriteSegment(uint32_t number) {
  Segment& segment = segments_.at(number);
  GALLERY_ASSIGN_OR_RETURN(MappedFile file, MappedFile::Open(segment.path));
  const std::string_view data = file.data().substr(0, segment.size);
  std::string out;
  out.reserve(data.size());
  std::vector<std::pair<uint64_t, Location>> moved;  // record seq, new location
  std::vector<Location> moved_facts;                 // in order, as in fact_entries_
  std::vector<Location> moved_audit;                 // in order, as in audit_frames_
  Frame frame;
  size_t offset = 0;
  for (; ReadFrame(data, offset, frame) == FrameRead::kOk; offset += frame.size) {
    if (frame.kind != EntryKind::kRecord) {
      // Registry facts are kept whole: they are the registry's only memory of the record.
      // So are audit entries: their hashes chain them byte for byte.
      const Location moved_to{number, static_cast<uint32_t>(out.size()),
                              static_cast<uint32_t>(frame.size)};
      if (frame.kind == EntryKind::kRegistryFacts) moved_facts.push_back(moved_to);
      if (frame.kind == EntryKind::kAudit) moved_audit.push_back(moved_to);
      out.append(data.substr(offset, frame.size));
      continue;
    }
    RecordEntry entry;
    if (!DecodeRecord(frame.body, entry) || entry.seq == 0 || entry.seq > records_.size()) {
      return DataLoss("store file " + segment.path + ": undecodable record at offset " +
                      std::to_string(offset));
    }
    const size_t at = out.size();
    if (Slot(entry.seq).purged && !entry.purged) {
      BeginFrame(out);
      EncodeRecordEntry(entry, /*purge=*/true, out);
      FinishFrame(out, at, EntryKind::kRecord, frame.ends_commit);
    } else {
      out.append(data.substr(offset, frame.size));
    }
    moved.emplace_back(entry.seq, Location{number, static_cast<uint32_t>(at),
                                           static_cast<uint32_t>(out.size() - at)});
  }
  if (offset != data.size()) {
    return DataLoss("store file " + segment.path + ": bad entry at offset " +
                    std::to_string(offset));
  }
  // A new file, synced, renamed over the old, the directory synced: a crash at any point
  // leaves either segment whole (and a leftover temporary file, removed at open).
  const std::string temp = dir_ + "/" + RewriteFileName(number);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return FileError("creating", temp, errno);
  Status status = WriteAt(fd, out, 0, temp);
  if (status.ok() && ::fsync(fd) != 0) status = FileError("syncing", temp, errno);
  ::close(fd);
  if (status.ok() && ::rename(temp.c_str(), segment.path.c_str()) != 0) {
    status = FileError("renaming", temp, errno);
  }
  if (!status.ok()) {
    ::unlink(temp.c_str());
    return status;
  }
  GALLERY_RETURN_IF_ERROR(SyncDirectory(dir_));
  if (auto it = read_fds_.find(number); it != read_fds_.end()) {
    ::close(it->second);  // the old file's; reads go to the new one from now on
    read_fds_.erase(it);
  }
  for (const auto& [seq, location] : moved) Slot(seq).entry = location;
  auto facts = std::find_if(fact_entries_.begin(), fact_entries_.end(),
                            [&](const Location& at) { return at.segment == number; });
  for (const Location& location : moved_facts) *facts++ = location;
  auto audit = std::find_if(audit_frames_.begin(), audit_frames_.end(),
                            [&](const AuditFrame& f) { return f.at.segment == number; });
  for (const Location& location : moved_audit) (audit++)->at = location;
  spdlog::info("store {}: retention rewrote {} without {} records' payloads ({} -> {} bytes)", dir_,
               SegmentFileName(number), segment.purged_present, segment.size, out.size());
  segment.size = out.size();
  segment.allocated = out.size();
  segment.purged_present = 0;
  return OkStatus();
}

}  // namespace gallery::store
