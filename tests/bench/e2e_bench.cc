// e2e_bench: the full path, measured. Starts a real hubd on loopback with a fresh store, one
// publisher and three subscribers (SDK clients), then measures end-to-end throughput, and
// publish-to-delivery latency at an offered rate, beside the disk's own fdatasync latency.
// The store is an embedded one (SQLite, or the journal) or a PostgreSQL database
// (--backend, --dsn). Options scale the world: recipients, rules, record size; --soak-windows
// reports latency and hubd's memory per window of a long latency phase.
// See tests/bench/README.md.
#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "hub/store/store_factory.h"
#include "tests/bench/bench_postgres.h"
#include "tests/bench/bench_publisher.h"
#include "tests/bench/bench_records.h"
#include "tests/bench/bench_rules.h"
#include "tests/bench/bench_stats.h"
#include "tests/bench/bench_subscriber.h"
#include "tests/bench/hub_process.h"
#include "tests/bench/proc_stats.h"

namespace gallery::bench {
namespace {

namespace fs = std::filesystem;

constexpr const char* kUsage = R"(usage: e2e_bench [options]

  --hubd PATH       hubd to run (default: hubd beside this binary)
  --backend B       hubd's store: sqlite (embedded, a fresh hub.db in the temporary folder;
                    the default), journal (embedded, a fresh journal folder there) or
                    postgresql (needs --dsn)
  --dsn DSN         libpq connection string of the PostgreSQL database, e.g.
                    "host=127.0.0.1 port=5433 dbname=gallery user=gallery". Its schema
                    "gallery" is DROPPED (with all it holds) before the run, so that the run
                    starts from an empty store: never point this at a hub's real database
  --records N       records in the throughput phase (default 50000)
  --rate R          records per second offered in the latency phase (default 2000)
  --duration S      seconds of the latency phase (default 5)
  --in-flight N     publisher's unconfirmed records at most (default 2000)
  --window N        hub's delivery window per subscriber (default 5000)
  --fsyncs N        rounds of the fdatasync probe (default 1000)
  --timeout S       hard limit for the whole run; past it, reports what it has and exits 1
                    (default 120)
  --tmp DIR         where to make the temporary hub folder (default $TMPDIR or /tmp); it
                    should be on the disk you mean to measure
  --keep            keep the temporary folder (kept anyway when the run fails)
  --log-level L     the SDK clients' log level: trace|debug|info|warn|error (default warn)
  --recipients N    recipient agencies bench-r1 ... bench-rN, each with a subscriber, all
                    reached by the rule (1 to 50; default 3)
  --rules N         rules hubd loads: the bench's one and N-1 of a 500-agency region that
                    its records never meet (10 to 10000; default: the bench's one alone)
  --record-bytes N  records padded with free text to about N bytes serialized (256 to
                    262144; default: the 1,191-byte record)
  --durable yes|no  no: the journal without fdatasync (hub.store.sync: false; journal only;
                    default yes)
  --soak-windows S  report, per S seconds of the latency phase, hubd's resident memory at
                    the window's end and the p50 / p99 of the records sent in it, as lines
                    "window K END_S RSS_MIB P50_MS P99_MS DELIVERIES" (1 to 600)

Prints a table, then one "result NAME VALUE BACKEND" line per figure (read by run.sh).
Exits 0 when every record was confirmed and delivered, redacted, to every recipient.
)";

struct Options {
  std::string hubd;
  std::string backend = "sqlite";
  std::string dsn;
  uint64_t records = 50000;
  uint64_t rate = 2000;
  uint64_t duration_s = 5;
  uint64_t in_flight = 2000;
  uint64_t window = 5000;
  uint64_t fsyncs = 1000;
  uint64_t timeout_s = 120;
  std::string tmp;
  bool keep = false;
  std::string log_level = "warn";
  int recipients = static_cast<int>(kRecipients.size());
  int rules = 1;
  uint64_t record_bytes = 0;  // 0: the default record
  bool durable = true;
  uint64_t soak_window_s = 0;  // 0: no windows
};

// Parses a whole positive number in [1, max], or exits with usage.
uint64_t Positive(const std::string& flag, const char* text, uint64_t max) {
  uint64_t n = 0;
  const std::string_view s(text);
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size() || n == 0 || n > max) {
    std::cerr << "e2e_bench: " << flag << " must be a whole number from 1 to " << max << "\n";
    std::exit(2);
  }
  return n;
}

