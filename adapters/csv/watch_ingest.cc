#include "adapters/csv/watch_ingest.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include <spdlog/spdlog.h>

#include "adapters/csv/durable_file.h"
#include "adapters/csv/file_identity.h"
#include "adapters/csv/ingest_progress.h"
#include "adapters/csv/rejects_file.h"

namespace gallery::csv {
namespace {

using Clock = std::chrono::steady_clock;

// How long a stopping watcher waits for the confirms of rows already sent.
constexpr std::chrono::seconds kStopConfirmWait{10};
// Progress is saved at most this often while rows are confirmed (and always at the end):
// rows confirmed since are sent again after a crash, and the hub keeps them once.
constexpr std::chrono::milliseconds kProgressInterval{200};

// The mapping's "file.csv:12: reason" without its position: the rejects file has a line column.
std::string WithoutPosition(const std::string& message, const std::string& file) {
  if (message.compare(0, file.size() + 1, file + ":") != 0) return message;
  size_t at = file.size() + 1;
  for (int part = 0; part < 2; ++part) {
    size_t end = at;
    while (end < message.size() && message[end] >= '0' && message[end] <= '9') ++end;
    if (end == at || end >= message.size() || message[end] != ':') break;
    at = end + 1;
  }
  while (at < message.size() && message[at] == ' ') ++at;
  return message.substr(at);
}

}  // namespace

// One Ingest call: the file's table, what is in flight, and the settled prefix.
class FileIngester::Run {
 public:
  Run(FileIngester& owner, std::string name, IngestCounts& counts)
      : o_(owner),
        name_(std::move(name)),
        path_(o_.folders_.dir + "/" + name_),
        progress_path_(o_.folders_.state_dir + "/" + name_ + ".progress"),
        rejects_path_(o_.folders_.state_dir + "/" + name_ + ".rejects.part"),
        counts_(counts) {}

  Result<IngestEnd> Go() {
    auto identity = IdentifyFile(path_);
    if (!identity.ok()) {
      if (identity.status().code() == Code::kNotFound) {
        // Already moved aside (a crash came before its progress was removed), or taken
        // away by hand: what was kept about it no longer applies.
        std::error_code error;
        std::filesystem::remove(progress_path_, error);
        std::filesystem::remove(rejects_path_, error);
        return IngestEnd::kNotThere;
      }
      return identity.status();
    }
    progress_.identity = *identity;
    if (auto saved = LoadProgress(progress_path_); saved.ok() && saved->identity == *identity) {
      progress_ = *saved;
    } else if (saved.ok()) {
      spdlog::info("{}: a different file now has this name; taking it as new", name_);
    } else if (saved.status().code() != Code::kNotFound) {
      spdlog::warn("{}; taking the file as new", saved.status().message());
    }
    auto rejects = RejectsFile::Open(rejects_path_, progress_.rejects_bytes);
    if (!rejects.ok()) return rejects.status();
    rejects_ = std::move(rejects).value();
    if (progress_.complete) return Finish();

    auto table = o_.mapping_.OpenCsv(path_);
    if (!table.ok()) return RefuseFile(table.status());
    table_ = std::make_unique<CsvTable>(std::move(table).value());
    auto mapper = o_.mapping_.Bind(*table_);
    if (!mapper.ok()) return RefuseFile(mapper.status());
    mapper_.emplace(std::move(mapper).value());

    const auto& rows = table_->rows();
    counts_.rows = rows.size();
    counts_.resumed_at = progress_.next_row;
    progress_.next_row = std::min<uint64_t>(progress_.next_row, rows.size());
    settled_.assign(rows.size(), false);
    prefix_ = progress_.next_row;
    for (size_t i = 0; i < progress_.next_row; ++i) {
      settled_[i] = true;
      if (auto id = mapper_->RecordId(rows[i]); id.ok()) first_line_.emplace(*id, rows[i].line);
    }
    if (progress_.next_row > 0) {
      spdlog::info("{}: resuming after line {} ({} of {} rows done)", name_, progress_.last_line,
                   progress_.next_row, rows.size());
    }
    for (size_t i = progress_.next_row; i < rows.size() && !o_.stop_.load(); ++i) {
      GALLERY_RETURN_IF_ERROR(SendRow(i));
      if (o_.publisher_.in_flight() + 1 >= o_.max_in_flight_) {
        GALLERY_RETURN_IF_ERROR(WaitForConfirms(/*all=*/false));
      } else {
        GALLERY_RETURN_IF_ERROR(Settle(o_.publisher_.TakeOutcomes()));
      }
    }
    GALLERY_RETURN_IF_ERROR(WaitForConfirms(/*all=*/true));
    GALLERY_RETURN_IF_ERROR(SaveIfAdvanced(/*now=*/true));
    if (progress_.next_row < rows.size()) return IngestEnd::kStopped;
    progress_.complete = true;
    GALLERY_RETURN_IF_ERROR(SaveProgress(progress_path_, progress_));
    return Finish();
  }

