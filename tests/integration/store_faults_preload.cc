// libgallery_store_faults.so: an LD_PRELOAD library for fault tests. It makes a running
// process's writes under one folder fail, and work again, at the test's word: what a hub
// sees when the filesystem under its store turns read-only and back, which `mount -o
// remount,ro` cannot do to a filesystem with files open for writing (the kernel answers
// "mount point is busy"; only its own errors=remount-ro can, and that is not undone
// without an unmount).
//
//   GALLERY_FAULT_DIR     the folder whose files are affected (absolute path)
//   GALLERY_FAULT_SWITCH  a file of at least 16 bytes, read through a shared mapping at
//                         every call: while it starts with "EROFS", "ENOSPC" or "EIO",
//                         writes, syncs, truncations and allocations on files under the
//                         folder, and opening such files for writing, fail with that errno.
//                         Anything else (zeros) lets everything through.
//
// Nothing else is changed; without the two variables the library does nothing.
#undef _FORTIFY_SOURCE  // open() must be a plain function to be replaced
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

constexpr size_t kSwitchBytes = 16;

struct FaultState {
  char dir[4096] = {};  // with a trailing '/'
  size_t dir_length = 0;
  const volatile char* flag = nullptr;  // the switch file, mapped
};

FaultState g_state;

template <typename Fn>
Fn Real(const char* name) {
  return reinterpret_cast<Fn>(::dlsym(RTLD_NEXT, name));
}

__attribute__((constructor)) void Init() {
  const char* dir = std::getenv("GALLERY_FAULT_DIR");
  const char* switch_path = std::getenv("GALLERY_FAULT_SWITCH");
  if (dir == nullptr || switch_path == nullptr || dir[0] != '/') return;
  const int written = std::snprintf(g_state.dir, sizeof g_state.dir, "%s/", dir);
  if (written <= 1 || static_cast<size_t>(written) >= sizeof g_state.dir) return;
  static const auto real_open = Real<int (*)(const char*, int, ...)>("open");
  const int fd = real_open(switch_path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  void* map = ::mmap(nullptr, kSwitchBytes, PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) return;
  g_state.dir_length = static_cast<size_t>(written);
  g_state.flag = static_cast<const volatile char*>(map);
}

// The errno to fail with now, or 0.
int ActiveFault() {
  if (g_state.flag == nullptr) return 0;
  char word[8] = {};
  for (size_t i = 0; i + 1 < sizeof word; ++i) word[i] = g_state.flag[i];
  if (std::strncmp(word, "EROFS", 5) == 0) return EROFS;
  if (std::strncmp(word, "ENOSPC", 6) == 0) return ENOSPC;
  if (std::strncmp(word, "EIO", 3) == 0) return EIO;
  return 0;
}

bool UnderDir(const char* path) {
  return path != nullptr && std::strncmp(path, g_state.dir, g_state.dir_length) == 0;
}

bool FdUnderDir(int fd) {
  char link[64];
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  char path[4096];
  const ssize_t n = ::readlink(link, path, sizeof path - 1);
  if (n <= 0) return false;
  path[n] = '\0';
  return UnderDir(path);
}

// The errno with which an operation on `fd` fails now, or 0.
int FaultFor(int fd) {
  const int fault = ActiveFault();
  return fault != 0 && FdUnderDir(fd) ? fault : 0;
}

int OpenFault(const char* path, int flags) {
  if ((flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)) == 0) return 0;
  const int fault = ActiveFault();
  return fault != 0 && UnderDir(path) ? fault : 0;
}

mode_t ModeArgument(int flags, va_list args) {
  return (flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE ? static_cast<mode_t>(va_arg(args, int))
                                                                     : 0;
}

}  // namespace

#define GALLERY_FAIL_IF(fault_expr, fail_value) \
  do {                                          \
    if (const int fault_ = (fault_expr)) {      \
      errno = fault_;                           \
      return fail_value;                        \
    }                                           \
  } while (0)

