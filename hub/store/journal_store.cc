#include "hub/store/journal_store.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <unordered_set>

#include "hub/common/now_micros.h"
#include "hub/store/journal_codec.h"

namespace gallery::store {
namespace {

// Sealed segments kept open for reading; more are opened and closed as needed.
constexpr size_t kMaxReadFds = 64;
// Commits smaller than this are written in StartCommit, on the caller's thread: about 16
// records of the bench's shape.
constexpr size_t kBackgroundCommitBytes = 64 << 10;

}  // namespace

JournalStore::JournalStore(std::string dir, JournalOptions options)
    : dir_(std::move(dir)), options_(options), cache_(options.cache_bytes) {}

JournalStore::~JournalStore() {
  SettleWrite();
  writer_.reset();
  for (const auto& [number, fd] : read_fds_) ::close(fd);
  if (active_fd_ >= 0) ::close(active_fd_);
}

Result<std::unique_ptr<JournalStore>> JournalStore::Open(const std::string& dir,
                                                         JournalOptions options) {
  std::unique_ptr<JournalStore> store(new JournalStore(dir, options));
  if (!options.read_only) {
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error) return Unavailable("cannot create store " + dir + ": " + error.message());
    GALLERY_ASSIGN_OR_RETURN(store->lock_, DirectoryLock::Acquire(dir));
  } else if (!std::filesystem::is_directory(dir)) {
    return NotFound("no store at " + dir);
  }
  GALLERY_RETURN_IF_ERROR(store->Recover());
  if (!options.read_only && options.preallocate) {
    store->preallocator_ =
        std::make_unique<SegmentPreallocator>(dir + "/next-segment.spare", options.segment_bytes);
  }
  return store;
}

Status JournalStore::CheckWritable() const {
  if (options_.read_only) return FailedPrecondition("store " + dir_ + " is open read-only");
  return OkStatus();
}

Status JournalStore::BeginChange() {
  SettleWrite();
  return CheckWritable();
}

Status JournalStore::StartSegment() {
  const uint32_t number = segments_.empty() ? 1 : segments_.rbegin()->first + 1;
  const std::string path = dir_ + "/" + SegmentFileName(number);
  if (active_fd_ >= 0) {
    // A closed segment ends with its last commit: zeros left in it would read as damage.
    Segment& closing = segments_.rbegin()->second;
    if (closing.allocated > closing.size) {
      if (::ftruncate(active_fd_, static_cast<off_t>(closing.size)) != 0 ||
          ::fsync(active_fd_) != 0) {
        return FileError("closing", closing.path, errno);
      }
      closing.allocated = closing.size;
    }
  }
  bool prepared = false;
  if (preallocator_ != nullptr) {
    GALLERY_ASSIGN_OR_RETURN(prepared, preallocator_->TakeAs(path));
    if (!prepared) preallocator_->Retry();
  }
  const int fd = prepared ? ::open(path.c_str(), O_RDWR | O_CLOEXEC)
                          : ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return FileError(prepared ? "opening" : "creating", path, errno);
  // The new name must outlive a power loss before anything in the file is confirmed.
  if (Status synced = SyncDirectory(dir_); !synced.ok()) {
    ::close(fd);
    ::unlink(path.c_str());
    return synced;
  }
  if (active_fd_ >= 0) {
    if (read_fds_.size() >= kMaxReadFds) {
      ::close(read_fds_.begin()->second);
      read_fds_.erase(read_fds_.begin());
    }
    read_fds_[segments_.rbegin()->first] = active_fd_;
  }
  active_fd_ = fd;
  cut_pending_ = false;
  segments_[number] =
      Segment{path, 0, prepared ? preallocator_->bytes() : 0, 0, std::chrono::steady_clock::now()};
  return OkStatus();
}

