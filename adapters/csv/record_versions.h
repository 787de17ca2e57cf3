// RecordVersions: which version of each row the hub has confirmed, kept across runs of the
// folder watcher, so a re-exported row is sent again only when its content changed.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "gallery/v1/record.pb.h"
#include "hub/common/result.h"
#include "hub/common/status.h"

namespace gallery::csv {

// The content hash of a retracted row: no mapped record hashes to it in practice.
inline constexpr uint64_t kRetractedHash = 0;

// The hub's latest confirmed version of one row.
struct RowVersion {
  uint32_t number = 1;  // 1: the original record; n > 1: its (n-1)th correction
  uint64_t hash = 0;    // ContentHash of that version, or kRetractedHash
};

// Not thread-safe. An append-only file of "record_id<TAB>number<TAB>hash" lines; the last
// line of an id wins.
class RecordVersions {
 public:
  // Opens (creating) the file at `path` and reads it, cutting off a last line torn by a
  // crash (it was never synced). kUnavailable when it cannot be opened; kDataLoss naming
  // the line when a whole line is malformed. Blocks on I/O.
  static Result<std::unique_ptr<RecordVersions>> Open(const std::string& path);
  ~RecordVersions();

  // The latest version noted for `record_id`, or nullptr.
  const RowVersion* Latest(const std::string& record_id) const;

  // Notes `version` of `record_id`; durable only after Sync(). kUnavailable on write errors.
  Status Note(const std::string& record_id, RowVersion version);

  // Flushes and fdatasyncs the notes so far. kUnavailable on failure.
  Status Sync();

 private:
  RecordVersions(std::string path, std::FILE* file,
                 std::unordered_map<std::string, RowVersion> latest);

  std::string path_;
  std::FILE* file_;
  std::unordered_map<std::string, RowVersion> latest_;
};

// A stable hash of `record`'s content, record id excluded.
uint64_t ContentHash(const v1::Record& record);

// What to send for one mapped row.
enum class RowAction {
  kNew,        // first time seen: the record under the row's own id
  kUnchanged,  // the hub has this version already: nothing to send
  kResend,     // changed, but the mapping does not amend: the row's own id (a hub duplicate)
  kAmend,      // changed: a correction "<id>:v<n>" with amends = "<id>"
  kRetract,    // marked deleted: "<id>:v<n>" with retracts = "<id>" and no content
};

struct RowPlan {
  RowAction action = RowAction::kNew;
  v1::Record record;   // what to publish; unset for kUnchanged
  RowVersion version;  // what to note once the hub confirms it
};

// Decides what to send for `mapped` (as RowMapper made it, under the row's own id) given
// the hub's `latest` confirmed version (nullptr: none known). `deleted` is the mapping's
// deleted marker; `amend` whether changed rows become amendments. Pure; thread-safe.
RowPlan PlanRow(v1::Record mapped, bool deleted, bool amend, const RowVersion* latest);

// The id of version `number` of the row whose own id is `record_id`.
std::string VersionId(const std::string& record_id, uint32_t number);

}  // namespace gallery::csv
