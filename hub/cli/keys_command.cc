#include "hub/cli/keys_command.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "hub/security/curve_key.h"

namespace gallery::cli {
namespace {

constexpr const char* kKeysUsage = "usage: hubctl keys new AGENCY [--dir DIR]\n";

// Creates `path` with `mode` (never an existing file) and writes `text`. "" or the error.
std::string WriteNewFile(const std::string& path, mode_t mode, const std::string& text) {
  // O_EXCL: an existing key is never replaced; the mode is the file's from its creation,
  // so a secret key is never readable by others, not even for a moment.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return path + ": " + std::strerror(errno);
  std::string error;
  size_t written = 0;
  while (written < text.size() && error.empty()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno != EINTR) error = path + ": " + std::strerror(errno);
    if (n > 0) written += static_cast<size_t>(n);
  }
  if (error.empty() && ::fsync(fd) != 0) error = path + ": " + std::strerror(errno);
  if (::close(fd) != 0 && error.empty()) error = path + ": " + std::strerror(errno);
  return error;
}

bool IsAgencyName(const std::string& name) {
  if (name.empty() || name.front() == '-') return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

}  // namespace

int RunKeysCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty() || args[0] != "new") {
    err << kKeysUsage;
    return 2;
  }
  std::string agency;
  std::string dir = ".";
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--dir" && i + 1 < args.size()) {
      dir = args[++i];
    } else if (args[i].starts_with("--dir=")) {
      dir = args[i].substr(6);
    } else if (agency.empty() && !args[i].starts_with("-")) {
      agency = args[i];
    } else {
      err << "hubctl keys: unexpected argument '" << args[i] << "'\n" << kKeysUsage;
      return 2;
    }
  }
  if (!IsAgencyName(agency)) {
    err << "hubctl keys: AGENCY must match [a-z0-9][a-z0-9-]*\n" << kKeysUsage;
    return 2;
  }
  const std::string base = (std::filesystem::path(dir) / agency).string();
  for (const std::string& path : {base + ".key", base + ".pub"}) {
    if (std::filesystem::exists(path)) {
      err << "hubctl keys: " << path << " already exists; keys are never overwritten\n";
      return 1;
    }
  }
  auto pair = security::NewKeyPair();
  if (!pair.ok()) {
    err << "hubctl keys: " << pair.status().message() << "\n";
    return 1;
  }
  if (std::string error = WriteNewFile(base + ".key", 0600, pair->secret_key + "\n");
      !error.empty()) {
    err << "hubctl keys: " << error << "\n";
    return 1;
  }
  if (std::string error = WriteNewFile(base + ".pub", 0644, pair->public_key + "\n");
      !error.empty()) {
    err << "hubctl keys: " << error << "\n";
    return 1;
  }
  out << pair->public_key << "\n";
  return 0;
}

}  // namespace gallery::cli
