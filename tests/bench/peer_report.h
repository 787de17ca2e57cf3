// The figures a peer benchmark (rabbitmq_bench, zmq_forwarder_bench) measures, printed as
// e2e_bench prints its own: a table, then "result NAME VALUE SYSTEM" lines for run.sh.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gallery::bench {

struct PeerFigures {
  std::string system;       // the last word of each result line, e.g. "rabbitmq"
  std::string title;        // the table's heading
  std::string broker_name;  // the process measured beside the clients, e.g. "beam.smp"
  size_t record_bytes = 0;
  uint64_t records = 0;  // asked for in the throughput phase
  uint64_t tput_sent = 0;
  bool tput_done = false;  // every record acked by all three consumers
  int64_t tput_ns = 0;     // first send -> newest ack
  uint64_t rate = 0;
  uint64_t duration_s = 0;
  uint64_t lat_sent = 0;
  double lat_send_s = 0;
  bool lat_done = false;
  std::vector<int64_t> delivery_ns;           // publish -> delivery, latency phase
  std::optional<double> broker_cpu_s;         // over the throughput phase
  std::optional<double> clients_cpu_s;        // over the throughput phase
  std::optional<double> broker_peak_rss_mib;  // over the run
  bool peak_since_start = false;              // VmHWM could not be reset: it counts from the start
  uint64_t duplicates = 0;
  uint64_t out_of_range = 0;
  std::vector<std::string> problems;
};

// Prints the table, the result lines and the problems (to stderr); returns the exit code:
// 0 when the run was complete and nothing went wrong.
int PrintPeerReport(PeerFigures& f, bool timed_out, uint64_t timeout_s);

}  // namespace gallery::bench