bool JournalStore::ShouldRoll(uint64_t bytes) {
  if (segments_.empty()) return true;
  const Segment& active = segments_.rbegin()->second;
  if (active.size >= options_.segment_bytes) return true;
  // Into a prepared file as soon as one is ready, when the commit does not fit in the
  // active segment's prepared space (or it has none: a store just opened, a failed write).
  return preallocator_ != nullptr && active.size > 0 && active.size + bytes > active.allocated &&
         preallocator_->ready();
}

Result<int> JournalStore::SegmentFd(uint32_t number) {
  if (!segments_.empty() && number == segments_.rbegin()->first && active_fd_ >= 0) {
    return active_fd_;
  }
  if (auto it = read_fds_.find(number); it != read_fds_.end()) return it->second;
  auto segment = segments_.find(number);
  if (segment == segments_.end()) return Internal("no segment " + std::to_string(number));
  const int fd = ::open(segment->second.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return FileError("opening", segment->second.path, errno);
  if (read_fds_.size() >= kMaxReadFds) {
    ::close(read_fds_.begin()->second);
    read_fds_.erase(read_fds_.begin());
  }
  read_fds_[number] = fd;
  return fd;
}

Result<Frame> JournalStore::ReadEntry(Location at, std::string& buffer) {
  GALLERY_ASSIGN_OR_RETURN(int fd, SegmentFd(at.segment));
  const std::string& path = segments_[at.segment].path;
  GALLERY_RETURN_IF_ERROR(ReadAt(fd, at.offset, at.size, buffer, path));
  Frame frame;
  if (ReadFrame(buffer, 0, frame) != FrameRead::kOk || frame.size != at.size) {
    return DataLoss("store file " + path + ": bad entry at offset " + std::to_string(at.offset));
  }
  return frame;
}

Result<uint64_t> JournalStore::FindRecord(std::string_view record_id) {
  Status error;
  std::string buffer;
  const uint64_t seq = index_.Find(RecordIdIndex::Hash(record_id), [&](uint64_t candidate) {
    if (const CachedRecord* cached = cache_.Find(candidate)) return cached->record_id == record_id;
    auto frame = ReadEntry(Slot(candidate).entry, buffer);
    uint64_t stored_seq = 0;
    std::string_view stored_id;
    if (!frame.ok() || !DecodeRecordId(frame->body, stored_seq, stored_id)) {
      if (error.ok()) error = frame.ok() ? DataLoss("undecodable record entry") : frame.status();
      return false;
    }
    return stored_id == record_id;
  });
  if (!error.ok()) return error;
  return seq;
}

Result<const CachedRecord*> JournalStore::RecordPayloads(uint64_t seq, CachedRecord& scratch) {
  if (const CachedRecord* cached = cache_.Find(seq)) return cached;
  std::string buffer;
  GALLERY_ASSIGN_OR_RETURN(Frame frame, ReadEntry(Slot(seq).entry, buffer));
  RecordEntry entry;
  if (frame.kind != EntryKind::kRecord || !DecodeRecord(frame.body, entry) || entry.seq != seq) {
    return DataLoss("store file " + segments_[Slot(seq).entry.segment].path +
                    ": undecodable record at offset " + std::to_string(Slot(seq).entry.offset));
  }
  scratch.record_id = entry.record_id;
  scratch.payloads.assign(entry.payloads.begin(), entry.payloads.end());
  // Other recipients of the record are likely to ask next.
  cache_.Add(seq, scratch);
  return &scratch;
}

uint32_t JournalStore::InternRules(const std::vector<std::string_view>& rule_ids) {
  // Deliveries mostly come under the same few rule lists, often the one just seen.
  if (!rule_lists_.empty()) {
    const auto& last = rule_lists_[last_rules_];
    if (std::equal(last.begin(), last.end(), rule_ids.begin(), rule_ids.end())) return last_rules_;
  }
  std::string key;
  Encoder enc(key);
  for (std::string_view id : rule_ids) enc.Bytes(id);
  auto [it, added] = rule_index_.emplace(std::move(key), static_cast<uint32_t>(rule_lists_.size()));
  if (added) rule_lists_.emplace_back(rule_ids.begin(), rule_ids.end());
  last_rules_ = it->second;
  return it->second;
}

Result<std::vector<std::string>> JournalStore::FindExisting(
    std::span<const std::string> record_ids) {
  std::vector<std::string> existing;
  for (const auto& id : record_ids) {
    GALLERY_ASSIGN_OR_RETURN(uint64_t seq, FindRecord(id));
    if (seq != 0 || writing_ids_.contains(id)) existing.push_back(id);
  }
  return existing;
}

Status JournalStore::Commit(std::span<const NewRecord> records, std::span<const AckedDelivery> acks,
                            const std::string& rule_set_hash) {
  GALLERY_RETURN_IF_ERROR(StartCommit(records, acks, rule_set_hash));
  return FinishCommit();
}

Status JournalStore::StartCommit(std::span<const NewRecord> records,
                                 std::span<const AckedDelivery> acks,
                                 const std::string& rule_set_hash) {
  if (started_outcome_.has_value()) {
    return FailedPrecondition("store " + dir_ + ": a started commit was not finished");
  }
  SettleWrite();
  if (!records.empty() || !acks.empty()) {
    GALLERY_RETURN_IF_ERROR(CheckWritable());
    GALLERY_RETURN_IF_ERROR(EncodeCommit(records, acks, rule_set_hash));
  } else {
    buffer_.clear();
  }
  if (buffer_.empty()) {
    started_outcome_ = OkStatus();
    return OkStatus();
  }
  if (buffer_.size() < kBackgroundCommitBytes) {
    // A small batch means little traffic: nothing to prepare meanwhile, and handing it to
    // the writer thread and back would only add two thread wake-ups to its latency.
    started_outcome_ = Append(buffer_);
    return OkStatus();
  }
  GALLERY_RETURN_IF_ERROR(PrepareAppend(buffer_.size()));
  started_outcome_ = OkStatus();
  for (const auto& record : records) writing_ids_.insert(record.record_id);
  std::swap(buffer_, writing_);
  if (writer_ == nullptr) writer_ = std::make_unique<CommitWriter>(options_.sync);
  const Segment& segment = segments_.rbegin()->second;
  writer_->Start(active_fd_, writing_, segment.size, segment.path);
  return OkStatus();
}

Status JournalStore::FinishCommit() {
  SettleWrite();
  Status outcome = std::move(started_outcome_).value_or(OkStatus());
  started_outcome_.reset();
  return outcome;
}

void JournalStore::SettleWrite() {
  if (writer_ == nullptr || !writer_->started()) return;
  Status written = writer_->Wait();
  Status applied = FinishAppend(writing_, std::move(written));
  writing_ids_.clear();
  if (started_outcome_.has_value() && started_outcome_->ok()) started_outcome_ = std::move(applied);
}

Status JournalStore::EncodeCommit(std::span<const NewRecord> records,
                                  std::span<const AckedDelivery> acks,
                                  const std::string& rule_set_hash) {
  for (const auto& record : records) {
    for (size_t i = 0; i < record.withholdings.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        if (record.withholdings[i].agency == record.withholdings[j].agency) {
          return InvalidArgument("record " + record.record_id + " withholds from " +
                                 record.withholdings[i].agency + " twice");
        }
      }
    }
  }
  buffer_.clear();
  size_t last_frame = 0;
  // Ids and counters as they will be once this batch is in; the store's own change only
  // after the sync.
  std::unordered_set<std::string_view> batch_ids;
  std::unordered_map<std::string_view, uint64_t> last_ids;
  std::vector<uint64_t> delivery_ids;
  uint64_t seq = records_.size();
  std::vector<std::string_view> audit;
  for (const auto& record : records) {
    if (!record.audit_entry.empty()) audit.push_back(record.audit_entry);
    if (!batch_ids.insert(record.record_id).second) continue;
    GALLERY_ASSIGN_OR_RETURN(uint64_t existing, FindRecord(record.record_id));
    if (existing != 0) continue;  // already journaled: stored and routed once
    delivery_ids.clear();
    for (const auto& delivery : record.deliveries) {
      auto [it, added] = last_ids.try_emplace(delivery.recipient, 0);
      if (added) {
        auto known = recipients_.find(delivery.recipient);
        it->second = known == recipients_.end() ? 0 : known->second.last_id;
      }
      delivery_ids.push_back(++it->second);
    }
    last_frame = BeginFrame(buffer_);
    EncodeRecord(record, ++seq, delivery_ids, rule_set_hash, buffer_);
    FinishFrame(buffer_, last_frame, EntryKind::kRecord, false);
    if (!record.registry_facts.empty()) {
      last_frame = BeginFrame(buffer_);
      EncodeRegistryFacts(seq, record.registry_facts, buffer_);
      FinishFrame(buffer_, last_frame, EntryKind::kRegistryFacts, false);
    }
  }
  if (!audit.empty()) {
    last_frame = BeginFrame(buffer_);
    EncodeAudit(audit, buffer_);
    FinishFrame(buffer_, last_frame, EntryKind::kAudit, false);
  }
  if (!acks.empty()) {
    // Only acks that settle a queued delivery are journaled; the rest change nothing.
    std::map<std::string_view, std::vector<uint64_t>> settled;
    for (const auto& ack : acks) {
      auto recipient = recipients_.find(ack.recipient);
      if (recipient == recipients_.end() || !recipient->second.queue.contains(ack.delivery_id)) {
        continue;
      }
      settled[recipient->first].push_back(ack.delivery_id);
    }
    if (!settled.empty()) {
      AcksEntry entry{NowMicros(), {}};
      for (auto& [recipient, ids] : settled) {
        std::sort(ids.begin(), ids.end());
        ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
        entry.recipients.emplace_back(recipient, std::move(ids));
      }
      last_frame = BeginFrame(buffer_);
      EncodeAcks(entry, buffer_);
      FinishFrame(buffer_, last_frame, EntryKind::kAcks, false);
    }
  }
  if (buffer_.empty()) return OkStatus();
  // The last entry ends the commit: recovery takes the batch whole or not at all.
  Frame last;
  (void)ReadOwnFrame(buffer_, last_frame, last);
  FinishFrame(buffer_, last_frame, last.kind, true);
  return OkStatus();
}

