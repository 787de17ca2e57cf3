// restart_bench: how long a restarted hubd with a large backlog takes to accept
// connections and deliver again, and how much memory it holds meanwhile.
//
// Fills a fresh embedded store (the journal, or SQLite with --backend sqlite) with
// --deliveries queued deliveries (3 recipients per record, 1 KB records) through the store
// API, starts the real hubd on it, and measures:
// start -> endpoint bound (accepting), start -> first delivery at a subscriber, the rate
// at which one recipient's backlog then drains, and hubd's peak resident memory.
// Talks only to 127.0.0.1; bounded by --timeout.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "adapters/sdk/subscriber.h"
#include "hub/store/journal_store.h"
#include "hub/store/sqlite_store.h"
#include "tests/bench/bench_records.h"
#include "tests/bench/bench_stats.h"
#include "tests/bench/hub_process.h"

namespace gallery::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Options {
  uint64_t deliveries = 1'000'000;
  double drain_seconds = 5;
  double timeout_seconds = 600;
  std::string hubd;
  std::string tmp = fs::temp_directory_path().string();
  bool keep = false;  // keep the folder (store, hubd.log) for inspection
  std::string backend = "journal";  // or "sqlite"
};

// Where the store lives in the bench's folder (as ConfigYaml names it).
std::string StorePath(const Options& options) {
  return options.backend == "sqlite" ? "hub.db" : "journal";
}

// Bytes of the store: the file, or every file of the journal's folder.
uint64_t StoreBytes(const fs::path& path) {
  std::error_code error;
  if (fs::is_regular_file(path, error)) return fs::file_size(path, error);
  uint64_t total = 0;
  for (const auto& entry : fs::directory_iterator(path, error)) {
    if (entry.is_regular_file(error)) total += entry.file_size(error);
  }
  return total;
}

