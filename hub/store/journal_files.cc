#include "hub/store/journal_files.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>

namespace gallery::store {
namespace {

constexpr std::string_view kSegmentSuffix = ".journal";
constexpr std::string_view kRewriteSuffix = ".journal.rewrite";

// The segment number of a file named "<digits><suffix>", or 0.
uint32_t NumberOf(std::string_view name, std::string_view suffix) {
  if (!name.ends_with(suffix)) return 0;
  name.remove_suffix(suffix.size());
  uint32_t number = 0;
  const auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), number);
  return error == std::errc() && end == name.data() + name.size() ? number : 0;
}

}  // namespace

std::string SegmentFileName(uint32_t number) {
  char name[32];
  std::snprintf(name, sizeof name, "%06u.journal", number);
  return name;
}

std::string RewriteFileName(uint32_t number) { return SegmentFileName(number) + ".rewrite"; }

Result<std::vector<uint32_t>> ListSegments(const std::string& dir, bool remove_leftovers) {
  std::vector<uint32_t> numbers;
  std::error_code error;
  bool removed = false;
  for (const auto& item : std::filesystem::directory_iterator(dir, error)) {
    const std::string name = item.path().filename().string();
    if (NumberOf(name, kRewriteSuffix) != 0) {
      if (!remove_leftovers) continue;
      spdlog::warn("store {}: removing {}, an unfinished retention rewrite", dir, name);
      if (::unlink(item.path().c_str()) != 0) return FileError("removing", item.path(), errno);
      removed = true;
    } else if (uint32_t number = NumberOf(name, kSegmentSuffix); number != 0) {
      numbers.push_back(number);
    }
  }
  if (error) return Unavailable("cannot list store " + dir + ": " + error.message());
  if (removed) GALLERY_RETURN_IF_ERROR(SyncDirectory(dir));
  std::sort(numbers.begin(), numbers.end());
  return numbers;
}

Status FileError(std::string_view what, const std::string& path, int error) {
  std::string message = std::string(what) + " " + path + ": " + std::strerror(error);
  if (error == ENOSPC || error == EDQUOT) message += " (disk full)";
  return Unavailable(std::move(message));
}

Status WriteAt(int fd, std::string_view data, uint64_t offset, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = ::pwrite(fd, data.data(), data.size(), static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return FileError("writing", path, errno);
    if (n == 0) return FileError("writing", path, ENOSPC);
    data.remove_prefix(static_cast<size_t>(n));
    offset += static_cast<uint64_t>(n);
  }
  return OkStatus();
}

Status ReadAt(int fd, uint64_t offset, size_t size, std::string& out, const std::string& path) {
  out.resize(size);
  size_t done = 0;
  while (done < size) {
    const ssize_t n =
        ::pread(fd, out.data() + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return FileError("reading", path, errno);
    if (n == 0) {
      return DataLoss("store file " + path + " ends at " + std::to_string(offset + done) +
                      ", inside an entry that should be there");
    }
    done += static_cast<size_t>(n);
  }
  return OkStatus();
}

Status SyncDirectory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return FileError("opening", dir, errno);
  const int rc = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  return rc == 0 ? OkStatus() : FileError("syncing the directory", dir, error);
}

Result<MappedFile> MappedFile::Open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return FileError("opening", path, errno);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const int error = errno;
    ::close(fd);
    return FileError("reading", path, error);
  }
  MappedFile file;
  if (st.st_size > 0) {
    void* data = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    if (data == MAP_FAILED) {
      const int error = errno;
      ::close(fd);
      return FileError("mapping", path, error);
    }
    // Read once, front to back.
    ::madvise(data, static_cast<size_t>(st.st_size), MADV_SEQUENTIAL);
    file.data_ = data;
    file.size_ = static_cast<size_t>(st.st_size);
  }
  ::close(fd);
  return file;
}

MappedFile::MappedFile(MappedFile&& other) noexcept : data_(other.data_), size_(other.size_) {
  other.data_ = nullptr;
  other.size_ = 0;
}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  std::swap(data_, other.data_);
  std::swap(size_, other.size_);
  return *this;
}

MappedFile::~MappedFile() {
  if (data_ != nullptr) ::munmap(data_, size_);
}

Result<DirectoryLock> DirectoryLock::Acquire(const std::string& dir) {
  const std::string path = dir + "/LOCK";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return FileError("opening", path, errno);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    char pid[32] = {};
    const ssize_t n = ::pread(fd, pid, sizeof pid - 1, 0);
    ::close(fd);
    if (error != EWOULDBLOCK) return FileError("locking", path, error);
    std::string holder(pid, n > 0 ? static_cast<size_t>(n) : 0);
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == '\0')) holder.pop_back();
    return FailedPrecondition("store " + dir + " is in use by another process" +
                              (holder.empty() ? "" : " (pid " + holder + ")") +
                              "; one hub process per store");
  }
  // The holder's pid, for the message above; never synced (it means nothing after a crash).
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    spdlog::warn("store {}: cannot write the pid into LOCK: {}", dir, std::strerror(errno));
  }
  DirectoryLock lock;
  lock.fd_ = fd;
  return lock;
}

DirectoryLock& DirectoryLock::operator=(DirectoryLock&& other) noexcept {
  std::swap(fd_, other.fd_);
  return *this;
}

DirectoryLock::~DirectoryLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace gallery::store
