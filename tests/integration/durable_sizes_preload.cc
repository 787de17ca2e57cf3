// libgallery_durable_sizes.so: an LD_PRELOAD library for fault tests that simulate a power
// loss the way leveldb's db/fault_injection_test.cc does, by dropping what was written
// but never synced. For every file under one folder it tracks the size last made durable
// and keeps those sizes in a sidecar file, so that after a kill -9 the test can cut each
// file back to what a power loss would have left.
//
//   GALLERY_DURABLE_DIR      the folder whose files are tracked (absolute, canonical path)
//   GALLERY_DURABLE_SIDECAR  the sidecar file, outside that folder: one line per file,
//                            "<durable size> <absolute path>", replaced whole (written
//                            to "<sidecar>.tmp", then renamed) at every change
//
// A file's durable size is its size when the process first opened it (it was on disk
// before), then, at each fsync or fdatasync of it, the end of its data: its size, less
// what the process only ever wrote as zeros at its end (space prepared for later writes,
// as the journal store prepares its segments; a power loss may leave those zeros or not,
// harmlessly). The size is taken before the real sync and the sidecar rewritten after it,
// before the sync returns: it never claims more than the disk holds, and covers
// everything a caller could have acknowledged after the sync. An unlinked file is
// forgotten; a renamed one is followed to its new name. What this does not model: data
// overwritten in place within the durable size is kept as written, synced or not (so the
// test is milder than a real power loss for files rewritten in place, such as a reused
// SQLite WAL).
//
// The sidecar itself is never synced: the test reads it after killing the process, not
// after a real power loss. Without the two variables the library does nothing.
#undef _FORTIFY_SOURCE  // open() must be a plain function to be replaced
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

constexpr size_t kMaxFiles = 32;
constexpr size_t kPathBytes = 4096;

struct TrackedFile {
  char path[kPathBytes] = {};
  off_t durable_size = 0;
  off_t data_end = 0;  // end of the last write that was not all zeros (or the size at open)
};

struct State {
  char dir[kPathBytes] = {};  // with a trailing '/'
  size_t dir_length = 0;
  char sidecar[kPathBytes] = {};
  char sidecar_tmp[kPathBytes] = {};
  TrackedFile files[kMaxFiles];
  size_t file_count = 0;
  pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
};

State g_state;

template <typename Fn>
Fn Real(const char* name) {
  return reinterpret_cast<Fn>(::dlsym(RTLD_NEXT, name));
}

using OpenFn = int (*)(const char*, int, ...);

__attribute__((constructor)) void Init() {
  const char* dir = std::getenv("GALLERY_DURABLE_DIR");
  const char* sidecar = std::getenv("GALLERY_DURABLE_SIDECAR");
  if (dir == nullptr || sidecar == nullptr || dir[0] != '/' || sidecar[0] != '/') return;
  const int written = std::snprintf(g_state.dir, sizeof g_state.dir, "%s/", dir);
  if (written <= 1 || static_cast<size_t>(written) >= sizeof g_state.dir) return;
  if (std::snprintf(g_state.sidecar, sizeof g_state.sidecar, "%s", sidecar) >= static_cast<int>(kPathBytes) ||
      std::snprintf(g_state.sidecar_tmp, sizeof g_state.sidecar_tmp, "%s.tmp", sidecar) >=
          static_cast<int>(kPathBytes)) {
    return;
  }
  g_state.dir_length = static_cast<size_t>(written);
}

bool Enabled() { return g_state.dir_length > 0; }

bool UnderDir(const char* path) { return std::strncmp(path, g_state.dir, g_state.dir_length) == 0; }

// The file's absolute path, into `path`. False when it cannot be read.
bool FdPath(int fd, char (&path)[kPathBytes]) {
  char link[64];
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  const ssize_t n = ::readlink(link, path, sizeof path - 1);
  if (n <= 0) return false;
  path[n] = '\0';
  return true;
}

TrackedFile* Find(const char* path) {
  for (size_t i = 0; i < g_state.file_count; ++i) {
    if (std::strcmp(g_state.files[i].path, path) == 0) return &g_state.files[i];
  }
  return nullptr;
}

