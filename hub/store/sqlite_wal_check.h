// Reads an SQLite write-ahead log before the database is opened, to report what crash
// recovery will keep and what it will drop.
#pragma once

#include <cstdint>
#include <string>

#include "hub/common/result.h"

namespace gallery::store {

struct WalTail {
  uint64_t committed_frames = 0;  // frames up to and including the last valid commit
  uint64_t dropped_frames = 0;    // frames after it: an unfinished or torn transaction
  uint64_t dropped_bytes = 0;     // bytes after the last valid commit, to the end of file
};

// Walks the WAL's frames, checking salts and the cumulative checksums as SQLite does
// (https://www.sqlite.org/fileformat.html#the_write_ahead_log). A missing or empty WAL
// is an empty tail. kDataLoss when the header itself is unreadable. Blocks on file I/O.
Result<WalTail> InspectWal(const std::string& wal_path);

}  // namespace gallery::store
