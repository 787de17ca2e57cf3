#include "adapters/csv/durable_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace gallery::csv {
namespace {

Status Errno(const std::string& what, const std::string& path) {
  return Unavailable(what + " " + path + ": " + std::strerror(errno));
}

std::string ParentOf(const std::string& path) {
  const std::string parent = std::filesystem::path(path).parent_path().string();
  return parent.empty() ? "." : parent;
}

}  // namespace

Status SyncDirectory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open folder", dir);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Errno("cannot sync folder", dir);
  return OkStatus();
}

Status WriteFileDurably(const std::string& path, std::string_view content) {
  const std::string temp = path + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return Errno("cannot create", temp);
  size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status error = Errno("cannot write", temp);
      ::close(fd);
      return error;
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    Status error = Errno("cannot sync", temp);
    ::close(fd);
    return error;
  }
  ::close(fd);
  if (::rename(temp.c_str(), path.c_str()) != 0) return Errno("cannot rename to", path);
  return SyncDirectory(ParentOf(path));
}

Status MoveDurably(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) return Errno("cannot move " + from + " to", to);
  const std::string from_dir = ParentOf(from);
  const std::string to_dir = ParentOf(to);
  if (Status s = SyncDirectory(to_dir); !s.ok()) return s;
  return from_dir == to_dir ? OkStatus() : SyncDirectory(from_dir);
}

std::string FreeNameIn(const std::string& dir, const std::string& name) {
  namespace fs = std::filesystem;
  const fs::path first = fs::path(dir) / name;
  std::error_code error;
  if (!fs::exists(first, error)) return first.string();
  const std::string stem = fs::path(name).stem().string();
  const std::string ext = fs::path(name).extension().string();
  for (int n = 2;; ++n) {
    const fs::path candidate = fs::path(dir) / (stem + "." + std::to_string(n) + ext);
    if (!fs::exists(candidate, error)) return candidate.string();
  }
}

}  // namespace gallery::csv