 private:
  struct Pending {
    size_t row = 0;
    std::string row_id;  // the row's own record id, under which its versions are noted
    RowVersion version;
    RowAction action = RowAction::kNew;
  };

  Status SendRow(size_t i) {
    const CsvRow& row = table_->rows()[i];
    auto mapped = mapper_->MapRow(row);
    if (!mapped.ok()) {
      auto id = mapper_->RecordId(row);
      return Refuse(i, id.ok() ? *id : "", WithoutPosition(mapped.status().message(), path_));
    }
    const std::string row_id = mapped->record_id();
    if (auto [it, fresh] = first_line_.emplace(row_id, row.line); !fresh) {
      return Refuse(i, row_id, "record id also on line " + std::to_string(it->second));
    }
    const bool deleted = mapper_->MarkedDeleted(row);
    RowPlan plan =
        PlanRow(std::move(mapped).value(), deleted,
                o_.mapping_.spec().corrections.amend_changed_rows, o_.versions_.Latest(row_id));
    if (plan.action == RowAction::kUnchanged) {
      ++counts_.unchanged;
      spdlog::debug("{}:{}: record {} unchanged", name_, row.line, row_id);
      return MarkSettled(i);
    }
    const std::string sent_id = plan.record.record_id();
    if (Status sent = o_.publisher_.Send(plan.record); !sent.ok()) {
      if (sent.code() != Code::kInvalidArgument) return sent;  // the session is refused
      return Refuse(i, sent_id, sent.message());
    }
    pending_[sent_id] = Pending{i, row_id, plan.version, plan.action};
    spdlog::debug("{}:{}: sent record {}", name_, row.line, sent_id);
    return OkStatus();
  }

  Status Settle(const std::vector<sdk::PublishOutcome>& outcomes) {
    for (const auto& outcome : outcomes) {
      const auto it = pending_.find(outcome.record_id);
      if (it == pending_.end()) {
        spdlog::debug("{}: outcome for record {} not in flight", name_, outcome.record_id);
        continue;
      }
      const Pending p = std::move(it->second);
      pending_.erase(it);
      if (!outcome.status.ok()) {
        GALLERY_RETURN_IF_ERROR(
            Refuse(p.row, outcome.record_id, "hub refused it: " + outcome.status.ToString()));
        continue;
      }
      GALLERY_RETURN_IF_ERROR(o_.versions_.Note(p.row_id, p.version));
      ++(outcome.duplicate ? counts_.duplicates : counts_.confirmed);
      if (p.action == RowAction::kAmend) ++counts_.amendments;
      if (p.action == RowAction::kRetract) ++counts_.retractions;
      GALLERY_RETURN_IF_ERROR(MarkSettled(p.row));
    }
    return SaveIfAdvanced(/*now=*/false);
  }

  // Waits for the hub: for every row sent when `all` (or stopping), else for room in the
  // window. An unreachable hub is waited out, checking `stop` every second.
  Status WaitForConfirms(bool all) {
    std::optional<Clock::time_point> stop_deadline;
    while (o_.publisher_.in_flight() > 0) {
      if (o_.stop_.load()) {
        if (!stop_deadline) stop_deadline = Clock::now() + kStopConfirmWait;
        if (Clock::now() >= *stop_deadline) break;
      }
      auto outcomes = o_.publisher_.Flush(std::chrono::milliseconds(1000));
      if (outcomes.ok()) {
        GALLERY_RETURN_IF_ERROR(Settle(*outcomes));
      } else if (outcomes.status().code() == Code::kUnavailable) {
        GALLERY_RETURN_IF_ERROR(Settle(o_.publisher_.TakeOutcomes()));
        spdlog::debug("{}: {} records await the hub's confirm", name_, o_.publisher_.in_flight());
      } else {
        return outcomes.status();
      }
      if (!all && !o_.stop_.load() && o_.publisher_.in_flight() + 1 < o_.max_in_flight_) break;
    }
    return OkStatus();
  }

