// JournalStore: the embedded store as an append-only, checksummed journal of numbered
// segment files, with each recipient's queue and the dead letters kept in memory.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "hub/store/commit_writer.h"
#include "hub/store/journal_entries.h"
#include "hub/store/journal_files.h"
#include "hub/store/journal_frame.h"
#include "hub/store/payload_cache.h"
#include "hub/store/record_id_index.h"
#include "hub/store/segment_preallocator.h"
#include "hub/store/store.h"

namespace gallery::store {

struct JournalOptions {
  // A segment is closed and a new one begun once it holds this much (at a commit's end).
  uint64_t segment_bytes = uint64_t{64} << 20;
  // Bytes of recently journaled payloads kept in memory for delivery.
  size_t cache_bytes = size_t{64} << 20;
  // Opens without the lock, to read beside the hub that writes the journal (reports,
  // tests): sees the whole commits written when it opened (the last possibly still being
  // synced); every change fails with kFailedPrecondition.
  bool read_only = false;
  // Prepares each next segment ahead, full of zeros, on a thread of its own (see
  // segment_preallocator.h). Off: segments grow as written, and each sync also writes the
  // file's new size.
  bool preallocate = true;
  // Syncs each commit before it counts as journaled (confirms mean durable). Off, a commit
  // is written to the page cache only: a machine crash (not a hubd crash) loses the last
  // seconds of confirmed records. For measuring the hub without its disk, never for records.
  bool sync = true;
};

// Not thread-safe (see Store). A commit is one write and one fdatasync of the active
// segment: it is durable when Commit returns. StartCommit hands the write and sync to a
// thread of its own (commit_writer.h); every other change first waits for that write and
// applies it. Layout and recovery: hub/README.md, "The store".
class JournalStore final : public Store {
 public:
  // Opens or creates the journal in directory `dir`, scanning every segment to rebuild the
  // queues. A commit cut short at the end of the newest segment (never confirmed) is cut
  // off, with a warning in the log. kDataLoss, naming the file and offset, for a bad entry
  // anywhere else; kFailedPrecondition when another process has the journal open;
  // kUnavailable when the directory cannot be read or written.
  static Result<std::unique_ptr<JournalStore>> Open(const std::string& dir,
                                                    JournalOptions options = {});
  ~JournalStore() override;

  Result<std::vector<std::string>> FindExisting(std::span<const std::string> record_ids) override;
  Status Commit(std::span<const NewRecord> records, std::span<const AckedDelivery> acks,
                const std::string& rule_set_hash) override;
  Status StartCommit(std::span<const NewRecord> records, std::span<const AckedDelivery> acks,
                     const std::string& rule_set_hash) override;
  Status FinishCommit() override;
  Result<std::vector<PendingDelivery>> Pending(const std::string& recipient, uint64_t after,
                                               size_t limit) override;
  Result<std::vector<std::pair<std::string, uint64_t>>> PendingCounts() override;
  Result<std::vector<DisclosedRecord>> Disclosures(
      std::span<const std::string> record_ids) override;
  Result<std::vector<RecordSummary>> Summaries() override;
  Result<std::vector<ReceivedRecord>> ReceivedSince(int64_t since_us) override;
  Result<std::vector<std::string>> RegistryFacts() override;
  Status DeadLetterDelivery(const std::string& recipient, uint64_t delivery_id, uint32_t attempts,
                            const std::string& reason, int64_t at_us) override;
  Result<std::vector<DeadLetter>> DeadLetters() override;
  Result<DeadLetter> GetDeadLetter(uint64_t id, bool with_payload) override;
  Result<uint64_t> RetryDeadLetter(uint64_t id) override;
  Status DropDeadLetter(uint64_t id) override;
  // Marks the settled records purged (one journal entry), then rewrites each closed segment
  // holding their payloads without them (new file, fsync, rename, directory fsync). The
  // active segment is closed first when it holds such payloads and is big or old enough.
  using Store::PurgePayloads;
  Result<uint64_t> PurgePayloads(int64_t before_us, const PurgeAudit& audit) override;
  Status AppendAudit(std::span<const std::string> entries) override;
  Result<uint64_t> AuditCount() override { return audit_count_; }
  Result<std::vector<std::string>> AuditEntries(uint64_t after, size_t limit) override;

  // Segment files in the directory now (for tests and diagnostics).
  size_t segment_count() const { return segments_.size(); }

