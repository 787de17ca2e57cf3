#include "adapters/csv/rejects_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "adapters/csv/csv_writer.h"

namespace gallery::csv {

Result<std::unique_ptr<RejectsFile>> RejectsFile::Open(const std::string& path,
                                                       uint64_t keep_bytes) {
  std::error_code error;
  const bool exists = std::filesystem::exists(path, error);
  const uint64_t size = exists ? std::filesystem::file_size(path, error) : 0;
  if (error) return Unavailable("cannot read the size of " + path + ": " + error.message());
  if (size > keep_bytes) {
    std::filesystem::resize_file(path, keep_bytes, error);
    if (error) return Unavailable("cannot cut " + path + ": " + error.message());
  }
  std::FILE* file = std::fopen(path.c_str(), "a");
  if (file == nullptr) return Unavailable("cannot open " + path + ": " + std::strerror(errno));
  std::string header;
  AppendCsvRow(header, {"line", "record_id", "reason"});
  uint64_t bytes = std::min(size, keep_bytes);
  if (bytes < header.size()) {
    // Empty, or only part of the header survived: start the file again.
    if (::ftruncate(fileno(file), 0) != 0 ||
        std::fwrite(header.data(), 1, header.size(), file) != header.size()) {
      std::fclose(file);
      return Unavailable("cannot write " + path + ": " + std::strerror(errno));
    }
    bytes = header.size();
  }
  return std::unique_ptr<RejectsFile>(new RejectsFile(path, file, bytes, header.size()));
}

RejectsFile::~RejectsFile() { std::fclose(file_); }

Status RejectsFile::Add(int line, std::string_view record_id, std::string_view reason) {
  std::string row;
  AppendCsvRow(row, {std::to_string(line), std::string(record_id), std::string(reason)});
  if (std::fwrite(row.data(), 1, row.size(), file_) != row.size()) {
    return Unavailable("writing " + path_ + ": " + std::strerror(errno));
  }
  bytes_ += row.size();
  return OkStatus();
}

Status RejectsFile::Sync() {
  if (std::fflush(file_) != 0 || ::fdatasync(fileno(file_)) != 0) {
    return Unavailable("syncing " + path_ + ": " + std::strerror(errno));
  }
  return OkStatus();
}

}  // namespace gallery::csv