Result<std::unique_ptr<store::Store>> OpenForFilling(const Options& options,
                                                     const std::string& path) {
  if (options.backend == "sqlite") {
    GALLERY_ASSIGN_OR_RETURN(std::unique_ptr<store::SqliteStore> store,
                             store::SqliteStore::Open(path));
    return std::unique_ptr<store::Store>(std::move(store));
  }
  GALLERY_ASSIGN_OR_RETURN(std::unique_ptr<store::JournalStore> store,
                           store::JournalStore::Open(path));
  return std::unique_ptr<store::Store>(std::move(store));
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// VmHWM (peak resident set) of `pid` in MiB, or -1.
double PeakRssMiB(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return -1;
}

// Journals `records` records of ~1 KB, each queued for the three bench recipients.
Status FillStore(const Options& options, const std::string& path, uint64_t records) {
  auto store = OpenForFilling(options, path);
  if (!store.ok()) return store.status();
  RecordFactory factory;
  constexpr uint64_t kBatch = 5000;
  for (uint64_t first = 0; first < records; first += kBatch) {
    std::vector<store::NewRecord> batch;
    for (uint64_t seq = first; seq < std::min(records, first + kBatch); ++seq) {
      const v1::Record& record = factory.Make(Phase::kThroughput, seq, NowNs());
      store::NewRecord entry;
      entry.record_id = record.record_id();
      entry.source_agency = record.source_agency();
      entry.record_type = record.record_type();
      entry.payload = record.SerializeAsString();
      for (auto recipient : kRecipients) {
        entry.deliveries.push_back({std::string(recipient), {"bench-all"}, {}, entry.payload});
      }
      batch.push_back(std::move(entry));
    }
    GALLERY_RETURN_IF_ERROR((*store)->Commit(batch, {}, "bench"));
  }
  return OkStatus();
}

int Run(const Options& options) {
  const fs::path dir = fs::path(options.tmp) / ("gallery-restart-bench-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "rules");
  // The bench's config names the store this run fills ("journal" or "hub.db" beside it).
  std::ofstream(dir / "hub.yaml") << ConfigYaml(5000, StoreChoice{options.backend, ""});
  std::ofstream(dir / "rules" / "bench.yaml") << RulesYaml();
  const uint64_t records = (options.deliveries + kRecipients.size() - 1) / kRecipients.size();

  const auto fill_start = Clock::now();
  const fs::path store_path = dir / StorePath(options);
  if (Status filled = FillStore(options, store_path.string(), records); !filled.ok()) {
    std::fprintf(stderr, "restart_bench: filling the store: %s\n", filled.ToString().c_str());
    return 1;
  }
  const double fill_s = Seconds(Clock::now() - fill_start);
  const double store_mib = static_cast<double>(StoreBytes(store_path)) / (1024.0 * 1024.0);

  const auto start = Clock::now();
  auto hub = HubProcess::Start(options.hubd, (dir / "hub.yaml").string(), dir.string(),
                               std::chrono::seconds(120));
  if (!hub.ok()) {
    std::fprintf(stderr, "restart_bench: %s\n", hub.status().ToString().c_str());
    return 1;
  }
  const double accept_s = Seconds(Clock::now() - start);

  sdk::ClientOptions client;
  client.endpoint = (*hub)->endpoint();
  client.agency = std::string(kRecipients[0]);
  sdk::Subscriber subscriber(client);
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(options.timeout_seconds));
  double first_s = -1;
  uint64_t received = 0;
  Clock::time_point drain_start;
  Clock::time_point last_received;
  std::vector<uint64_t> acks;
  // One recipient's whole backlog, or drain_seconds of it, whichever comes first.
  while (Clock::now() < deadline && received < records) {
    if (first_s >= 0 && Seconds(Clock::now() - drain_start) >= options.drain_seconds) break;
    auto next = subscriber.Next(std::chrono::milliseconds(200));
    if (!next.ok()) break;
    if (!next->has_value()) continue;
    last_received = Clock::now();
    if (first_s < 0) {
      first_s = Seconds(last_received - start);
      drain_start = last_received;
    }
    ++received;
    acks.push_back((*next)->delivery_id);
    if (acks.size() >= 500) {
      (void)subscriber.Ack(acks);
      acks.clear();
    }
  }
  if (!acks.empty()) (void)subscriber.Ack(acks);
  const double drain_s = first_s < 0 ? 0 : Seconds(last_received - drain_start);
  const double drain_rate = drain_s > 0 ? static_cast<double>(received - 1) / drain_s : 0.0;
  const double peak_rss = PeakRssMiB((*hub)->pid_for_emergency());
  (void)(*hub)->Stop(std::chrono::seconds(10));
  if (!options.keep) fs::remove_all(dir);

  std::printf("restart_bench: embedded store (%s), %llu queued deliveries (%llu records x 3), "
              "%u cores\n",
              options.backend.c_str(), static_cast<unsigned long long>(records * kRecipients.size()),
              static_cast<unsigned long long>(records), std::thread::hardware_concurrency());
  std::printf("  fill      store API, batches of 5000          %.1f s (%.0f records/s), %.0f MiB\n",
              fill_s, static_cast<double>(records) / fill_s, store_mib);
  std::printf("  restart   start -> accepting                  %.3f s\n", accept_s);
  std::printf("  restart   start -> first delivery             %.3f s\n", first_s);
  std::printf("  drain     one recipient's backlog             %.0f deliveries/s (%llu in %.1f s)\n",
              drain_rate, static_cast<unsigned long long>(received), drain_s);
  std::printf("  memory    hubd peak resident                  %.0f MiB\n", peak_rss);
  // "result NAME VALUE BACKEND", as e2e_bench prints them, for run.sh.
  const char* backend = options.backend.c_str();
  std::printf("result restart_fill_records_per_s %.0f %s\n", static_cast<double>(records) / fill_s,
              backend);
  std::printf("result restart_accept_s %.3f %s\nresult restart_first_delivery_s %.3f %s\n",
              accept_s, backend, first_s, backend);
  std::printf("result restart_drain_per_s %.0f %s\nresult restart_peak_rss_mib %.0f %s\n",
              drain_rate, backend, peak_rss, backend);
  return first_s < 0 ? 1 : 0;
}

}  // namespace
}  // namespace gallery::bench

int main(int argc, char** argv) {
  gallery::bench::Options options;
  options.hubd = (std::filesystem::path(argv[0]).parent_path() / "hubd").string();
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--deliveries") options.deliveries = std::stoull(value);
    else if (flag == "--drain-seconds") options.drain_seconds = std::stod(value);
    else if (flag == "--timeout") options.timeout_seconds = std::stod(value);
    else if (flag == "--hubd") options.hubd = value;
    else if (flag == "--tmp") options.tmp = value;
    else if (flag == "--keep") options.keep = value == "yes";
    else if (flag == "--backend" && (value == "journal" || value == "sqlite")) {
      options.backend = value;
    } else {
      std::fprintf(stderr,
                   "usage: restart_bench [--deliveries N] [--drain-seconds S] [--timeout S]"
                   " [--hubd PATH] [--tmp DIR] [--backend journal|sqlite]\n");
      return 2;
    }
  }
  spdlog::set_level(spdlog::level::warn);
  return gallery::bench::Run(options);
}