 private:
  // Where an entry is: segment number, offset and size of its frame.
  struct Location {
    uint32_t segment = 0;
    uint32_t offset = 0;
    uint32_t size = 0;
  };
  // Per record, by seq - 1.
  struct RecordSlot {
    Location entry;
    uint32_t unsettled = 0;  // deliveries neither acked nor dropped from the dead letters
    bool purged = false;
    int64_t settled_at_us = 0;  // latest of received_at and each settlement
  };
  // A delivery waiting in its recipient's queue (or in a dead letter).
  struct Queued {
    uint32_t seq = 0;
    uint32_t rules = 0;    // index into rule_lists_
    uint32_t payload = 0;  // index into the record's distinct redactions
  };
  struct Recipient {
    uint64_t last_id = 0;
    std::map<uint64_t, Queued> queue;  // unacked, by delivery id
  };
  struct Letter {
    std::string recipient;
    uint64_t delivery_id = 0;
    Queued queued;
    uint32_t attempts = 0;
    std::string reason;
    int64_t at_us = 0;
    std::string record_id;
    std::string source_agency;
    std::string record_type;
  };
  // One audit frame: where it is and the position of its first entry (from 0).
  struct AuditFrame {
    Location at;
    uint64_t first = 0;
  };
  struct Segment {
    std::string path;
    uint64_t size = 0;            // bytes of whole commits
    uint64_t allocated = 0;       // bytes of the file, zeros past `size` (preallocated)
    uint32_t purged_present = 0;  // purged records whose payloads are still in the file
    std::chrono::steady_clock::time_point opened;
  };

  JournalStore(std::string dir, JournalOptions options);

  // journal_recovery.cc
  Status Recover();
  Status ScanSegment(uint32_t number, bool newest);
  // Applies one entry of a commit that is whole on disk; `at` is where the entry is.
  Status Apply(const Frame& frame, Location at);
  Status ApplyRecord(const RecordEntry& entry, Location at);
  void ApplyAcks(const AcksEntry& acks);
  Status ApplyDeadLetter(const DeadLetterEntry& letter);
  Status ApplyRetry(const LetterOutcomeEntry& retry);
  Status ApplyDrop(const LetterOutcomeEntry& drop);
  void ApplyPurge(const std::vector<uint64_t>& seqs);

  // journal_store.cc
  // Encodes a commit's entries into buffer_ (empty when there is nothing to journal).
  Status EncodeCommit(std::span<const NewRecord> records, std::span<const AckedDelivery> acks,
                      const std::string& rule_set_hash);
  // Writes `frames` (whole entries, the last ending the commit) at the end of the active
  // segment and syncs; on failure cuts the segment back and returns kUnavailable. Then
  // applies them.
  Status Append(std::string_view frames);
  // Append in its three steps: makes room (a cut left by a failed write, a new segment);
  // after the write and sync, applies the frames, or cuts a failed write back.
  Status PrepareAppend(size_t bytes);
  Status FinishAppend(std::string_view frames, Status written);
  // Waits for the background write, if one was started, and applies it or cuts it back;
  // its outcome is kept for FinishCommit. Every change to the journal begins here.
  void SettleWrite();
  Status StartSegment();
  // Whether the next commit of `bytes` goes to a new segment.
  bool ShouldRoll(uint64_t bytes);
  Status CheckWritable() const;
  // Every change but a commit begins here: the background write settled, then writable.
  Status BeginChange();
  uint32_t InternRules(const std::vector<std::string_view>& rule_ids);
  RecordSlot& Slot(uint64_t seq) { return records_[seq - 1]; }
  // The seq of the journaled record with this id, or 0.
  Result<uint64_t> FindRecord(std::string_view record_id);
  // The record's id and redactions: from the cache, else read from its segment into
  // `scratch` (and cached). Valid until the next call.
  Result<const CachedRecord*> RecordPayloads(uint64_t seq, CachedRecord& scratch);
  // Reads and checks the frame at `at`; `buffer` holds its bytes.
  Result<Frame> ReadEntry(Location at, std::string& buffer);
  Result<int> SegmentFd(uint32_t number);

  // journal_retention.cc
  Status RewriteSegment(uint32_t number);

  std::string dir_;
  JournalOptions options_;
  DirectoryLock lock_;
  std::unique_ptr<SegmentPreallocator> preallocator_;
  std::map<uint32_t, Segment> segments_;  // the last is the active one
  int active_fd_ = -1;
  bool cut_pending_ = false;  // a failed commit's bytes may still follow the active size
  std::unordered_map<uint32_t, int> read_fds_;  // sealed segments opened for reading
  std::vector<RecordSlot> records_;
  std::vector<Location> fact_entries_;  // the registry facts entries, in journal order
  std::vector<AuditFrame> audit_frames_;  // in journal order
  uint64_t audit_count_ = 0;
  RecordIdIndex index_;
  std::map<std::string, Recipient, std::less<>> recipients_;
  std::map<uint64_t, Letter> letters_;
  uint64_t last_letter_id_ = 0;
  std::vector<std::vector<std::string>> rule_lists_;
  std::unordered_map<std::string, uint32_t> rule_index_;
  uint32_t last_rules_ = 0;  // the list InternRules returned last
  PayloadCache cache_;
  std::string buffer_;   // a commit's frames, reused
  std::string writing_;  // the frames of the commit being written in the background
  std::unordered_set<std::string> writing_ids_;  // the record ids in writing_
  std::optional<Status> started_outcome_;  // of the last StartCommit, until FinishCommit
  std::unique_ptr<CommitWriter> writer_;  // started with the first StartCommit
  RecordEntry decoded_;  // a record being applied, reused
};

}  // namespace gallery::store
