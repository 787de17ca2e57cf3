// RejectsFile: the refused rows of one input, collected as CSV ("line,record_id,reason")
// beside the watcher's progress, so that a resumed import neither loses nor repeats them.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "hub/common/result.h"
#include "hub/common/status.h"

namespace gallery::csv {

// Not thread-safe. Reasons name columns and positions, never cell values (the mapping's
// and the hub's messages are written that way).
class RejectsFile {
 public:
  // Opens `path`, keeping its first `keep_bytes` (what the last saved progress counted)
  // and cutting anything after them; writes the header row when the file is empty.
  // kUnavailable when it cannot be opened or cut. Blocks on I/O.
  static Result<std::unique_ptr<RejectsFile>> Open(const std::string& path, uint64_t keep_bytes);
  ~RejectsFile();

  // Appends one refused row; durable after Sync(). `line` 0 means the whole file.
  Status Add(int line, std::string_view record_id, std::string_view reason);
  // Flushes and fdatasyncs. kUnavailable on failure.
  Status Sync();

  // Bytes written so far, header included: what a progress file records.
  uint64_t bytes() const { return bytes_; }
  // True when no row has been added, by this run or an earlier one.
  bool empty() const { return bytes_ <= header_bytes_; }
  const std::string& path() const { return path_; }

 private:
  RejectsFile(std::string path, std::FILE* file, uint64_t bytes, uint64_t header_bytes)
      : path_(std::move(path)), file_(file), bytes_(bytes), header_bytes_(header_bytes) {}

  std::string path_;
  std::FILE* file_;
  uint64_t bytes_;
  uint64_t header_bytes_;
};

}  // namespace gallery::csv
