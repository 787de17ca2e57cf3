#include "adapters/csv/out_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>

#include "adapters/csv/csv_reader.h"
#include "adapters/csv/csv_writer.h"
#include "adapters/csv/durable_file.h"
#include "adapters/csv/read_file.h"

namespace gallery::csv {
namespace {

Status Errno(const std::string& what, const std::string& path) {
  return Unavailable(what + " " + path + ": " + std::strerror(errno));
}

// "YYYYMMDD-HH" of the UTC hour `hour` (hours since the epoch).
std::string HourName(int64_t hour) {
  const std::time_t t = static_cast<std::time_t>(hour * 3600);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y%m%d-%H", &tm);
  return buffer;
}

// The hour of a file named "<prefix>-YYYYMMDD-HH-NNN.csv", or -1.
int64_t HourOf(const std::string& name, const std::string& prefix) {
  std::tm tm{};
  const std::string rest = name.substr(prefix.size() + 1);
  if (rest.size() < 11 || ::strptime(rest.substr(0, 11).c_str(), "%Y%m%d-%H", &tm) == nullptr) {
    return -1;
  }
  return static_cast<int64_t>(::timegm(&tm)) / 3600;
}

Status WriteAll(int fd, const std::string& bytes, const std::string& path) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("cannot write", path);
    done += static_cast<size_t>(n);
  }
  return OkStatus();
}

}  // namespace

size_t WholeRecordsLength(std::string_view text) {
  bool quoted = false;
  size_t end = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '"') quoted = !quoted;  // a doubled quote toggles twice
    if (text[i] == '\n' && !quoted) end = i + 1;
  }
  return end;
}

Result<std::unique_ptr<OutFile>> OutFile::Open(OutFileOptions options, int64_t now) {
  std::unique_ptr<OutFile> file(new OutFile(std::move(options)));
  const std::string start = "." + file->options_.prefix + "-";
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(file->options_.dir, error)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(start) && name.ends_with(".csv.part")) {
      GALLERY_RETURN_IF_ERROR(file->Adopt(name));
      if (file->RollDue(now)) GALLERY_RETURN_IF_ERROR(file->Roll());
    }
  }
  if (error) return Unavailable("cannot list " + file->options_.dir + ": " + error.message());
  return file;
}

OutFile::~OutFile() {
  if (fd_ >= 0) ::close(fd_);
}

Status OutFile::Adopt(const std::string& part_name) {
  if (fd_ >= 0) GALLERY_RETURN_IF_ERROR(Roll());  // two parts: finish the first one
  part_path_ = options_.dir + "/" + part_name;
  // ".FILE.part" -> "FILE"
  const std::string final_name = part_name.substr(1, part_name.size() - 1 - 5);
  final_path_ = options_.dir + "/" + final_name;
  hour_ = HourOf(final_name, options_.prefix);
  auto text = ReadFileCapped(part_path_, kMaxCsvBytes);
  if (!text.ok()) return text.status();
  const size_t keep = WholeRecordsLength(*text);
  std::string header;
  AppendCsvRow(header, options_.header);
  const bool same_header = text->compare(0, header.size(), header) == 0 && keep >= header.size();
  fd_ = ::open(part_path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd_ < 0) return Errno("cannot open", part_path_);
  if (::ftruncate(fd_, static_cast<off_t>(same_header ? keep : 0)) != 0) {
    return Errno("cannot cut the torn last row of", part_path_);
  }
  rows_ = 0;
  ids_.clear();
  if (same_header) {
    auto rows = ParseCsvRows(std::string_view(*text).substr(0, keep), part_path_);
    if (!rows.ok()) return DataLoss(rows.status().message());
    for (size_t i = 1; i < rows->size(); ++i) {
      if (!(*rows)[i].fields.empty()) ids_.insert((*rows)[i].fields[0]);
    }
    rows_ = rows->size() - 1;
  } else {
    // A part of another mapping's columns, or torn inside its header: nothing in it can
    // have been acked, so it starts again.
    GALLERY_RETURN_IF_ERROR(WriteAll(fd_, header, part_path_));
  }
  return Sync();
}

Status OutFile::Start(int64_t now) {
  hour_ = now / 3600;
  const std::string base = options_.prefix + "-" + HourName(hour_) + "-";
  std::error_code error;
  for (int n = 1;; ++n) {
    char seq[16];
    std::snprintf(seq, sizeof seq, "%03d", n);
    const std::string name = base + seq + ".csv";
    final_path_ = options_.dir + "/" + name;
    part_path_ = options_.dir + "/." + name + ".part";
    if (!std::filesystem::exists(final_path_, error) &&
        !std::filesystem::exists(part_path_, error)) {
      break;
    }
  }
  fd_ = ::open(part_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0640);
  if (fd_ < 0) return Errno("cannot create", part_path_);
  rows_ = 0;
  ids_.clear();
  std::string header;
  AppendCsvRow(header, options_.header);
  GALLERY_RETURN_IF_ERROR(WriteAll(fd_, header, part_path_));
  return SyncDirectory(options_.dir);
}

Result<bool> OutFile::Append(const std::vector<std::string>& row, int64_t now) {
  if (fd_ < 0) GALLERY_RETURN_IF_ERROR(Start(now));
  if (!row.empty() && ids_.contains(row[0])) return false;
  std::string bytes;
  AppendCsvRow(bytes, row);
  GALLERY_RETURN_IF_ERROR(WriteAll(fd_, bytes, part_path_));
  if (!row.empty()) ids_.insert(row[0]);
  ++rows_;
  return true;
}

Status OutFile::Sync() {
  if (fd_ >= 0 && ::fdatasync(fd_) != 0) return Errno("cannot sync", part_path_);
  return OkStatus();
}

bool OutFile::RollDue(int64_t now) const {
  if (fd_ < 0) return false;
  if (options_.rows_per_file > 0 && rows_ >= options_.rows_per_file) return true;
  return now / 3600 != hour_;
}

Status OutFile::Roll() {
  if (fd_ < 0) return OkStatus();
  GALLERY_RETURN_IF_ERROR(Sync());
  ::close(fd_);
  fd_ = -1;
  if (ids_.empty() && rows_ == 0) {
    if (::unlink(part_path_.c_str()) != 0) return Errno("cannot remove", part_path_);
  } else {
    // The name was free when the part was made; FreeNameIn keeps a file of the same name
    // that appeared since (a copy put back by hand) from being overwritten.
    const std::string target =
        std::filesystem::exists(final_path_)
            ? FreeNameIn(options_.dir, std::filesystem::path(final_path_).filename().string())
            : final_path_;
    GALLERY_RETURN_IF_ERROR(MoveDurably(part_path_, target));
    rolled_.push_back(target);
  }
  part_path_.clear();
  final_path_.clear();
  return OkStatus();
}

}  // namespace gallery::csv
