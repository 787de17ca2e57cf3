// File handling for the journal store: segment names, whole reads and writes, directory
// syncs, the directory lock, and errno turned into Status.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hub/common/result.h"
#include "hub/common/status.h"

namespace gallery::store {

// "000042.journal".
std::string SegmentFileName(uint32_t number);
// The numbers of the segment files in `dir`, ascending. With `remove_leftovers`, removes
// what a retention rewrite interrupted by a crash left ("*.journal.rewrite"): the segment
// it was made from is still whole.
Result<std::vector<uint32_t>> ListSegments(const std::string& dir, bool remove_leftovers);
// The temporary name under which retention rewrites segment `number`.
std::string RewriteFileName(uint32_t number);

// kUnavailable (the caller retries later) naming `what` and `path`; for ENOSPC and EDQUOT
// the message says that the disk is full.
Status FileError(std::string_view what, const std::string& path, int error);

// Writes all of `data` at `offset`. Errors as FileError.
Status WriteAt(int fd, std::string_view data, uint64_t offset, const std::string& path);
// Reads exactly `size` bytes at `offset` into `out`. kDataLoss when the file is shorter.
Status ReadAt(int fd, uint64_t offset, size_t size, std::string& out, const std::string& path);
// fsyncs the directory, so that files created or renamed in it stay after a power loss.
Status SyncDirectory(const std::string& dir);

// A read-only view of a whole file, mapped; empty for an empty file. Move-only.
class MappedFile {
 public:
  static Result<MappedFile> Open(const std::string& path);
  MappedFile() = default;
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  ~MappedFile();

  std::string_view data() const { return {static_cast<const char*>(data_), size_}; }

 private:
  void* data_ = nullptr;
  size_t size_ = 0;
};

// The journal directory's LOCK file, held (flock) for the life of the object, so that one
// process at a time writes a journal. Move-only.
class DirectoryLock {
 public:
  // kFailedPrecondition naming the holder's pid when another process holds it.
  static Result<DirectoryLock> Acquire(const std::string& dir);
  DirectoryLock() = default;
  DirectoryLock(DirectoryLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  DirectoryLock& operator=(DirectoryLock&& other) noexcept;
  ~DirectoryLock();

 private:
  int fd_ = -1;
};

}  // namespace gallery::store