  Status Refuse(size_t i, const std::string& record_id, const std::string& reason) {
    const int line = table_->rows()[i].line;
    ++counts_.rejected;
    spdlog::info("{}:{}: record {} refused", name_, line, record_id.empty() ? "-" : record_id);
    GALLERY_RETURN_IF_ERROR(rejects_->Add(line, record_id, reason));
    return MarkSettled(i);
  }

  Status MarkSettled(size_t i) {
    settled_[i] = true;
    while (prefix_ < settled_.size() && settled_[prefix_]) ++prefix_;
    return OkStatus();
  }

  // Saves how far the settled prefix has got: the versions and rejects it counts first,
  // then the progress that points past them.
  Status SaveIfAdvanced(bool now) {
    if (prefix_ <= progress_.next_row) return OkStatus();
    if (!now && Clock::now() - last_save_ < kProgressInterval) return OkStatus();
    GALLERY_RETURN_IF_ERROR(o_.versions_.Sync());
    GALLERY_RETURN_IF_ERROR(rejects_->Sync());
    progress_.next_row = prefix_;
    progress_.last_line = table_->rows()[prefix_ - 1].line;
    progress_.rejects_bytes = rejects_->bytes();
    GALLERY_RETURN_IF_ERROR(SaveProgress(progress_path_, progress_));
    last_save_ = Clock::now();
    return OkStatus();
  }

  // A file that cannot be read or does not fit the mapping is refused whole: it goes to
  // rejected/ with the reason.
  Result<IngestEnd> RefuseFile(const Status& why) {
    spdlog::warn("{}: refused whole; see rejected/{}.rejects.csv", name_, name_);
    GALLERY_RETURN_IF_ERROR(rejects_->Add(0, "", why.message()));
    GALLERY_RETURN_IF_ERROR(rejects_->Sync());
    counts_.rejected = 1;
    progress_.rejects_bytes = rejects_->bytes();
    progress_.complete = true;
    progress_.refused_whole = true;
    GALLERY_RETURN_IF_ERROR(SaveProgress(progress_path_, progress_));
    return Finish();
  }

  // Moves the rejects and then the file aside, and forgets the progress. Each step can be
  // repeated after a crash: the progress says complete until the last.
  Result<IngestEnd> Finish() {
    namespace fs = std::filesystem;
    const std::string done = o_.folders_.dir + "/done";
    const std::string rejected = o_.folders_.dir + "/rejected";
    std::error_code error;
    fs::create_directories(done, error);
    fs::create_directories(rejected, error);
    if (error)
      return Unavailable("cannot create " + done + " or " + rejected + ": " + error.message());
    if (!rejects_->empty()) {
      GALLERY_RETURN_IF_ERROR(
          MoveDurably(rejects_path_, FreeNameIn(rejected, name_ + ".rejects.csv")));
    } else {
      fs::remove(rejects_path_, error);
    }
    GALLERY_RETURN_IF_ERROR(
        MoveDurably(path_, FreeNameIn(progress_.refused_whole ? rejected : done, name_)));
    fs::remove(progress_path_, error);
    return IngestEnd::kDone;
  }

  FileIngester& o_;
  const std::string name_;
  const std::string path_;
  const std::string progress_path_;
  const std::string rejects_path_;
  IngestCounts& counts_;
  IngestProgress progress_;
  std::unique_ptr<RejectsFile> rejects_;
  std::unique_ptr<CsvTable> table_;
  std::optional<RowMapper> mapper_;
  std::vector<bool> settled_;
  size_t prefix_ = 0;
  std::unordered_map<std::string, Pending> pending_;
  std::unordered_map<std::string, int> first_line_;  // row id -> line where it first appears
  Clock::time_point last_save_{};
};

FileIngester::FileIngester(const CsvMapping& mapping, sdk::Publisher& publisher,
                           RecordVersions& versions, WatchFolders folders,
                           const std::atomic<bool>& stop, size_t max_in_flight)
    : mapping_(mapping),
      publisher_(publisher),
      versions_(versions),
      folders_(std::move(folders)),
      stop_(stop),
      max_in_flight_(max_in_flight) {}

Result<IngestEnd> FileIngester::Ingest(const std::string& name, IngestCounts& counts) {
  return Run(*this, name, counts).Go();
}

}  // namespace gallery::csv