Status JournalStore::AppendAudit(std::span<const std::string> entries) {
  if (entries.empty()) return OkStatus();
  GALLERY_RETURN_IF_ERROR(BeginChange());
  buffer_.clear();
  const size_t frame = BeginFrame(buffer_);
  EncodeAudit(std::vector<std::string_view>(entries.begin(), entries.end()), buffer_);
  FinishFrame(buffer_, frame, EntryKind::kAudit, true);
  return Append(buffer_);
}

Result<std::vector<std::string>> JournalStore::AuditEntries(uint64_t after, size_t limit) {
  std::vector<std::string> out;
  // The frame holding entry `after` (from 0): the last one starting at or before it.
  auto frame = std::upper_bound(audit_frames_.begin(), audit_frames_.end(), after,
                                [](uint64_t at, const AuditFrame& f) { return at < f.first; });
  if (frame != audit_frames_.begin()) --frame;
  std::string buffer;
  std::vector<std::string_view> entries;
  for (; frame != audit_frames_.end() && out.size() < limit; ++frame) {
    GALLERY_ASSIGN_OR_RETURN(Frame read, ReadEntry(frame->at, buffer));
    if (read.kind != EntryKind::kAudit || !DecodeAudit(read.body, entries)) {
      return DataLoss("store file " + segments_[frame->at.segment].path +
                      ": undecodable audit entries at offset " + std::to_string(frame->at.offset));
    }
    for (size_t i = 0; i < entries.size() && out.size() < limit; ++i) {
      if (frame->first + i >= after) out.emplace_back(entries[i]);
    }
  }
  return out;
}

