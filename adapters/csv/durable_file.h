// Crash-safe file operations shared by the folder watcher and the outbound writer: a file
// replaced whole (write a temporary, fsync, rename, fsync the folder) and durable moves.
#pragma once

#include <string>
#include <string_view>

#include "hub/common/result.h"
#include "hub/common/status.h"

namespace gallery::csv {

// Replaces `path` with `content` so that after a crash it holds either the old or the new
// bytes, never a mix: writes "<path>.tmp", fsyncs it, renames it over `path` and fsyncs
// the folder. Blocks on disk I/O. kUnavailable naming the path and errno's text on failure.
Status WriteFileDurably(const std::string& path, std::string_view content);

// fsyncs the folder `dir`, making renames and creations in it durable. kUnavailable on failure.
Status SyncDirectory(const std::string& dir);

// Renames `from` to `to` and fsyncs both folders. kUnavailable on failure.
Status MoveDurably(const std::string& from, const std::string& to);

// "<dir>/<name>" when nothing has that name yet, else "<dir>/<stem>.<n><ext>" with the
// smallest n >= 2 that is free ("a.csv", "a.2.csv", ...). Not atomic: one process per dir.
std::string FreeNameIn(const std::string& dir, const std::string& name);

}  // namespace gallery::csv
