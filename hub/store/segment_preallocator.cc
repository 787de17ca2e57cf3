#include "hub/store/segment_preallocator.h"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "hub/store/journal_files.h"

namespace gallery::store {
namespace {

constexpr size_t kPiece = size_t{128} << 10;
// Buffer and size alignment for direct writes (a multiple of any disk's logical block).
constexpr size_t kAlign = 4096;

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
  // The spare must not take the disk's last free space, even for the moment it exists: a
  // commit or any other write of the hub's would fail meanwhile. Keep a segment's worth
  // free beside it.
  const std::string dir = path_.substr(0, path_.find_last_of('/') + 1);
  struct statvfs disk {};
  if (::statvfs(dir.empty() ? "." : dir.c_str(), &disk) == 0 &&
      static_cast<uint64_t>(disk.f_bavail) * disk.f_frsize < 2 * bytes_) {
    spdlog::warn("store: not preparing the next segment: {} MiB free, {} MiB wanted beside it; "
                 "segments grow as written",
                 static_cast<uint64_t>(disk.f_bavail) * disk.f_frsize >> 20, 2 * bytes_ >> 20);
    return false;
  }
  // Real zeros: blocks merely reserved (fallocate) are converted on first write, which
  // costs a metadata commit at every sync. Written past the page cache (O_DIRECT) where the
  // filesystem allows, a piece at a time: the zeros then cost no copies, and reach the disk
  // spread out rather than as one burst at the final sync, which commits would queue behind.
  const bool direct_possible = bytes_ % kAlign == 0;
  int fd = direct_possible
               ? ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_DIRECT, 0644)
               : -1;
  bool direct = fd >= 0;
  if (!direct) fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    spdlog::warn("store: cannot prepare the next segment {}: {}", path_, std::strerror(errno));
    return false;
  }
  std::unique_ptr<char, decltype(&std::free)> zeros(
      static_cast<char*>(std::aligned_alloc(kAlign, kPiece)), &std::free);
  std::memset(zeros.get(), 0, kPiece);
  Status status;
  for (uint64_t done = 0; status.ok() && done < bytes_; done += kPiece) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stop_) status = Unavailable("stopping");
    }
    if (!status.ok()) break;
    const std::string_view piece(zeros.get(), std::min<uint64_t>(kPiece, bytes_ - done));
    if (direct) {
      const ssize_t n = ::pwrite(fd, piece.data(), piece.size(), static_cast<off_t>(done));
      if (n == static_cast<ssize_t>(piece.size())) continue;
      if (n >= 0 || errno != EINVAL) {
        status = FileError("writing", path_, n < 0 ? errno : ENOSPC);
        break;
      }
      // The filesystem refused direct writes after all: go on through the page cache.
      const int buffered = ::open(path_.c_str(), O_WRONLY | O_CLOEXEC);
      if (buffered < 0) {
        status = FileError("reopening", path_, errno);
        break;
      }
      ::close(fd);
      fd = buffered;
      direct = false;
    }
    status = WriteAt(fd, piece, done, path_);
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
