// FileIngester: takes one finished file of a watched folder to the hub exactly once, even
// across crashes, resuming after the last row the hub confirmed (see README, watcher mode).
#pragma once

#include <atomic>
#include <cstddef>
#include <string>

#include "adapters/csv/csv_mapping.h"
#include "adapters/csv/record_versions.h"
#include "adapters/sdk/publisher.h"
#include "hub/common/result.h"

namespace gallery::csv {

struct WatchFolders {
  std::string dir;        // the drop folder; done/ and rejected/ are made inside it
  std::string state_dir;  // progress and rejects being collected, one set per input
};

// What became of one file's rows in this run (a resumed file counts only what was left).
struct IngestCounts {
  size_t rows = 0;         // data rows in the file
  size_t resumed_at = 0;   // rows settled by earlier runs
  size_t confirmed = 0;    // newly stored by the hub (corrections included)
  size_t duplicates = 0;   // confirmed, but the hub already had the id
  size_t unchanged = 0;    // the hub already had this version: not sent
  size_t amendments = 0;   // sent as corrections of an earlier version
  size_t retractions = 0;  // marked deleted: sent as retractions
  size_t rejected = 0;     // refused by the mapping or the hub
};

enum class IngestEnd {
  kDone,      // every row settled; the file is in done/ (or rejected/ when unreadable)
  kStopped,   // `stop` was raised; progress is saved and the file stays for the next run
  kNotThere,  // the file is not in the folder (any progress kept about it is dropped)
};

// Not thread-safe; one per watcher. References must outlive it.
class FileIngester {
 public:
  FileIngester(const CsvMapping& mapping, sdk::Publisher& publisher, RecordVersions& versions,
               WatchFolders folders, const std::atomic<bool>& stop, size_t max_in_flight);

  // Ingests "<dir>/<name>", blocking until every row is settled or `stop` is raised (then
  // it waits for the confirms of rows already sent, up to kStopConfirmWait). Waits out an
  // unreachable hub. Returns the hub's refusal of the session (e.g. kUnauthenticated) or
  // a local I/O error (kUnavailable) when it cannot go on; the file then stays in place.
  Result<IngestEnd> Ingest(const std::string& name, IngestCounts& counts);

 private:
  class Run;

  const CsvMapping& mapping_;
  sdk::Publisher& publisher_;
  RecordVersions& versions_;
  WatchFolders folders_;
  const std::atomic<bool>& stop_;
  size_t max_in_flight_;
};

}  // namespace gallery::csv
