#include "adapters/csv/import_tally.h"

#include <algorithm>
#include <utility>

namespace gallery::csv {
namespace {

// Drops "file:line:" and an optional "col:" from the front of a message that has them.
std::string_view WithoutPosition(std::string_view message, std::string_view file, int line) {
  const std::string prefix = std::string(file) + ":" + std::to_string(line) + ":";
  if (message.substr(0, prefix.size()) != prefix) return message;
  message.remove_prefix(prefix.size());
  size_t digits = 0;
  while (digits < message.size() && message[digits] >= '0' && message[digits] <= '9') ++digits;
  if (digits > 0 && digits < message.size() && message[digits] == ':') {
    message.remove_prefix(digits + 1);
  }
  while (!message.empty() && message.front() == ' ') message.remove_prefix(1);
  return message;
}

}  // namespace

size_t ImportTally::AddFile(std::string file, size_t rows) {
  files_.push_back(FileCount{std::move(file), rows, 0, 0, {}});
  return files_.size() - 1;
}

void ImportTally::Reject(size_t file, int line, std::string_view record_id,
                         std::string_view reason) {
  FileCount& f = files_.at(file);
  f.refusals.push_back(
      {line, std::string(record_id), std::string(WithoutPosition(reason, f.file, line))});
}

bool ImportTally::Sent(size_t file, int line, const std::string& record_id) {
  const auto [first, inserted] = first_row_.emplace(record_id, Pending{file, line});
  if (!inserted) {
    const Pending& p = first->second;
    Reject(file, line, record_id,
           "same record id as " + files_.at(p.file).file + ":" + std::to_string(p.line) +
               "; the hub would keep only one of them");
    return false;
  }
  pending_.emplace(record_id, Pending{file, line});
  return true;
}

bool ImportTally::Refuse(const std::string& record_id, std::string reason) {
  const auto it = pending_.find(record_id);
  if (it == pending_.end()) return false;
  const Pending p = it->second;
  pending_.erase(it);
  files_.at(p.file).refusals.push_back({p.line, record_id, std::move(reason)});
  return true;
}

void ImportTally::SendFailed(const std::string& record_id, const Status& status) {
  Refuse(record_id, "not sent: " + status.ToString());
}

bool ImportTally::Settle(const std::string& record_id, const Status& status, bool duplicate) {
  if (!status.ok()) return Refuse(record_id, "hub refused it: " + status.ToString());
  const auto it = pending_.find(record_id);
  if (it == pending_.end()) return false;
  FileCount& f = files_.at(it->second.file);
  pending_.erase(it);
  if (duplicate) {
    ++f.duplicates;
  } else {
    ++f.confirmed;
  }
  return true;
}

std::string ImportTally::Report(size_t file, bool check) const {
  const FileCount& f = files_.at(file);
  std::string out = f.file + ": " + std::to_string(f.rows) + " rows, ";
  if (check) {
    out += std::to_string(f.confirmed) + " mapped, " + std::to_string(f.refusals.size()) +
           " rejected\n";
  } else {
    const size_t settled = f.confirmed + f.duplicates + f.refusals.size();
    out += std::to_string(f.confirmed) + " confirmed, " + std::to_string(f.duplicates) +
           " duplicates, " + std::to_string(f.refusals.size()) + " rejected";
    if (settled < f.rows) out += ", " + std::to_string(f.rows - settled) + " unconfirmed";
    out += "\n";
  }
  std::vector<const Refusal*> refusals;
  for (const auto& r : f.refusals) refusals.push_back(&r);
  std::stable_sort(refusals.begin(), refusals.end(),
                   [](const Refusal* a, const Refusal* b) { return a->line < b->line; });
  for (const Refusal* r : refusals) {
    out += f.file + ":" + std::to_string(r->line) + ": record " +
           (r->record_id.empty() ? std::string("(no id)") : r->record_id) + ": " + r->reason + "\n";
  }
  return out;
}

size_t ImportTally::unconfirmed() const {
  size_t n = 0;
  for (const auto& f : files_) {
    const size_t settled = f.confirmed + f.duplicates + f.refusals.size();
    if (settled < f.rows) n += f.rows - settled;
  }
  return n;
}

int ImportTally::ExitCode() const {
  if (unconfirmed() > 0) return kExitNotConfirmedInTime;
  for (const auto& f : files_) {
    if (!f.refusals.empty()) return kExitRowsRefused;
  }
  return kExitAllConfirmed;
}

}  // namespace gallery::csv