extern "C" {

ssize_t write(int fd, const void* buf, size_t count) {
  static const auto real = Real<ssize_t (*)(int, const void*, size_t)>("write");
  GALLERY_FAIL_IF(FaultFor(fd), -1);
  return real(fd, buf, count);
}

ssize_t pwrite(int fd, const void* buf, size_t count, off_t offset) {
  static const auto real = Real<ssize_t (*)(int, const void*, size_t, off_t)>("pwrite");
  GALLERY_FAIL_IF(FaultFor(fd), -1);
  return real(fd, buf, count, offset);
}

ssize_t pwrite64(int fd, const void* buf, size_t count, off64_t offset) {
  static const auto real = Real<ssize_t (*)(int, const void*, size_t, off64_t)>("pwrite64");
  GALLERY_FAIL_IF(FaultFor(fd), -1);
  return real(fd, buf, count, offset);
}

ssize_t writev(int fd, const struct iovec* iov, int iovcnt) {
  static const auto real = Real<ssize_t (*)(int, const struct iovec*, int)>("writev");
  GALLERY_FAIL_IF(FaultFor(fd), -1);
  return real(fd, iov, iovcnt);
}

int fsync(int fd) {
  static const auto real = Real<int (*)(int)>("fsync");
  GALLERY_FAIL_IF(FaultFor(fd), -1);
  return real(fd);
}

int fdatasync(int fd) {
  static const auto real = Real<int (*)(int)>("fdatasync");
  GALLERY_FAIL_IF(FaultFor(fd), -1);
  return real(fd);
}

int ftruncate(int fd, off_t length) {
  static const auto real = Real<int (*)(int, off_t)>("ftruncate");
  GALLERY_FAIL_IF(FaultFor(fd), -1);
  return real(fd, length);
}

int ftruncate64(int fd, off64_t length) {
  static const auto real = Real<int (*)(int, off64_t)>("ftruncate64");
  GALLERY_FAIL_IF(FaultFor(fd), -1);
  return real(fd, length);
}

int fallocate(int fd, int mode, off_t offset, off_t length) {
  static const auto real = Real<int (*)(int, int, off_t, off_t)>("fallocate");
  GALLERY_FAIL_IF(FaultFor(fd), -1);
  return real(fd, mode, offset, length);
}

int posix_fallocate(int fd, off_t offset, off_t length) {
  static const auto real = Real<int (*)(int, off_t, off_t)>("posix_fallocate");
  // posix_fallocate returns the error instead of setting errno.
  if (const int fault = FaultFor(fd)) return fault;
  return real(fd, offset, length);
}

int unlink(const char* path) {
  static const auto real = Real<int (*)(const char*)>("unlink");
  GALLERY_FAIL_IF(ActiveFault() != 0 && UnderDir(path) ? ActiveFault() : 0, -1);
  return real(path);
}

int open(const char* path, int flags, ...) {
  static const auto real = Real<int (*)(const char*, int, ...)>("open");
  va_list args;
  va_start(args, flags);
  const mode_t mode = ModeArgument(flags, args);
  va_end(args);
  GALLERY_FAIL_IF(OpenFault(path, flags), -1);
  return real(path, flags, mode);
}

int open64(const char* path, int flags, ...) {
  static const auto real = Real<int (*)(const char*, int, ...)>("open64");
  va_list args;
  va_start(args, flags);
  const mode_t mode = ModeArgument(flags, args);
  va_end(args);
  GALLERY_FAIL_IF(OpenFault(path, flags), -1);
  return real(path, flags, mode);
}

int openat(int dirfd, const char* path, int flags, ...) {
  static const auto real = Real<int (*)(int, const char*, int, ...)>("openat");
  va_list args;
  va_start(args, flags);
  const mode_t mode = ModeArgument(flags, args);
  va_end(args);
  GALLERY_FAIL_IF(OpenFault(path, flags), -1);
  return real(dirfd, path, flags, mode);
}

int openat64(int dirfd, const char* path, int flags, ...) {
  static const auto real = Real<int (*)(int, const char*, int, ...)>("openat64");
  va_list args;
  va_start(args, flags);
  const mode_t mode = ModeArgument(flags, args);
  va_end(args);
  GALLERY_FAIL_IF(OpenFault(path, flags), -1);
  return real(dirfd, path, flags, mode);
}

}  // extern "C"
