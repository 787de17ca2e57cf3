#include "adapters/csv/record_versions.h"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "adapters/csv/file_identity.h"

namespace gallery::csv {
namespace {

template <typename T>
bool ParseNumber(std::string_view text, T& out, int base = 10) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out, base);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

Result<std::unique_ptr<RecordVersions>> RecordVersions::Open(const std::string& path) {
  std::unordered_map<std::string, RowVersion> latest;
  std::ifstream existing(path, std::ios::binary);
  std::string line;
  std::streamoff whole_lines_end = 0;
  for (int number = 1; std::getline(existing, line); ++number) {
    if (existing.eof()) break;  // no newline: torn by a crash before its sync
    whole_lines_end = existing.tellg();
    const size_t tab1 = line.find('\t');
    const size_t tab2 = tab1 == std::string::npos ? tab1 : line.find('\t', tab1 + 1);
    RowVersion version;
    if (tab2 == std::string::npos ||
        !ParseNumber(std::string_view(line).substr(tab1 + 1, tab2 - tab1 - 1), version.number) ||
        !ParseNumber(std::string_view(line).substr(tab2 + 1), version.hash, 16)) {
      return DataLoss(path + ":" + std::to_string(number) + ": not a record version");
    }
    latest[line.substr(0, tab1)] = version;
  }
  existing.close();
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (!error && size > static_cast<uintmax_t>(whole_lines_end)) {
    std::filesystem::resize_file(path, static_cast<uintmax_t>(whole_lines_end), error);
    if (error)
      return Unavailable("cannot cut the torn last line of " + path + ": " + error.message());
  }
  std::FILE* file = std::fopen(path.c_str(), "a");
  if (file == nullptr) return Unavailable("cannot open " + path + ": " + std::strerror(errno));
  return std::unique_ptr<RecordVersions>(new RecordVersions(path, file, std::move(latest)));
}

RecordVersions::RecordVersions(std::string path, std::FILE* file,
                               std::unordered_map<std::string, RowVersion> latest)
    : path_(std::move(path)), file_(file), latest_(std::move(latest)) {}

RecordVersions::~RecordVersions() { std::fclose(file_); }

const RowVersion* RecordVersions::Latest(const std::string& record_id) const {
  const auto it = latest_.find(record_id);
  return it == latest_.end() ? nullptr : &it->second;
}

Status RecordVersions::Note(const std::string& record_id, RowVersion version) {
  char hash[17];
  std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(version.hash));
  const std::string line = record_id + "\t" + std::to_string(version.number) + "\t" + hash + "\n";
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size()) {
    return Unavailable("writing " + path_ + ": " + std::strerror(errno));
  }
  latest_[record_id] = version;
  return OkStatus();
}

Status RecordVersions::Sync() {
  if (std::fflush(file_) != 0 || ::fdatasync(fileno(file_)) != 0) {
    return Unavailable("syncing " + path_ + ": " + std::strerror(errno));
  }
  return OkStatus();
}

uint64_t ContentHash(const v1::Record& record) {
  v1::Record content = record;
  content.clear_record_id();
  std::string bytes;
  (void)content.SerializeToString(&bytes);
  const uint64_t hash = Fnv1a64(bytes);
  return hash == kRetractedHash ? 1 : hash;
}

std::string VersionId(const std::string& record_id, uint32_t number) {
  return number <= 1 ? record_id : record_id + ":v" + std::to_string(number);
}

RowPlan PlanRow(v1::Record mapped, bool deleted, bool amend, const RowVersion* latest) {
  RowPlan plan;
  const std::string id = mapped.record_id();
  const uint64_t hash = deleted ? kRetractedHash : ContentHash(mapped);
  if (latest != nullptr && latest->hash == hash) {
    plan.action = RowAction::kUnchanged;
    plan.version = *latest;
    return plan;
  }
  const uint32_t next = latest == nullptr ? 2 : latest->number + 1;
  if (deleted) {
    // A retraction names the row and keeps what routing needs (type, subject), not content.
    mapped.clear_sections();
    mapped.set_record_id(VersionId(id, next));
    mapped.set_retracts(id);
    plan.action = RowAction::kRetract;
    plan.version = {next, kRetractedHash};
  } else if (latest == nullptr) {
    plan.action = RowAction::kNew;
    plan.version = {1, hash};
  } else if (amend) {
    mapped.set_record_id(VersionId(id, next));
    mapped.set_amends(id);
    plan.action = RowAction::kAmend;
    plan.version = {next, hash};
  } else {
    plan.action = RowAction::kResend;
    plan.version = {latest->number, hash};
  }
  plan.record = std::move(mapped);
  return plan;
}

}  // namespace gallery::csv
