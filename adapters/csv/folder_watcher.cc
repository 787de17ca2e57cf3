#include "adapters/csv/folder_watcher.h"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace gallery::csv {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

bool IsIgnoredName(std::string_view name) {
  return name.empty() || name.front() == '.' || EndsWith(name, ".tmp") || EndsWith(name, ".part");
}

Result<FolderWatcher> FolderWatcher::Open(const std::string& dir) {
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error)) return NotFound(dir + ": no such folder");
  const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) return Unavailable(std::string("inotify: ") + std::strerror(errno));
  if (::inotify_add_watch(fd, dir.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO) < 0) {
    Status failed = Unavailable("cannot watch " + dir + ": " + std::strerror(errno));
    ::close(fd);
    return failed;
  }
  return FolderWatcher(dir, fd);
}

FolderWatcher::FolderWatcher(FolderWatcher&& other) noexcept
    : dir_(std::move(other.dir_)), fd_(other.fd_) {
  other.fd_ = -1;
}

FolderWatcher::~FolderWatcher() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::vector<std::string>> FolderWatcher::Wait(std::chrono::milliseconds timeout) {
  std::vector<std::string> names;
  pollfd pfd{fd_, POLLIN, 0};
  const int ready = ::poll(&pfd, 1, static_cast<int>(timeout.count()));
  if (ready < 0 && errno == EINTR) return names;
  if (ready < 0) return Unavailable(std::string("waiting for inotify: ") + std::strerror(errno));
  if (ready == 0) return names;
  alignas(inotify_event) char buffer[16 * 1024];
  for (;;) {
    const ssize_t n = ::read(fd_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) break;
    if (n < 0) return Unavailable(std::string("reading inotify: ") + std::strerror(errno));
    for (ssize_t at = 0; at < n;) {
      inotify_event event;
      std::memcpy(&event, buffer + at, sizeof event);
      const char* name = buffer + at + sizeof(inotify_event);
      if (event.len > 0 && (event.mask & IN_ISDIR) == 0 && !IsIgnoredName(name)) {
        names.emplace_back(name);
      }
      at += static_cast<ssize_t>(sizeof(inotify_event) + event.len);
    }
  }
  return names;
}

std::vector<std::string> FolderWatcher::Scan(std::chrono::milliseconds settle) const {
  namespace fs = std::filesystem;
  std::vector<std::string> names;
  std::error_code error;
  const auto now = fs::file_time_type::clock::now();
  for (const auto& entry : fs::directory_iterator(dir_, error)) {
    const std::string name = entry.path().filename().string();
    if (IsIgnoredName(name) || !entry.is_regular_file(error)) continue;
    const auto modified = entry.last_write_time(error);
    if (error || now - modified < settle) continue;
    names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace gallery::csv