// Replaces the sidecar with the current sizes. Called with the mutex held. A failure is
// said on stderr and leaves the previous sidecar: the test then cuts more, never less.
void WriteSidecar() {
  static const auto real_open = Real<OpenFn>("open");
  static const auto real_write = Real<ssize_t (*)(int, const void*, size_t)>("write");
  static char text[kMaxFiles * (kPathBytes + 32)];  // guarded by the mutex
  size_t length = 0;
  for (size_t i = 0; i < g_state.file_count; ++i) {
    const int n = std::snprintf(text + length, sizeof text - length, "%lld %s\n",
                                static_cast<long long>(g_state.files[i].durable_size), g_state.files[i].path);
    if (n < 0 || static_cast<size_t>(n) >= sizeof text - length) break;
    length += static_cast<size_t>(n);
  }
  const int saved_errno = errno;
  const int fd = real_open(g_state.sidecar_tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  bool ok = fd >= 0;
  for (size_t done = 0; ok && done < length;) {
    const ssize_t n = real_write(fd, text + done, length - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  if (fd >= 0) ::close(fd);
  if (!ok || ::rename(g_state.sidecar_tmp, g_state.sidecar) != 0) {
    std::fprintf(stderr, "durable_sizes_preload: cannot write %s: %s\n", g_state.sidecar, std::strerror(errno));
  }
  errno = saved_errno;
}

// After a successful open: a file under the folder not seen before starts durable at its
// size now (it was there before this process, or has just been created empty).
void NoteOpened(int fd) {
  if (!Enabled() || fd < 0) return;
  char path[kPathBytes];
  if (!FdPath(fd, path) || !UnderDir(path)) return;
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return;
  pthread_mutex_lock(&g_state.mutex);
  if (Find(path) == nullptr) {
    if (g_state.file_count < kMaxFiles) {
      TrackedFile& file = g_state.files[g_state.file_count++];
      std::memcpy(file.path, path, sizeof path);
      file.durable_size = st.st_size;
      file.data_end = st.st_size;
      WriteSidecar();
    } else {
      std::fprintf(stderr, "durable_sizes_preload: more than %zu files, %s untracked\n", kMaxFiles, path);
    }
  }
  pthread_mutex_unlock(&g_state.mutex);
}

// Runs the real sync `sync` on `fd`; on success, the size the file had before it is durable.
int SyncAndNote(int (*sync)(int), int fd) {
  char path[kPathBytes];
  struct stat st;
  const bool tracked = Enabled() && FdPath(fd, path) && UnderDir(path) && ::fstat(fd, &st) == 0;
  const int rc = sync(fd);
  if (rc != 0 || !tracked) return rc;
  const int saved_errno = errno;
  pthread_mutex_lock(&g_state.mutex);
  if (TrackedFile* file = Find(path); file != nullptr) {
    const off_t durable = file->data_end < st.st_size ? file->data_end : st.st_size;
    if (file->durable_size != durable) {
      file->durable_size = durable;
      WriteSidecar();
    }
  }
  pthread_mutex_unlock(&g_state.mutex);
  errno = saved_errno;
  return rc;
}

bool AllZeros(const void* buf, size_t count) {
  const auto* bytes = static_cast<const unsigned char*>(buf);
  for (size_t i = 0; i < count; ++i) {
    if (bytes[i] != 0) return false;
  }
  return true;
}

// After a successful write of `count` bytes from `buf` ending at `end` in `fd`.
void NoteWritten(int fd, const void* buf, size_t count, off_t end) {
  if (!Enabled() || count == 0 || AllZeros(buf, count)) return;
  char path[kPathBytes];
  if (!FdPath(fd, path) || !UnderDir(path)) return;
  pthread_mutex_lock(&g_state.mutex);
  if (TrackedFile* file = Find(path); file != nullptr && file->data_end < end) file->data_end = end;
  pthread_mutex_unlock(&g_state.mutex);
}

void NoteTruncated(int fd, off_t length) {
  char path[kPathBytes];
  if (!Enabled() || !FdPath(fd, path) || !UnderDir(path)) return;
  pthread_mutex_lock(&g_state.mutex);
  if (TrackedFile* file = Find(path); file != nullptr && file->data_end > length) file->data_end = length;
  pthread_mutex_unlock(&g_state.mutex);
}

void NoteRenamed(const char* from, const char* to) {
  if (!Enabled() || from[0] == '\0') return;
  char canonical_to[kPathBytes];
  if (::realpath(to, canonical_to) == nullptr || !UnderDir(canonical_to)) return;
  pthread_mutex_lock(&g_state.mutex);
  bool changed = false;
  if (TrackedFile* replaced = Find(canonical_to); replaced != nullptr) {
    *replaced = g_state.files[--g_state.file_count];
    changed = true;
  }
  if (TrackedFile* file = Find(from); file != nullptr) {
    std::memcpy(file->path, canonical_to, sizeof canonical_to);
    changed = true;
  }
  if (changed) WriteSidecar();
  pthread_mutex_unlock(&g_state.mutex);
}

void NoteUnlinked(const char* path) {
  if (!Enabled() || path == nullptr || !UnderDir(path)) return;
  pthread_mutex_lock(&g_state.mutex);
  if (TrackedFile* file = Find(path); file != nullptr) {
    *file = g_state.files[--g_state.file_count];
    WriteSidecar();
  }
  pthread_mutex_unlock(&g_state.mutex);
}

mode_t ModeArgument(int flags, va_list args) {
  return (flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE ? static_cast<mode_t>(va_arg(args, int)) : 0;
}

}  // namespace

extern "C" {

int fsync(int fd) {
  static const auto real = Real<int (*)(int)>("fsync");
  return SyncAndNote(real, fd);
}

int fdatasync(int fd) {
  static const auto real = Real<int (*)(int)>("fdatasync");
  return SyncAndNote(real, fd);
}

ssize_t pwrite(int fd, const void* buf, size_t count, off_t offset) {
  static const auto real = Real<ssize_t (*)(int, const void*, size_t, off_t)>("pwrite");
  const ssize_t n = real(fd, buf, count, offset);
  if (n > 0) NoteWritten(fd, buf, static_cast<size_t>(n), offset + n);
  return n;
}

ssize_t pwrite64(int fd, const void* buf, size_t count, off_t offset) {
  static const auto real = Real<ssize_t (*)(int, const void*, size_t, off_t)>("pwrite64");
  const ssize_t n = real(fd, buf, count, offset);
  if (n > 0) NoteWritten(fd, buf, static_cast<size_t>(n), offset + n);
  return n;
}

ssize_t write(int fd, const void* buf, size_t count) {
  static const auto real = Real<ssize_t (*)(int, const void*, size_t)>("write");
  const ssize_t n = real(fd, buf, count);
  if (n > 0) {
    const int saved_errno = errno;
    NoteWritten(fd, buf, static_cast<size_t>(n), ::lseek(fd, 0, SEEK_CUR));
    errno = saved_errno;
  }
  return n;
}

int ftruncate(int fd, off_t length) {
  static const auto real = Real<int (*)(int, off_t)>("ftruncate");
  const int rc = real(fd, length);
  if (rc == 0) NoteTruncated(fd, length);
  return rc;
}

int ftruncate64(int fd, off_t length) {
  static const auto real = Real<int (*)(int, off_t)>("ftruncate64");
  const int rc = real(fd, length);
  if (rc == 0) NoteTruncated(fd, length);
  return rc;
}

int rename(const char* from, const char* to) {
  static const auto real = Real<int (*)(const char*, const char*)>("rename");
  char canonical_from[kPathBytes] = {};
  if (Enabled() && ::realpath(from, canonical_from) == nullptr) canonical_from[0] = '\0';
  const int rc = real(from, to);
  if (rc == 0) {
    const int saved_errno = errno;
    NoteRenamed(canonical_from, to);
    errno = saved_errno;
  }
  return rc;
}

int unlink(const char* path) {
  static const auto real = Real<int (*)(const char*)>("unlink");
  const int rc = real(path);
  if (rc == 0) NoteUnlinked(path);
  return rc;
}

int open(const char* path, int flags, ...) {
  static const auto real = Real<OpenFn>("open");
  va_list args;
  va_start(args, flags);
  const mode_t mode = ModeArgument(flags, args);
  va_end(args);
  const int fd = real(path, flags, mode);
  NoteOpened(fd);
  return fd;
}

int open64(const char* path, int flags, ...) {
  static const auto real = Real<OpenFn>("open64");
  va_list args;
  va_start(args, flags);
  const mode_t mode = ModeArgument(flags, args);
  va_end(args);
  const int fd = real(path, flags, mode);
  NoteOpened(fd);
  return fd;
}

int openat(int dirfd, const char* path, int flags, ...) {
  static const auto real = Real<int (*)(int, const char*, int, ...)>("openat");
  va_list args;
  va_start(args, flags);
  const mode_t mode = ModeArgument(flags, args);
  va_end(args);
  const int fd = real(dirfd, path, flags, mode);
  NoteOpened(fd);
  return fd;
}

int openat64(int dirfd, const char* path, int flags, ...) {
  static const auto real = Real<int (*)(int, const char*, int, ...)>("openat64");
  va_list args;
  va_start(args, flags);
  const mode_t mode = ModeArgument(flags, args);
  va_end(args);
  const int fd = real(dirfd, path, flags, mode);
  NoteOpened(fd);
  return fd;
}

}  // extern "C"
