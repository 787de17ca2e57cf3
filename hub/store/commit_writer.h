// Writes and syncs one commit at a time on a thread of its own, so that the hub can read
// and route its next batch while the disk takes the last one: the sync is most of a
// commit's time, and the copy into the page cache much of the rest.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "hub/common/status.h"

namespace gallery::store {

// Start() and Wait() are called from one thread, in turn; the writing happens on another.
class CommitWriter {
 public:
  explicit CommitWriter(bool sync);
  ~CommitWriter();  // waits for a started write, then stops the thread
  CommitWriter(const CommitWriter&) = delete;
  CommitWriter& operator=(const CommitWriter&) = delete;

  // Writes `data` at `offset` of `fd` (the file at `path`, for errors) and, when syncing,
  // fdatasyncs it. `data` must stay unchanged until Wait() returns. One write at a time.
  void Start(int fd, std::string_view data, uint64_t offset, const std::string& path);
  // Whether a write was started and not yet waited for.
  bool started() const { return started_; }
  // Blocks until the started write is done; its outcome (OK when none was started).
  Status Wait();

 private:
  void Run();

  const bool sync_;
  bool started_ = false;  // caller's thread only
  std::mutex mutex_;
  std::condition_variable changed_;
  bool pending_ = false;  // a write to do (guarded)
  bool done_ = false;     // the write is done (guarded)
  bool stopping_ = false;
  int fd_ = -1;
  std::string_view data_;
  uint64_t offset_ = 0;
  std::string path_;
  Status outcome_;
  std::thread thread_;  // last: starts once the rest is set up
};

}  // namespace gallery::store
