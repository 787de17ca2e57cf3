#include "adapters/csv/watch_mode.h"

#include <signal.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <filesystem>
#include <set>
#include <string>

#include <spdlog/spdlog.h>

#include "adapters/csv/folder_watcher.h"
#include "adapters/csv/import_tally.h"
#include "adapters/csv/record_versions.h"
#include "adapters/csv/watch_ingest.h"
#include "adapters/sdk/publisher.h"

namespace gallery::csv {
namespace {

using Clock = std::chrono::steady_clock;

std::atomic<bool> g_stop{false};

extern "C" void OnStopSignal(int) { g_stop.store(true); }

// Without SA_RESTART, so that a signal ends the wait for inotify at once.
void InstallStopHandlers() {
  struct sigaction action {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
}

// Files waiting to be taken, each once however often it is announced.
class TakeQueue {
 public:
  void Add(const std::string& name) {
    if (queued_.insert(name).second) order_.push_back(name);
  }
  bool empty() const { return order_.empty(); }
  std::string Take() {
    std::string name = std::move(order_.front());
    order_.pop_front();
    queued_.erase(name);
    return name;
  }

 private:
  std::deque<std::string> order_;
  std::set<std::string> queued_;
};

void LogCounts(const std::string& name, const IngestCounts& c, IngestEnd end) {
  spdlog::info(
      "{}: {} rows{}, {} confirmed, {} duplicates, {} unchanged, {} amendments, {} retractions, "
      "{} rejected{}",
      name, c.rows,
      c.resumed_at > 0 ? " (resumed at row " + std::to_string(c.resumed_at + 1) + ")" : "",
      c.confirmed, c.duplicates, c.unchanged, c.amendments, c.retractions, c.rejected,
      end == IngestEnd::kDone ? "; moved aside" : "; stopped, will resume");
}

}  // namespace

int RunWatch(const AdapterArgs& args, const CsvMapping& mapping,
             const sdk::ClientOptions& client) {
  namespace fs = std::filesystem;
  const std::string state_dir =
      args.state_dir.empty() ? args.watch_dir + "/.gallery-state" : args.state_dir;
  std::error_code error;
  fs::create_directories(state_dir, error);
  if (error) {
    spdlog::error("cannot create state folder {}: {}", state_dir, error.message());
    return kExitUsage;
  }
  auto watcher = FolderWatcher::Open(args.watch_dir);
  if (!watcher.ok()) {
    spdlog::error("{}", watcher.status().ToString());
    return kExitUsage;
  }
  auto versions = RecordVersions::Open(state_dir + "/record-versions.log");
  if (!versions.ok()) {
    spdlog::error("{}", versions.status().ToString());
    return kExitRowsRefused;
  }
  InstallStopHandlers();

  sdk::Publisher publisher(client);
  FileIngester ingester(mapping, publisher, **versions, {args.watch_dir, state_dir}, g_stop,
                        client.max_in_flight);
  spdlog::info("watching {} for agency {} (state in {})", args.watch_dir, mapping.agency(),
               state_dir);

  TakeQueue queue;
  // Files with saved progress were taken before a stop or crash: resume them first.
  for (const auto& entry : fs::directory_iterator(state_dir, error)) {
    const std::string file = entry.path().filename().string();
    const std::string suffix = ".progress";
    if (file.size() > suffix.size() && file.ends_with(suffix)) {
      queue.Add(file.substr(0, file.size() - suffix.size()));
    }
  }
  Clock::time_point next_scan = Clock::now();
  while (!g_stop.load()) {
    if (Clock::now() >= next_scan) {
      for (const auto& name : watcher->Scan(args.rescan)) queue.Add(name);
      next_scan = Clock::now() + args.rescan;
    }
    if (queue.empty()) {
      const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::max(Clock::duration::zero(), next_scan - Clock::now()));
      auto names = watcher->Wait(std::min(wait, std::chrono::milliseconds(1000)));
      if (!names.ok()) {
        spdlog::error("{}", names.status().ToString());
        return kExitRowsRefused;
      }
      for (const auto& name : *names) queue.Add(name);
      continue;
    }
    const std::string name = queue.Take();
    IngestCounts counts;
    auto end = ingester.Ingest(name, counts);
    if (!end.ok()) {
      spdlog::error("{}: {}", name, end.status().ToString());
      return kExitRowsRefused;
    }
    if (*end != IngestEnd::kNotThere) LogCounts(name, counts, *end);
  }
  spdlog::info("stopped");
  return kExitAllConfirmed;
}

}  // namespace gallery::csv
