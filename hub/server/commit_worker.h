// CommitWorker: runs the store's journal commits on a thread of their own, one at a time
// and in the order submitted, so that the hub thread takes in and routes the next batch
// while the disk (or the database server) makes the current one durable.
#pragma once

#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "hub/common/status.h"
#include "hub/store/store.h"

namespace gallery::server {

// One batch for Store::Commit.
struct CommitBatch {
  std::vector<store::NewRecord> records;
  std::vector<store::AckedDelivery> acks;
  std::string rule_set_hash;
};

// A batch whose commit has returned.
struct FinishedCommit {
  Status status;
  CommitBatch batch;
};

// Owned and driven by one thread (the hub's), which must not use `store` while busy():
// the store is not thread-safe, and between Submit and TakeFinished the worker owns it.
// `store` must outlive the worker. The destructor waits for a commit in progress.
class CommitWorker {
 public:
  // kInternal when the wake-up descriptor cannot be made.
  static Result<std::unique_ptr<CommitWorker>> Start(store::Store& store);
  ~CommitWorker();
  CommitWorker(const CommitWorker&) = delete;
  CommitWorker& operator=(const CommitWorker&) = delete;

  // Hands `batch` to the worker. Only when !busy(). Never blocks.
  void Submit(CommitBatch batch);

  // True from Submit until TakeFinished has returned the batch.
  bool busy() const { return busy_; }

  // Readable (an eventfd) once a submitted commit has finished: for the hub's poll.
  int wake_fd() const { return wake_fd_; }

  // The finished commit, once; nullopt while it is still running (or none was submitted).
  // Never blocks.
  std::optional<FinishedCommit> TakeFinished();

  // Blocks until the submitted commit (if any) has finished, then returns it.
  std::optional<FinishedCommit> WaitFinished();

 private:
  CommitWorker(store::Store& store, int wake_fd);
  void Run();

  store::Store& store_;
  const int wake_fd_;
  bool busy_ = false;  // hub thread only

  std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable work_done_;
  std::optional<CommitBatch> submitted_;      // guarded by mutex_
  std::optional<FinishedCommit> finished_;    // guarded by mutex_
  bool stopping_ = false;                     // guarded by mutex_
  std::thread thread_;
};

}  // namespace gallery::server
