// FolderWatcher: tells the folder watcher which files in a drop folder are finished, from
// inotify events and, as a fallback for filesystems without them, a periodic rescan.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "hub/common/result.h"

namespace gallery::csv {

// True for names the watcher never takes: hidden ('.' first), and files still being
// written by convention ("*.tmp", "*.part").
bool IsIgnoredName(std::string_view name);

// Not thread-safe. Owns an inotify descriptor on one folder.
class FolderWatcher {
 public:
  // Watches `dir` for files closed after writing or renamed into it. kNotFound when the
  // folder does not exist; kUnavailable when inotify cannot be set up.
  static Result<FolderWatcher> Open(const std::string& dir);
  FolderWatcher(FolderWatcher&& other) noexcept;
  FolderWatcher& operator=(FolderWatcher&&) = delete;
  ~FolderWatcher();

  // Waits up to `timeout` for events and returns the names (not paths) of the files
  // finished meanwhile, ignored names left out, in event order, possibly repeated. A
  // signal ends the wait early with no names. kUnavailable when reading events fails.
  Result<std::vector<std::string>> Wait(std::chrono::milliseconds timeout);

  // The fallback: names of the regular files in the folder that are not ignored and were
  // last modified at least `settle` ago (a writer that has paused that long is taken to
  // be done), sorted by name. Blocks on I/O.
  std::vector<std::string> Scan(std::chrono::milliseconds settle) const;

  const std::string& dir() const { return dir_; }

 private:
  FolderWatcher(std::string dir, int fd) : dir_(std::move(dir)), fd_(fd) {}

  std::string dir_;
  int fd_ = -1;
};

}  // namespace gallery::csv
