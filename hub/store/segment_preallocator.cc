#include "hub/store/segment_preallocator.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "hub/store/journal_files.h"

namespace gallery::store {
namespace {

constexpr size_t kPiece = size_t{1} << 20;

}  // namespace

SegmentPreallocator::SegmentPreallocator(std::string path, uint64_t bytes)
    : path_(std::move(path)), bytes_(bytes) {
  ::unlink(path_.c_str());  // a spare left by a crash may be half written
  thread_ = std::thread([this] { Run(); });
}

SegmentPreallocator::~SegmentPreallocator() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
  ::unlink(path_.c_str());
}

bool SegmentPreallocator::ready() {
  std::lock_guard<std::mutex> lock(mutex_);
  return ready_;
}

void SegmentPreallocator::Retry() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (ready_ || filling_) return;
  wanted_ = true;
  wake_.notify_all();
}

Result<bool> SegmentPreallocator::TakeAs(const std::string& path) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!ready_) return false;
  if (::rename(path_.c_str(), path.c_str()) != 0) return FileError("renaming", path_, errno);
  ready_ = false;
  wanted_ = true;
  wake_.notify_all();
  return true;
}

void SegmentPreallocator::Run() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stop_ || wanted_; });
    if (stop_) return;
    wanted_ = false;
    filling_ = true;
    lock.unlock();
    const bool filled = Fill();
    lock.lock();
    filling_ = false;
    ready_ = filled;
  }
}

bool SegmentPreallocator::Fill() {
  const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    spdlog::warn("store: cannot prepare the next segment {}: {}", path_, std::strerror(errno));
    return false;
  }
  // Real zeros: blocks merely reserved (fallocate) are converted on first write, which
  // costs a metadata commit at every sync.
  const std::vector<char> zeros(kPiece, '\0');
  Status status;
  for (uint64_t done = 0; status.ok() && done < bytes_; done += kPiece) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stop_) status = Unavailable("stopping");
    }
    if (status.ok())
      status = WriteAt(fd, {zeros.data(), std::min<uint64_t>(kPiece, bytes_ - done)}, done, path_);
  }
  if (status.ok() && ::fsync(fd) != 0) status = FileError("syncing", path_, errno);
  ::close(fd);
  if (!status.ok()) {
    ::unlink(path_.c_str());
    // Commits go on into files that grow as they are written, at the cost of slower syncs.
    if (status.message() != "stopping") {
      spdlog::warn("store: cannot prepare the next segment: {}; segments grow as written",
                   status.message());
    }
    return false;
  }
  return true;
}

}  // namespace gallery::store
