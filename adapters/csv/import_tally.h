// Bookkeeping for one adapter-csv run: which row became which record, what the hub said
// about it, and the per-file summary and exit status that follow.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "hub/common/status.h"

namespace gallery::csv {

// Outcome of one run when nothing stopped it early (usage errors are decided elsewhere).
inline constexpr int kExitAllConfirmed = 0;
inline constexpr int kExitRowsRefused = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitNotConfirmedInTime = 3;

// Not thread-safe. Files are numbered in the order AddFile was called.
class ImportTally {
 public:
  // Starts counting `file`, which has `rows` data rows. Returns the file's number.
  size_t AddFile(std::string file, size_t rows);

  // Counts a row refused before reaching the hub. `reason` is the mapping's error; its
  // leading "file:line:" or "file:line:col:" position is dropped, as the report adds its
  // own. `record_id` may be empty when the row has none.
  void Reject(size_t file, int line, std::string_view record_id, std::string_view reason);

  // Notes that the row's record was handed to the publisher. Returns false, and counts the
  // row as refused, when another row of this run already has the same record id: the hub
  // would store only the first and silently drop the other.
  bool Sent(size_t file, int line, const std::string& record_id);

  // Counts a sent row as refused because the publisher would not take it.
  void SendFailed(const std::string& record_id, const Status& status);

  // Applies the hub's outcome for a sent record. Returns false for an id that was never
  // sent (or already settled), which the caller should log.
  bool Settle(const std::string& record_id, const Status& status, bool duplicate);

  // "FILE: N rows, C confirmed, D duplicates, R rejected[, U unconfirmed]" and then one
  // line per refused row, "FILE:LINE: record ID: REASON", in line order.
  // With --check: "FILE: N rows, M mapped, R rejected".
  std::string Report(size_t file, bool check) const;

  // kExitNotConfirmedInTime if any row is neither confirmed nor refused, else
  // kExitRowsRefused if any row was refused, else kExitAllConfirmed.
  int ExitCode() const;

  size_t unconfirmed() const;

 private:
  struct Refusal {
    int line = 0;
    std::string record_id;
    std::string reason;
  };
  struct FileCount {
    std::string file;
    size_t rows = 0;
    size_t confirmed = 0;   // newly stored by the hub (under --check: mapped)
    size_t duplicates = 0;  // confirmed, but the hub already had the id
    std::vector<Refusal> refusals;
  };
  bool Refuse(const std::string& record_id, std::string reason);

  struct Pending {
    size_t file = 0;
    int line = 0;
  };

  std::vector<FileCount> files_;
  std::map<std::string, Pending, std::less<>> pending_;    // sent, awaiting the hub
  std::map<std::string, Pending, std::less<>> first_row_;  // every id sent in this run
};

}  // namespace gallery::csv