Options ParseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::cerr << "e2e_bench: " << arg << " needs a value\n" << kUsage;
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--hubd")
      o.hubd = value();
    else if (arg == "--backend")
      o.backend = value();
    else if (arg == "--dsn")
      o.dsn = value();
    else if (arg == "--records")
      o.records = Positive(arg, value(), 10'000'000);
    else if (arg == "--rate")
      o.rate = Positive(arg, value(), 1'000'000);
    else if (arg == "--duration")
      o.duration_s = Positive(arg, value(), 600);
    else if (arg == "--in-flight")
      o.in_flight = Positive(arg, value(), 1'000'000);
    else if (arg == "--window")
      o.window = Positive(arg, value(), 100'000);
    else if (arg == "--fsyncs")
      o.fsyncs = Positive(arg, value(), 1'000'000);
    else if (arg == "--timeout")
      o.timeout_s = Positive(arg, value(), 3600);
    else if (arg == "--tmp")
      o.tmp = value();
    else if (arg == "--keep")
      o.keep = true;
    else if (arg == "--log-level")
      o.log_level = value();
    else if (arg == "--recipients")
      o.recipients = static_cast<int>(Positive(arg, value(), kMaxRecipients));
    else if (arg == "--rules") {
      o.rules = static_cast<int>(Positive(arg, value(), 10'000));
      if (o.rules < 10) {
        std::cerr << "e2e_bench: --rules must be a whole number from 10 to 10000\n";
        std::exit(2);
      }
    } else if (arg == "--record-bytes") {
      o.record_bytes = Positive(arg, value(), kMaxPaddedRecordBytes);
      if (o.record_bytes < kMinPaddedRecordBytes) {
        std::cerr << "e2e_bench: --record-bytes must be a whole number from "
                  << kMinPaddedRecordBytes << " to " << kMaxPaddedRecordBytes << "\n";
        std::exit(2);
      }
    } else if (arg == "--durable") {
      const std::string durable = value();
      if (durable != "yes" && durable != "no") {
        std::cerr << "e2e_bench: --durable must be yes or no\n";
        std::exit(2);
      }
      o.durable = durable == "yes";
    } else if (arg == "--soak-windows")
      o.soak_window_s = Positive(arg, value(), 600);
    else if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      std::exit(0);
    } else {
      std::cerr << "e2e_bench: unknown argument '" << arg << "'\n" << kUsage;
      std::exit(2);
    }
  }
  if (o.backend != "sqlite" && o.backend != "journal" && o.backend != "postgresql") {
    std::cerr << "e2e_bench: --backend must be sqlite, journal or postgresql\n";
    std::exit(2);
  }
  if ((o.backend == "postgresql") != !o.dsn.empty()) {
    std::cerr << "e2e_bench: --dsn is needed with --backend postgresql, and only then\n";
    std::exit(2);
  }
  if (std::any_of(o.dsn.begin(), o.dsn.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
    std::cerr << "e2e_bench: --dsn must not contain control characters\n";
    std::exit(2);
  }
  if (!o.durable && o.backend != "journal") {
    std::cerr << "e2e_bench: --durable no needs --backend journal (the only store that can "
                 "skip its syncs)\n";
    std::exit(2);
  }
  if (o.soak_window_s > o.duration_s) {
    std::cerr << "e2e_bench: --soak-windows must be at most --duration\n";
    std::exit(2);
  }
  if (o.rate * o.duration_s > 10'000'000) {
    std::cerr << "e2e_bench: --rate times --duration must be at most 10,000,000 records\n";
    std::exit(2);
  }
  if (o.hubd.empty()) {
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    o.hubd = ((ec ? fs::path(argv[0]) : self).parent_path() / "hubd").string();
  }
  if (o.tmp.empty()) {
    const char* env = std::getenv("TMPDIR");
    o.tmp = env != nullptr && *env != '\0' ? env : "/tmp";
  }
  return o;
}

// Ends the process if the run overshoots its hard limit by `grace` (an SDK call stuck
// somewhere), killing hubd first so that it never outlives the benchmark.
class Watchdog {
 public:
  Watchdog(Clock::time_point deadline, std::chrono::seconds grace, const HubProcess* hub)
      : thread_([this, deadline, grace, hub] {
          std::unique_lock lock(mu_);
          if (cv_.wait_until(lock, deadline + grace, [this] { return done_; })) return;
          if (const pid_t pid = hub->pid_for_emergency(); pid > 0) ::kill(pid, SIGKILL);
          std::fprintf(stderr,
                       "e2e_bench: still running %lld s past the hard limit; "
                       "killed hubd, aborting\n",
                       static_cast<long long>(grace.count()));
          std::_Exit(3);
        }) {}
  ~Watchdog() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;  // last: starts once the members above exist
};

// One --soak-windows window of the latency phase.
struct SoakWindow {
  double end_s = 0;     // since the phase began
  double rss_mib = -1;  // hubd's VmRSS at the end
  std::vector<int64_t> delivery_ns;  // of the records sent in the window, every recipient
};

// Everything measured; printed whole even when the run stopped early.
struct Report {
  size_t record_bytes = 0;
  uint64_t tput_records = 0;
  int64_t tput_start_ns = 0;
  int64_t tput_confirmed_ns = 0;  // newest confirm of the phase
  int64_t tput_delivered_ns = 0;  // newest ack covering the phase, over the subscribers
  bool tput_confirm_done = false;
  bool tput_deliver_done = false;
  uint64_t lat_sent = 0;
  double lat_send_s = 0;
  bool lat_deliver_done = false;
  std::vector<int64_t> delivery_ns;
  std::vector<int64_t> confirm_ns;
  std::vector<int64_t> fsync_ns;
  // CPU seconds over the throughput phase; negative when hubd's could not be read.
  double hub_cpu_s = -1;
  double bench_cpu_s = 0;
  double hub_peak_rss_mib = -1;  // VmHWM once the phases are over
  std::vector<SoakWindow> windows;
  uint64_t store_bytes = 0;  // hub.db and its WAL, or the PostgreSQL schema, once hubd stopped
  PublishCounts publish;
  std::vector<std::pair<std::string, SubscriberCounts>> subscribers;
  std::vector<std::string> problems;
};

double Seconds(int64_t ns) { return static_cast<double>(ns) / 1e9; }
double Millis(int64_t ns) { return static_cast<double>(ns) / 1e6; }

// Waits until every subscriber has `want` distinct records of `phase`; false at `until`.
bool AwaitDeliveries(const std::vector<std::unique_ptr<BenchSubscriber>>& subscribers, Phase phase,
                     uint64_t want, Clock::time_point until) {
  const auto p = static_cast<size_t>(phase);
  while (true) {
    bool all = true;
    for (const auto& s : subscribers) {
      const SubscriberCounts c = s->counts();
      if (!c.error.empty()) return false;
      all = all && c.distinct[p] >= want;
    }
    if (all) return true;
    if (Clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

int64_t NewestAck(const std::vector<std::unique_ptr<BenchSubscriber>>& subscribers, Phase phase) {
  int64_t newest = 0;
  for (const auto& s : subscribers) {
    newest = std::max(newest, s->counts().last_ack_ns[static_cast<size_t>(phase)]);
  }
  return newest;
}

void RunPhases(const Options& o, const HubProcess& hub, Clock::time_point deadline, Report& r) {
  sdk::ClientOptions base;
  base.endpoint = hub.endpoint();
  base.client_name = "e2e_bench";
  std::vector<std::unique_ptr<BenchSubscriber>> subscribers;
  for (int n = 1; n <= o.recipients; ++n) {
    sdk::ClientOptions options = base;
    options.agency = RecipientId(n);
    subscribers.push_back(std::make_unique<BenchSubscriber>(options, deadline));
  }
  sdk::ClientOptions pub_options = base;
  pub_options.agency = std::string(kSourceAgency);
  pub_options.max_in_flight = o.in_flight;
  const uint64_t lat_total = o.rate * o.duration_s;
  PublishDriver publisher(pub_options, std::max(o.records, lat_total), deadline);
  RecordFactory records(o.record_bytes);
  r.record_bytes = records.Make(Phase::kThroughput, 0, NowNs()).ByteSizeLong();
  const pid_t hub_pid = hub.pid();

  // (a) Throughput: as fast as the in-flight window allows.
  const std::optional<double> hub_cpu_before = ProcessCpuSeconds(hub_pid);
  const double bench_cpu_before = SelfCpuSeconds();
  r.tput_start_ns = NowNs();
  for (uint64_t seq = 0; seq < o.records; ++seq) {
    if (!publisher.Send(records, Phase::kThroughput, seq)) break;
  }
  r.tput_records = publisher.counts().sent[0];
  r.tput_confirm_done = publisher.Drain(deadline) && r.tput_records == o.records;
  r.tput_confirmed_ns = publisher.counts().last_confirm_ns[0];
  r.tput_deliver_done = AwaitDeliveries(subscribers, Phase::kThroughput, o.records, deadline);
  r.tput_delivered_ns = NewestAck(subscribers, Phase::kThroughput);
  r.bench_cpu_s = SelfCpuSeconds() - bench_cpu_before;
  if (const std::optional<double> after = ProcessCpuSeconds(hub_pid); after && hub_cpu_before) {
    r.hub_cpu_s = *after - *hub_cpu_before;
  }

  // (b) Latency: a steady offered rate. Between sends the publisher takes its confirms, so
  // that their times are meaningful (to about 1 ms).
  if (r.tput_deliver_done && publisher.error().empty()) {
    const auto start = Clock::now();
    const double interval_ns = 1e9 / static_cast<double>(o.rate);
    const auto window = std::chrono::seconds(o.soak_window_s);
    auto window_end = start + window;
    // Windows are of scheduled sends; the last is sampled once the phase's sends are done,
    // even when the publisher ran late.
    const size_t windows =
        o.soak_window_s > 0 ? (o.duration_s + o.soak_window_s - 1) / o.soak_window_s : 0;
    auto sample_window = [&] {
      r.windows.push_back({std::chrono::duration<double>(Clock::now() - start).count(),
                           ResidentMib(hub_pid).value_or(-1), {}});
    };
    uint64_t seq = 0;
    while (seq < lat_total && Clock::now() < deadline) {
      if (r.windows.size() + 1 < windows && Clock::now() >= window_end) {
        sample_window();
        window_end += window;
      }
      const auto due = start + std::chrono::nanoseconds(
                                   static_cast<int64_t>(static_cast<double>(seq) * interval_ns));
      if (Clock::now() >= due) {
        if (!publisher.Send(records, Phase::kLatency, seq)) break;
        ++seq;
      } else if (publisher.in_flight() > 0) {
        publisher.Pump(std::chrono::milliseconds(1));
      } else {
        std::this_thread::sleep_until(due);
      }
    }
    r.lat_send_s = std::chrono::duration<double>(Clock::now() - start).count();
    r.lat_sent = publisher.counts().sent[1];
    // The last window ends with the phase's last send (a partial one, if S does not divide
    // --duration).
    while (r.windows.size() < windows) sample_window();
    (void)publisher.Drain(deadline);
    r.lat_deliver_done = AwaitDeliveries(subscribers, Phase::kLatency, r.lat_sent, deadline) &&
                         r.lat_sent == lat_total;
    const uint64_t per_window = o.soak_window_s * o.rate;
    for (size_t w = 0; w < r.windows.size(); ++w) {
      for (const auto& s : subscribers) {
        const auto lat = s->Latencies(Phase::kLatency, w * per_window, (w + 1) * per_window);
        r.windows[w].delivery_ns.insert(r.windows[w].delivery_ns.end(), lat.begin(), lat.end());
      }
    }
  }
  r.hub_peak_rss_mib = PeakResidentMib(hub_pid).value_or(-1);

  r.publish = publisher.counts();
  r.confirm_ns = std::move(publisher.confirm_latencies(Phase::kLatency));
  if (!publisher.error().empty()) r.problems.push_back("publisher: " + publisher.error());
  for (auto& s : subscribers) {
    s->Stop();
    const auto lat = s->Latencies(Phase::kLatency);
    r.delivery_ns.insert(r.delivery_ns.end(), lat.begin(), lat.end());
    r.subscribers.emplace_back(s->agency(), s->counts());
  }
}

// hubd logs "... with rule set HASH (N rules)" once serving: N must be what was written.
Status CheckRuleCount(const std::string& log_path, int want) {
  std::ifstream log(log_path);
  const std::string marker = "rules)";
  for (std::string line; std::getline(log, line);) {
    const size_t end = line.find(marker);
    const size_t start = line.rfind('(', end);
    if (end == std::string::npos || start == std::string::npos) continue;
    const std::string count = line.substr(start + 1, end - start - 1);
    if (count == std::to_string(want) + " ") return OkStatus();
    return Internal("hubd loaded " + count + "rules, not " + std::to_string(want) + "; see " +
                    log_path);
  }
  return Internal("hubd did not log the rule count it loaded; see " + log_path);
}

void Row(const char* phase, const char* what, const std::string& value) {
  std::printf("  %-11s %-40s %s\n", phase, what, value.c_str());
}

// The table, the machine-readable lines, and the problems; returns the exit code.
int Print(const Options& o, Report& r, bool timed_out) {
  const double tput_e2e_s = Seconds(r.tput_delivered_ns - r.tput_start_ns);
  const double tput_confirm_s = Seconds(r.tput_confirmed_ns - r.tput_start_ns);
  const double e2e_rps =
      r.tput_deliver_done && tput_e2e_s > 0 ? static_cast<double>(o.records) / tput_e2e_s : 0;
  const double confirm_rps = r.tput_confirm_done && tput_confirm_s > 0
                                 ? static_cast<double>(o.records) / tput_confirm_s
                                 : 0;
  const double d50 = Millis(Percentile(r.delivery_ns, 50));
  const double d99 = Millis(Percentile(r.delivery_ns, 99));
  const double c50 = Millis(Percentile(r.confirm_ns, 50));
  const double c99 = Millis(Percentile(r.confirm_ns, 99));
  const double d999 = Millis(Percentile(r.delivery_ns, 99.9));
  const double c999 = Millis(Percentile(r.confirm_ns, 99.9));
  // CPU per 100,000 records of the throughput phase.
  const double per_100k = r.tput_records > 0 ? 1e5 / static_cast<double>(r.tput_records) : 0;
  const double hub_cpu = r.hub_cpu_s >= 0 ? r.hub_cpu_s * per_100k : -1;
  const double bench_cpu = r.bench_cpu_s * per_100k;
  const uint64_t recipients = static_cast<uint64_t>(o.recipients);
  const double f50 = Millis(Percentile(r.fsync_ns, 50));
  const double f99 = Millis(Percentile(r.fsync_ns, 99));

  std::printf(
      "\ne2e_bench: 1 publisher -> hubd (store: %s%s) -> %d subscribers, %zu-byte records, "
      "%s%u cores\n",
      o.backend == "postgresql" ? "postgresql, schema gallery"
      : o.backend == "journal"  ? "journal, embedded"
                                : "sqlite, embedded",
      o.durable ? "" : ", no fdatasync", o.recipients, r.record_bytes,
      o.rules > 1 ? fmt::format("{} rules, ", o.rules).c_str() : "",
      std::thread::hardware_concurrency());
  Row("throughput", "records published",
      std::to_string(r.tput_records) + " of " + std::to_string(o.records));
  Row("throughput", fmt::format("end to end (first send -> last ack x{})", recipients).c_str(),
      r.tput_deliver_done ? fmt::format("{:.0f} records/s ({:.0f} deliveries/s)", e2e_rps,
                                        static_cast<double>(recipients) * e2e_rps)
                          : "incomplete");
  Row("throughput", "confirmed (first send -> last confirm)",
      r.tput_confirm_done ? fmt::format("{:.0f} records/s", confirm_rps) : "incomplete");
  Row("latency", "offered", fmt::format("{} records/s for {} s", o.rate, o.duration_s));
  Row("latency", "sent", fmt::format("{} records in {:.2f} s", r.lat_sent, r.lat_send_s));
  Row("latency", "publish -> delivery p50 / p99",
      fmt::format("{:.2f} ms / {:.2f} ms ({} deliveries)", d50, d99, r.delivery_ns.size()));
  Row("latency", "publish -> confirm p50 / p99", fmt::format("{:.2f} ms / {:.2f} ms", c50, c99));
  Row("latency", "publish -> delivery / confirm p99.9",
      fmt::format("{:.2f} ms / {:.2f} ms", d999, c999));
  for (size_t w = 0; w < r.windows.size(); ++w) {
    SoakWindow& window = r.windows[w];
    Row("soak", fmt::format("window {} (to {:.0f} s): hubd RSS, p50 / p99", w + 1,
                            window.end_s).c_str(),
        fmt::format("{:.1f} MiB, {:.2f} ms / {:.2f} ms ({} deliveries)", window.rss_mib,
                    Millis(Percentile(window.delivery_ns, 50)),
                    Millis(Percentile(window.delivery_ns, 99)), window.delivery_ns.size()));
  }
  Row("disk", "fdatasync of 4 KiB append p50 / p99",
      fmt::format("{:.2f} ms / {:.2f} ms ({} rounds)", f50, f99, r.fsync_ns.size()));
  const uint64_t journaled = r.tput_records + r.lat_sent;
  const double store_per_record =
      journaled > 0 ? static_cast<double>(r.store_bytes) / static_cast<double>(journaled) : 0;
  Row("store",
      o.backend == "postgresql" ? "schema gallery (tables, indexes; no WAL)"
      : o.backend == "journal"  ? "journal folder after the run"
                                : "hub.db + WAL after the run",
      fmt::format("{:.1f} MiB, {:.0f} bytes per record journaled",
                  static_cast<double>(r.store_bytes) / (1 << 20), store_per_record));
  Row("cpu", "hubd, throughput phase (utime + stime)",
      hub_cpu >= 0 ? fmt::format("{:.2f} s per 100,000 records", hub_cpu) : "unreadable");
  Row("cpu", "e2e_bench (clients), throughput phase",
      fmt::format("{:.2f} s per 100,000 records", bench_cpu));
  Row("memory", "hubd peak resident (VmHWM)",
      r.hub_peak_rss_mib >= 0 ? fmt::format("{:.1f} MiB", r.hub_peak_rss_mib) : "unreadable");
  uint64_t duplicates = 0, redelivered = 0, leaks = 0, malformed = 0;
  for (const auto& [agency, c] : r.subscribers) {
    duplicates += c.duplicates;
    redelivered += c.redelivered;
    leaks += c.leaks;
    malformed += c.malformed;
    if (!c.error.empty()) r.problems.push_back(agency + ": " + c.error);
  }
  Row("checks", "duplicate / redelivered deliveries",
      std::to_string(duplicates) + " / " + std::to_string(redelivered));
  Row("checks", "duplicate confirms / rejects",
      std::to_string(r.publish.duplicates) + " / " + std::to_string(r.publish.rejected));

  // "result NAME VALUE BACKEND", one per figure, for run.sh.
  std::printf("\n");
  auto result = [&](const char* name, const std::string& value) {
    std::printf("result %s %s %s\n", name, value.c_str(), o.backend.c_str());
  };
  result("e2e_records_per_s", fmt::format("{:.0f}", e2e_rps));
  result("confirm_records_per_s", fmt::format("{:.0f}", confirm_rps));
  result("offered_records_per_s", std::to_string(o.rate));
  result("delivery_p50_ms", fmt::format("{:.3f}", d50));
  result("delivery_p99_ms", fmt::format("{:.3f}", d99));
  result("confirm_p50_ms", fmt::format("{:.3f}", c50));
  result("confirm_p99_ms", fmt::format("{:.3f}", c99));
  result("fdatasync_p50_ms", fmt::format("{:.3f}", f50));
  result("fdatasync_p99_ms", fmt::format("{:.3f}", f99));
  result("store_bytes_per_record", fmt::format("{:.0f}", store_per_record));
  result("delivery_p999_ms", fmt::format("{:.3f}", d999));
  result("confirm_p999_ms", fmt::format("{:.3f}", c999));
  result("hub_cpu_s_per_100k", fmt::format("{:.3f}", hub_cpu));
  result("bench_cpu_s_per_100k", fmt::format("{:.3f}", bench_cpu));
  result("hub_peak_rss_mib", fmt::format("{:.1f}", r.hub_peak_rss_mib));
  // "window K END_S RSS_MIB P50_MS P99_MS DELIVERIES", for soak.sh.
  for (size_t w = 0; w < r.windows.size(); ++w) {
    SoakWindow& window = r.windows[w];
    std::printf("window %zu %.1f %.1f %.3f %.3f %zu\n", w + 1, window.end_s, window.rss_mib,
                Millis(Percentile(window.delivery_ns, 50)),
                Millis(Percentile(window.delivery_ns, 99)), window.delivery_ns.size());
  }

  if (timed_out)
    r.problems.push_back("hard limit of " + std::to_string(o.timeout_s) + " s reached");
  if (!r.tput_confirm_done) r.problems.push_back("throughput phase: not every record confirmed");
  if (!r.tput_deliver_done)
    r.problems.push_back("throughput phase: not every record delivered to every recipient");
  if (!r.lat_deliver_done)
    r.problems.push_back("latency phase: not every record sent and delivered to every recipient");
  if (r.publish.rejected > 0)
    r.problems.push_back(std::to_string(r.publish.rejected) +
                         " records rejected, first: " + r.publish.first_reject);
  if (leaks > 0)
    r.problems.push_back(std::to_string(leaks) +
                         " deliveries carried Notes/Internal, which the rule excludes");
  if (malformed > 0)
    r.problems.push_back(std::to_string(malformed) + " deliveries without a bench id or send time");
  for (const auto& problem : r.problems)
    std::fprintf(stderr, "e2e_bench: FAILED: %s\n", problem.c_str());
  return r.problems.empty() ? 0 : 1;
}

int Main(int argc, char** argv) {
  const Options o = ParseArgs(argc, argv);
  spdlog::set_level(spdlog::level::from_str(o.log_level));
  if (::access(o.hubd.c_str(), X_OK) != 0) {
    std::fprintf(stderr, "e2e_bench: cannot run %s (build target hubd, or pass --hubd PATH)\n",
                 o.hubd.c_str());
    return 2;
  }
  const auto deadline = Clock::now() + std::chrono::seconds(o.timeout_s);

  std::string dir_template = (fs::path(o.tmp) / "gallery-bench-XXXXXX").string();
  if (::mkdtemp(dir_template.data()) == nullptr) {
    std::perror(("e2e_bench: cannot create a folder in " + o.tmp).c_str());
    return 1;
  }
  const std::string dir = dir_template;
  const fs::path rules_dir = fs::path(dir) / "rules";
  fs::create_directory(rules_dir);
  // The region's agencies and rules only when asked for: its rules name its agencies.
  const std::vector<Agency> region = o.rules > 1 ? Region() : std::vector<Agency>();
  std::ofstream(fs::path(dir) / "hub.yaml")
      << ConfigYaml(static_cast<uint32_t>(o.window), StoreChoice{o.backend, o.dsn, o.durable},
                    o.recipients, region);
  std::ofstream(rules_dir / "bench.yaml") << RulesYaml(o.recipients);
  if (o.rules > 1) WriteRegionRules(region, o.rules - 1, /*seed=*/1, rules_dir);
  std::printf("e2e_bench: folder %s, hubd %s, store %s\n", dir.c_str(), o.hubd.c_str(),
              o.backend.c_str());
  const bool postgres = o.backend == "postgresql";
  if (postgres) {
    // hubd creates the schema afresh when it opens the store.
    if (Status dropped = DropSchema(o.dsn, store::kPostgresSchema); !dropped.ok()) {
      std::fprintf(stderr, "e2e_bench: %s\n", dropped.ToString().c_str());
      std::error_code ec;
      fs::remove_all(dir, ec);
      return 1;
    }
  }

  Report r;
  // First, alone on the machine: the disk's own sync latency in the store's folder.
  auto fsync = MeasureFdatasync(dir, static_cast<int>(o.fsyncs), deadline);
  if (fsync.ok()) {
    r.fsync_ns = std::move(fsync).value();
  } else {
    r.problems.push_back(fsync.status().ToString());
  }

  // Started before any thread: HubProcess forks.
  auto hub = HubProcess::Start(o.hubd, dir + "/hub.yaml", dir, std::chrono::seconds(10));
  if (!hub.ok()) {
    std::fprintf(stderr, "e2e_bench: %s\ne2e_bench: kept %s\n", hub.status().ToString().c_str(),
                 dir.c_str());
    return 1;
  }
  bool timed_out = false;
  {
    Watchdog watchdog(deadline, std::chrono::seconds(20), hub->get());
    RunPhases(o, **hub, deadline, r);
    // Read once the phases are over: hubd logs the count as it starts serving.
    if (Status loaded = CheckRuleCount((*hub)->log_path(), o.rules); !loaded.ok()) {
      r.problems.push_back(loaded.ToString());
    }
    timed_out = Clock::now() >= deadline;
    if (Status stopped = (*hub)->Stop(std::chrono::seconds(10)); !stopped.ok()) {
      r.problems.push_back(stopped.ToString() + "; see " + (*hub)->log_path());
    }
    if (postgres) {
      auto bytes = SchemaBytes(o.dsn, store::kPostgresSchema);
      if (bytes.ok()) {
        r.store_bytes = *bytes;
      } else {
        r.problems.push_back(bytes.status().ToString());
      }
    } else if (o.backend == "journal") {
      std::error_code ec;
      for (fs::recursive_directory_iterator it(fs::path(dir) / "journal", ec), end;
           !ec && it != end; it.increment(ec)) {
        std::error_code size_ec;
        const auto size = it->is_regular_file(size_ec) ? it->file_size(size_ec) : 0;
        if (!size_ec) r.store_bytes += size;
      }
    } else {
      for (const char* name : {"hub.db", "hub.db-wal"}) {
        std::error_code ec;
        const auto size = fs::file_size(fs::path(dir) / name, ec);
        if (!ec) r.store_bytes += size;
      }
    }
  }
  const int code = Print(o, r, timed_out);
  if (code == 0 && !o.keep) {
    std::error_code ec;
    fs::remove_all(dir, ec);
  } else {
    std::printf("e2e_bench: kept %s\n", dir.c_str());
  }
  return code;
}

}  // namespace
}  // namespace gallery::bench

int main(int argc, char** argv) { return gallery::bench::Main(argc, argv); }
