#include "hub/store/commit_writer.h"

#include <unistd.h>

#include <cerrno>
#include <utility>

#include "hub/store/journal_files.h"

namespace gallery::store {

CommitWriter::CommitWriter(bool sync) : sync_(sync), thread_([this] { Run(); }) {}

CommitWriter::~CommitWriter() {
  (void)Wait();
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void CommitWriter::Start(int fd, std::string_view data, uint64_t offset,
                         const std::string& path) {
  {
    std::lock_guard lock(mutex_);
    fd_ = fd;
    data_ = data;
    offset_ = offset;
    path_ = path;
    pending_ = true;
    done_ = false;
  }
  started_ = true;
  changed_.notify_all();
}

Status CommitWriter::Wait() {
  if (!started_) return OkStatus();
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return done_; });
  started_ = false;
  return std::exchange(outcome_, OkStatus());
}

void CommitWriter::Run() {
  std::unique_lock lock(mutex_);
  while (true) {
    changed_.wait(lock, [this] { return pending_ || stopping_; });
    if (!pending_) return;
    pending_ = false;
    const int fd = fd_;
    const std::string_view data = data_;
    const uint64_t offset = offset_;
    const std::string path = path_;
    lock.unlock();
    Status written = WriteAt(fd, data, offset, path);
    if (written.ok() && sync_ && ::fdatasync(fd) != 0) written = FileError("syncing", path, errno);
    lock.lock();
    outcome_ = std::move(written);
    done_ = true;
    changed_.notify_all();
  }
}

}  // namespace gallery::store
