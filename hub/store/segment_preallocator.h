// SegmentPreallocator: prepares the journal's next segment file on a thread of its own,
// written full of zeros and synced, so that commits into it overwrite blocks that are
// already allocated and their fdatasync has no metadata (file size, extents) to write.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "hub/common/result.h"

namespace gallery::store {

// Thread-safe. The thread touches only the spare file, never a segment in use.
class SegmentPreallocator {
 public:
  // The spare is `path`, `bytes` long. Starts preparing one at once.
  SegmentPreallocator(std::string path, uint64_t bytes);
  // Stops the thread (at most one 1 MiB write later) and removes the spare.
  ~SegmentPreallocator();
  SegmentPreallocator(const SegmentPreallocator&) = delete;
  SegmentPreallocator& operator=(const SegmentPreallocator&) = delete;

  // When a spare is ready: renames it to `path` (the caller syncs the directory), starts
  // preparing the next, and returns true. False when none is ready (never blocks on the
  // thread's writing). kUnavailable when the rename fails.
  Result<bool> TakeAs(const std::string& path);

  // True once a spare is ready to take.
  bool ready();

  // Prepares a spare again after an attempt failed (a full disk, say). Never blocks.
  void Retry();

  uint64_t bytes() const { return bytes_; }

 private:
  void Run();
  // Writes the whole spare; false (file removed, reason logged) on error or stop.
  bool Fill();

  const std::string path_;
  const uint64_t bytes_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool wanted_ = true;    // guarded by mutex_
  bool ready_ = false;    // guarded by mutex_
  bool stop_ = false;     // guarded by mutex_
  bool filling_ = false;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace gallery::store