Status JournalStore::Append(std::string_view frames) {
  SettleWrite();
  GALLERY_RETURN_IF_ERROR(PrepareAppend(frames.size()));
  Segment& segment = segments_.rbegin()->second;
  Status written = WriteAt(active_fd_, frames, segment.size, segment.path);
  if (written.ok() && options_.sync && ::fdatasync(active_fd_) != 0) {
    written = FileError("syncing", segment.path, errno);
  }
  return FinishAppend(frames, std::move(written));
}

Status JournalStore::PrepareAppend(size_t bytes) {
  if (bytes > kMaxFrameBody) return InvalidArgument("a commit of over 1 GiB");
  if (cut_pending_) {
    // A failed commit may have left bytes past the end: gone before anything follows them.
    const Segment& active = segments_.rbegin()->second;
    if (::ftruncate(active_fd_, static_cast<off_t>(active.size)) != 0) {
      return FileError("cutting back", active.path, errno);
    }
    cut_pending_ = false;
  }
  if (ShouldRoll(bytes)) GALLERY_RETURN_IF_ERROR(StartSegment());
  return OkStatus();
}

Status JournalStore::FinishAppend(std::string_view frames, Status written) {
  Segment& segment = segments_.rbegin()->second;
  const uint32_t number = segments_.rbegin()->first;
  if (!written.ok()) {
    // Nothing of the batch may stay: a later, shorter commit written over it would leave
    // its whole entries behind, for recovery to take. The prepared space goes with it.
    if (::ftruncate(active_fd_, static_cast<off_t>(segment.size)) != 0) cut_pending_ = true;
    segment.allocated = segment.size;
    return written;
  }
  const uint64_t base = segment.size;
  segment.size += frames.size();
  segment.allocated = std::max(segment.allocated, segment.size);
  for (size_t offset = 0; offset < frames.size();) {
    Frame frame;
    (void)ReadOwnFrame(frames, offset, frame);  // framed by this process just now
    const Location at{number, static_cast<uint32_t>(base + offset),
                      static_cast<uint32_t>(frame.size)};
    if (frame.kind == EntryKind::kRecord) {
      RecordEntry& entry = decoded_;  // reused: its vectors keep their capacity
      (void)DecodeRecord(frame.body, entry);
      GALLERY_RETURN_IF_ERROR(ApplyRecord(entry, at));
      // Live traffic is delivered from memory.
      CachedRecord cached{std::string(entry.record_id), {}};
      cached.payloads.reserve(entry.payloads.size());
      for (std::string_view payload : entry.payloads) cached.payloads.emplace_back(payload);
      cache_.Add(entry.seq, std::move(cached));
    } else {
      GALLERY_RETURN_IF_ERROR(Apply(frame, at));
    }
    offset += frame.size;
  }
  return OkStatus();
}

Result<std::vector<PendingDelivery>> JournalStore::Pending(const std::string& recipient,
                                                           uint64_t after, size_t limit) {
  std::vector<PendingDelivery> out;
  auto found = recipients_.find(recipient);
  if (found == recipients_.end()) return out;
  const auto& queue = found->second.queue;
  CachedRecord scratch;
  for (auto it = queue.upper_bound(after); it != queue.end() && out.size() < limit; ++it) {
    const Queued& queued = it->second;
    GALLERY_ASSIGN_OR_RETURN(const CachedRecord* record, RecordPayloads(queued.seq, scratch));
    out.push_back({it->first, record->payloads.at(queued.payload), rule_lists_[queued.rules],
                   record->record_id});
  }
  return out;
}

Result<std::vector<std::pair<std::string, uint64_t>>> JournalStore::PendingCounts() {
  std::vector<std::pair<std::string, uint64_t>> out;
  for (const auto& [name, recipient] : recipients_) {
    if (!recipient.queue.empty()) out.emplace_back(name, recipient.queue.size());
  }
  return out;
}

}  // namespace gallery::store
