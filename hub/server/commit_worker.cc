#include "hub/server/commit_worker.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace gallery::server {

Result<std::unique_ptr<CommitWorker>> CommitWorker::Start(store::Store& store) {
  const int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd < 0) return Internal(std::string("eventfd: ") + std::strerror(errno));
  return std::unique_ptr<CommitWorker>(new CommitWorker(store, fd));
}

CommitWorker::CommitWorker(store::Store& store, int wake_fd)
    : store_(store), wake_fd_(wake_fd), thread_([this] { Run(); }) {}

CommitWorker::~CommitWorker() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_ready_.notify_one();
  thread_.join();
  close(wake_fd_);
}

void CommitWorker::Submit(CommitBatch batch) {
  busy_ = true;
  {
    std::lock_guard lock(mutex_);
    submitted_ = std::move(batch);
  }
  work_ready_.notify_one();
}

std::optional<FinishedCommit> CommitWorker::TakeFinished() {
  uint64_t count = 0;
  (void)!read(wake_fd_, &count, sizeof count);  // clears the wake-up; EAGAIN when none
  std::lock_guard lock(mutex_);
  if (!finished_) return std::nullopt;
  busy_ = false;
  return std::exchange(finished_, std::nullopt);
}

std::optional<FinishedCommit> CommitWorker::WaitFinished() {
  if (!busy_) return std::nullopt;
  {
    std::unique_lock lock(mutex_);
    work_done_.wait(lock, [&] { return finished_.has_value(); });
  }
  return TakeFinished();
}

void CommitWorker::Run() {
  for (;;) {
    CommitBatch batch;
    {
      std::unique_lock lock(mutex_);
      work_ready_.wait(lock, [&] { return stopping_ || submitted_.has_value(); });
      if (!submitted_) return;  // stopping, nothing left to commit
      batch = std::move(*submitted_);
      submitted_.reset();
    }
    Status status = store_.Commit(batch.records, batch.acks, batch.rule_set_hash);
    {
      std::lock_guard lock(mutex_);
      finished_ = FinishedCommit{std::move(status), std::move(batch)};
    }
    work_done_.notify_one();
    const uint64_t one = 1;
    (void)!write(wake_fd_, &one, sizeof one);
  }
}

}  // namespace gallery::server
