// zmq_forwarder_bench: the bare transport, measured on e2e_bench's workload. A producer
// PUSHes the bench records to a forwarder process (this binary, --forwarder) that copies
// each to three consumers, which PUSH batched acks back to the producer: plaintext tcp on
// 127.0.0.1, no durability, no routing decision, no redaction. See tests/bench/README.md.
#include <signal.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "tests/bench/bench_records.h"
#include "tests/bench/bench_stats.h"
#include "tests/bench/delivery_tally.h"
#include "tests/bench/hard_limit.h"
#include "tests/bench/paced_sends.h"
#include "tests/bench/peer_options.h"
#include "tests/bench/peer_report.h"
#include "tests/bench/proc_stats.h"
#include "tests/bench/zmq_bench_clients.h"
#include "tests/bench/zmq_forwarder.h"

namespace gallery::bench {
namespace {

constexpr const char* kProgram = "zmq_forwarder_bench";

std::string Usage() {
  return std::string("usage: zmq_forwarder_bench [options]\n\n") + kPeerOptionsUsage +
         "\nRuns the forwarder as a child process (this binary, --forwarder), stopped by its "
         "PID.\nPrints a table, then one \"result NAME VALUE forwarder\" line per figure.\n";
}

void RunPhases(const PeerOptions& o, const ForwarderProcess& forwarder, Clock::time_point deadline,
               PeerFigures& f) {
  const uint64_t lat_total = o.rate * o.duration_s;
  zmq::context_t context(1);
  ZmqProducer producer(context, forwarder.in(), o.in_flight, deadline);
  std::vector<std::unique_ptr<ZmqConsumer>> consumers;
  std::vector<const DeliveryTally*> tallies;
  for (uint32_t i = 0; i < forwarder.outs().size(); ++i) {
    consumers.push_back(std::make_unique<ZmqConsumer>(
        context, i, forwarder.outs()[i], producer.ack_endpoint(),
        std::make_unique<DeliveryTally>(std::array<uint64_t, kPhases>{o.records, lat_total}),
        deadline));
    tallies.push_back(&consumers.back()->tally());
  }

  // (a) Throughput: as fast as the in-flight window allows.
  const auto forwarder_cpu0 = ProcessCpuSeconds(forwarder.pid());
  const double self_cpu0 = SelfCpuSeconds();
  const int64_t start = NowNs();
  for (uint64_t seq = 0; seq < o.records; ++seq) {
    if (!producer.Send(Phase::kThroughput, seq)) break;
    if (seq == 0) f.record_bytes = producer.last_size();  // the size e2e_bench reports
  }
  f.tput_sent = producer.sent();
  f.tput_done = producer.Drain() && f.tput_sent == o.records &&
                AwaitAcked(tallies, Phase::kThroughput, o.records, deadline);
  f.tput_ns = NewestAck(tallies, Phase::kThroughput) - start;
  if (f.tput_done) {
    f.clients_cpu_s = SelfCpuSeconds() - self_cpu0;
    const auto forwarder_cpu1 = ProcessCpuSeconds(forwarder.pid());
    if (forwarder_cpu0 && forwarder_cpu1) f.broker_cpu_s = *forwarder_cpu1 - *forwarder_cpu0;
  }

  // (b) Latency: a steady offered rate; acks taken between sends.
  if (f.tput_done) {
    const auto lat_start = Clock::now();
    f.lat_sent = SendAtRate(producer, o.rate, lat_total, deadline);
    f.lat_send_s = std::chrono::duration<double>(Clock::now() - lat_start).count();
    f.lat_done = producer.Drain() && f.lat_sent == lat_total &&
                 AwaitAcked(tallies, Phase::kLatency, lat_total, deadline);
  }
  if (!producer.error().empty()) f.problems.push_back("producer: " + producer.error());
  for (auto& c : consumers) {
    c->Stop();
    const auto counts = c->tally().snapshot();
    f.duplicates += counts.duplicates;
    f.out_of_range += counts.out_of_range;
    auto lat = c->tally().TakeLatencies();
    f.delivery_ns.insert(f.delivery_ns.end(), lat.begin(), lat.end());
  }
}

int Main(int argc, char** argv) {
  if (argc == 2 && std::strcmp(argv[1], kForwarderRole) == 0) return RunForwarder();
  PeerOptions o;
  const std::string usage = Usage();
  ParsePeerArgs(argc, argv, kProgram, usage.c_str(), o,
                [](const std::string&, const std::function<const char*()>&) { return false; });
  const auto deadline = Clock::now() + std::chrono::seconds(o.timeout_s);
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) {
    std::fprintf(stderr, "zmq_forwarder_bench: cannot read /proc/self/exe: %s\n",
                 ec.message().c_str());
    return 1;
  }
  // Started before any thread: it forks.
  auto forwarder = ForwarderProcess::Start(self.string(), std::chrono::seconds(10));
  if (!forwarder.ok()) {
    std::fprintf(stderr, "zmq_forwarder_bench: %s\n", forwarder.status().ToString().c_str());
    return 1;
  }
  std::printf("zmq_forwarder_bench: forwarder pid %d, in %s\n",
              static_cast<int>((*forwarder)->pid()), (*forwarder)->in().c_str());
  PeerFigures f;
  f.system = "forwarder";
  f.title =
      "zmq_forwarder_bench: 1 producer -> ZeroMQ forwarder process -> 3 consumers, acks "
      "back, nothing kept";
  f.broker_name = "forwarder";
  f.records = o.records;
  f.rate = o.rate;
  f.duration_s = o.duration_s;
  bool timed_out = false;
  {
    const pid_t pid = (*forwarder)->pid();
    HardLimit limit(kProgram, deadline, std::chrono::seconds(20), [pid] { ::kill(pid, SIGKILL); });
    RunPhases(o, **forwarder, deadline, f);
    timed_out = Clock::now() >= deadline;
    f.broker_peak_rss_mib = PeakResidentMib(pid);
    if (!(*forwarder)->Stop())
      f.problems.push_back("the forwarder did not exit cleanly on SIGTERM");
  }
  return PrintPeerReport(f, timed_out, o.timeout_s);
}

}  // namespace
}  // namespace gallery::bench

int main(int argc, char** argv) { return gallery::bench::Main(argc, argv); }
