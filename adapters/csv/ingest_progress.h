// IngestProgress: the durable note of how far the folder watcher has got in one input file,
// so that after a crash it resumes after the last row the hub confirmed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "adapters/csv/file_identity.h"
#include "hub/common/result.h"
#include "hub/common/status.h"

namespace gallery::csv {

// Plain value, one per input file, stored as "<state dir>/<file name>.progress".
struct IngestProgress {
  FileIdentity identity;       // the file this progress is about
  uint64_t next_row = 0;       // data rows [0, next_row) are settled: confirmed or refused
  int last_line = 0;           // the physical line of row next_row - 1, for people reading it
  uint64_t rejects_bytes = 0;  // length of the rejects being collected, as of next_row
  bool complete = false;       // every row settled; only the moves to done/ may be missing
  bool refused_whole = false;  // unreadable or not fitting the mapping: goes to rejected/
};

// The text form: "key value" lines, starting with a format line, so an operator can read it.
std::string SerializeProgress(const IngestProgress& progress);

// The inverse of SerializeProgress. kDataLoss naming `file` when the text is not one
// (unknown format line, missing or malformed key); a torn file cannot occur since
// SaveProgress replaces it whole.
Result<IngestProgress> ParseProgress(std::string_view text, const std::string& file);

// Reads the progress at `path`. kNotFound when there is none; ParseProgress's errors;
// kUnavailable when it cannot be read. Blocks on I/O.
Result<IngestProgress> LoadProgress(const std::string& path);

// Replaces the progress at `path` durably (write temp, fsync, rename, fsync folder), so a
// crash leaves the old or the new progress. kUnavailable on failure. Blocks on I/O.
Status SaveProgress(const std::string& path, const IngestProgress& progress);

}  // namespace gallery::csv
