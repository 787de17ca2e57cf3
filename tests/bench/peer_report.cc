#include "tests/bench/peer_report.h"

#include <spdlog/fmt/fmt.h>

#include <cstdio>
#include <thread>

#include "tests/bench/bench_stats.h"

namespace gallery::bench {
namespace {

void Row(const char* phase, const char* what, const std::string& value) {
  std::printf("  %-11s %-40s %s\n", phase, what, value.c_str());
}

double Millis(int64_t ns) { return static_cast<double>(ns) / 1e6; }

std::string Optional(const std::optional<double>& value, const char* format_unit) {
  return value ? fmt::format(fmt::runtime(format_unit), *value) : "-";
}

}  // namespace

int PrintPeerReport(PeerFigures& f, bool timed_out, uint64_t timeout_s) {
  const double tput_s = static_cast<double>(f.tput_ns) / 1e9;
  const double rps = f.tput_done && tput_s > 0 ? static_cast<double>(f.records) / tput_s : 0;
  const double d50 = Millis(Percentile(f.delivery_ns, 50));
  const double d99 = Millis(Percentile(f.delivery_ns, 99));
  const double d999 = Millis(Percentile(f.delivery_ns, 99.9));
  // CPU per 100,000 records of the throughput phase.
  auto per_100k = [&](const std::optional<double>& cpu) -> std::optional<double> {
    if (!cpu || !f.tput_done) return std::nullopt;
    return *cpu / static_cast<double>(f.records) * 100000.0;
  };
  const auto broker_cpu = per_100k(f.broker_cpu_s);
  const auto clients_cpu = per_100k(f.clients_cpu_s);

  std::printf("\n%s, %zu-byte records, %u cores\n", f.title.c_str(), f.record_bytes,
              std::thread::hardware_concurrency());
  Row("throughput", "records published",
      std::to_string(f.tput_sent) + " of " + std::to_string(f.records));
  Row("throughput", "end to end (first send -> last ack x3)",
      f.tput_done ? fmt::format("{:.0f} records/s ({:.0f} deliveries/s)", rps, 3 * rps)
                  : "incomplete");
  Row("throughput", fmt::format("{} CPU per 100k records", f.broker_name).c_str(),
      Optional(broker_cpu, "{:.2f} s"));
  Row("throughput", "clients' CPU per 100k records", Optional(clients_cpu, "{:.2f} s"));
  Row("latency", "offered", fmt::format("{} records/s for {} s", f.rate, f.duration_s));
  Row("latency", "sent", fmt::format("{} records in {:.2f} s", f.lat_sent, f.lat_send_s));
  Row("latency", "publish -> delivery p50 / p99 / p99.9",
      fmt::format("{:.2f} ms / {:.2f} ms / {:.2f} ms ({} deliveries)", d50, d99, d999,
                  f.delivery_ns.size()));
  Row("memory",
      fmt::format("{} peak resident{}", f.broker_name,
                  f.peak_since_start ? " (since its start)" : "")
          .c_str(),
      Optional(f.broker_peak_rss_mib, "{:.0f} MiB"));
  Row("checks", "duplicate / unknown deliveries",
      std::to_string(f.duplicates) + " / " + std::to_string(f.out_of_range));

  std::printf("\n");
  auto result = [&](const char* name, const std::string& value) {
    std::printf("result %s %s %s\n", name, value.c_str(), f.system.c_str());
  };
  result("e2e_records_per_s", fmt::format("{:.0f}", rps));
  result("offered_records_per_s", std::to_string(f.rate));
  result("delivery_p50_ms", fmt::format("{:.3f}", d50));
  result("delivery_p99_ms", fmt::format("{:.3f}", d99));
  result("delivery_p999_ms", fmt::format("{:.3f}", d999));
  if (broker_cpu) result("broker_cpu_s_per_100k", fmt::format("{:.3f}", *broker_cpu));
  if (clients_cpu) result("bench_cpu_s_per_100k", fmt::format("{:.3f}", *clients_cpu));
  if (f.broker_peak_rss_mib)
    result("broker_peak_rss_mib", fmt::format("{:.1f}", *f.broker_peak_rss_mib));

  if (timed_out) f.problems.push_back("hard limit of " + std::to_string(timeout_s) + " s reached");
  if (!f.tput_done) f.problems.push_back("throughput phase: not every record acked by all three");
  if (!f.lat_done)
    f.problems.push_back("latency phase: not every record sent and acked by all three");
  if (f.out_of_range > 0)
    f.problems.push_back(std::to_string(f.out_of_range) + " deliveries of unknown records");
  for (const auto& problem : f.problems) {
    std::fprintf(stderr, "%s: FAILED: %s\n", f.system.c_str(), problem.c_str());
  }
  return f.problems.empty() ? 0 : 1;
}

}  // namespace gallery::bench
