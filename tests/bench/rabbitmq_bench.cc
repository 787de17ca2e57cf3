// rabbitmq_bench: the broker an agency might pick instead of Gallery, measured on
// e2e_bench's workload. One publisher sends the bench records to a headers exchange of a
// RabbitMQ node that routes them, on source agency and record type, to three queues, each
// drained by a consumer on its own connection that acks in batches. Persistent messages to
// durable queues with publisher confirms, or (--transient) neither. The node is started
// apart, by tests/bench/rabbitmq_server.sh. See tests/bench/README.md.
#include <amqp.h>
#include <sys/types.h>

#include <array>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "tests/bench/amqp_bench_clients.h"
#include "tests/bench/amqp_session.h"
#include "tests/bench/bench_records.h"
#include "tests/bench/bench_stats.h"
#include "tests/bench/delivery_tally.h"
#include "tests/bench/hard_limit.h"
#include "tests/bench/paced_sends.h"
#include "tests/bench/peak_rss_reset.h"
#include "tests/bench/peer_options.h"
#include "tests/bench/peer_report.h"
#include "tests/bench/proc_stats.h"

namespace gallery::bench {
namespace {

constexpr const char* kProgram = "rabbitmq_bench";

std::string Usage() {
  return std::string(R"(usage: rabbitmq_bench --port PORT [options]

  --port PORT       AMQP port of the RabbitMQ node on 127.0.0.1 (rabbitmq_server.sh start)
  --broker-pid PID  the node's Erlang VM (beam.smp), for its CPU time and peak memory
  --transient       non-durable queues, delivery_mode 1, no publisher confirms (default:
                    durable queues, delivery_mode 2, publisher confirms)
  --prefetch N      each consumer's basic.qos prefetch count (default 2000)
)") + kPeerOptionsUsage +
         "\nPrints a table, then one \"result NAME VALUE rabbitmq|rabbitmq-transient\" line per "
         "figure.\n";
}

struct Flags {
  int port = 0;
  pid_t broker_pid = 0;
  bool transient = false;
  uint16_t prefetch = 2000;
};

std::string QueueName(size_t i) {
  return std::string(kAmqpExchange) + "-" + std::string(kRecipients[i]);
}

// The exchange and the three queues, declared afresh (any left by an earlier run, durable or
// not, deleted first), each queue bound with x-match all on the source and type headers.
Status DeclareTopology(AmqpSession& admin, bool durable) {
  amqp_connection_state_t s = admin.state();
  for (size_t i = 0; i < kRecipients.size(); ++i) {
    amqp_queue_delete(s, kAmqpChannel, amqp_cstring_bytes(QueueName(i).c_str()), 0, 0);
    if (Status st = admin.LastReply("queue.delete " + QueueName(i)); !st.ok()) return st;
  }
  amqp_exchange_delete(s, kAmqpChannel, amqp_cstring_bytes(kAmqpExchange), 0);
  if (Status st = admin.LastReply("exchange.delete"); !st.ok()) return st;
  amqp_exchange_declare(s, kAmqpChannel, amqp_cstring_bytes(kAmqpExchange),
                        amqp_cstring_bytes("headers"), 0, durable ? 1 : 0, 0, 0, amqp_empty_table);
  if (Status st = admin.LastReply("exchange.declare"); !st.ok()) return st;
  const std::string source(kSourceAgency), type(kRecordType);
  std::array<amqp_table_entry_t, 3> match{};
  match[0].key = amqp_cstring_bytes("x-match");
  match[0].value.kind = AMQP_FIELD_KIND_UTF8;
  match[0].value.value.bytes = amqp_cstring_bytes("all");
  match[1].key = amqp_cstring_bytes(kSourceHeader);
  match[1].value.kind = AMQP_FIELD_KIND_UTF8;
  match[1].value.value.bytes = amqp_cstring_bytes(source.c_str());
  match[2].key = amqp_cstring_bytes(kTypeHeader);
  match[2].value.kind = AMQP_FIELD_KIND_UTF8;
  match[2].value.value.bytes = amqp_cstring_bytes(type.c_str());
  const amqp_table_t arguments{static_cast<int>(match.size()), match.data()};
  for (size_t i = 0; i < kRecipients.size(); ++i) {
    const std::string queue = QueueName(i);
    amqp_queue_declare(s, kAmqpChannel, amqp_cstring_bytes(queue.c_str()), 0, durable ? 1 : 0, 0, 0,
                       amqp_empty_table);
    if (Status st = admin.LastReply("queue.declare " + queue); !st.ok()) return st;
    amqp_queue_bind(s, kAmqpChannel, amqp_cstring_bytes(queue.c_str()),
                    amqp_cstring_bytes(kAmqpExchange), amqp_empty_bytes, arguments);
    if (Status st = admin.LastReply("queue.bind " + queue); !st.ok()) return st;
  }
  return OkStatus();
}

void DeleteTopology(AmqpSession& admin) {
  for (size_t i = 0; i < kRecipients.size(); ++i) {
    amqp_queue_delete(admin.state(), kAmqpChannel, amqp_cstring_bytes(QueueName(i).c_str()), 0, 0);
  }
  amqp_exchange_delete(admin.state(), kAmqpChannel, amqp_cstring_bytes(kAmqpExchange), 0);
}

void RunPhases(const PeerOptions& o, const Flags& flags, Clock::time_point deadline,
               PeerFigures& f) {
  const uint64_t lat_total = o.rate * o.duration_s;
  std::vector<std::unique_ptr<AmqpConsumer>> consumers;
  for (size_t i = 0; i < kRecipients.size(); ++i) {
    auto consumer = AmqpConsumer::Open(
        flags.port, QueueName(i), flags.prefetch,
        std::make_unique<DeliveryTally>(std::array<uint64_t, kPhases>{o.records, lat_total}),
        deadline);
    if (!consumer.ok()) {
      f.problems.push_back(consumer.status().ToString());
      return;
    }
    consumers.push_back(std::move(consumer).value());
  }
  auto publisher = AmqpPublisher::Open(flags.port, !flags.transient, o.in_flight, deadline);
  if (!publisher.ok()) {
    f.problems.push_back(publisher.status().ToString());
    return;
  }
  AmqpPublisher& pub = **publisher;
  std::vector<const DeliveryTally*> tallies;
  for (const auto& c : consumers) tallies.push_back(c->tally().get());
  auto await = [&](Phase phase, uint64_t want) {
    return AwaitAcked(tallies, phase, want, deadline);
  };

  // (a) Throughput: as fast as the confirm window (or, transient, the socket) allows.
  const auto broker_cpu0 =
      flags.broker_pid > 0 ? ProcessCpuSeconds(flags.broker_pid) : std::nullopt;
  const double self_cpu0 = SelfCpuSeconds();
  const int64_t start = NowNs();
  for (uint64_t seq = 0; seq < o.records; ++seq) {
    if (!pub.Send(Phase::kThroughput, seq)) break;
    if (seq == 0) f.record_bytes = pub.last_size();  // the size e2e_bench reports
  }
  f.tput_sent = pub.sent();
  const bool confirmed = pub.Drain() && f.tput_sent == o.records;
  f.tput_done = confirmed && await(Phase::kThroughput, o.records);
  f.tput_ns = NewestAck(tallies, Phase::kThroughput) - start;
  if (f.tput_done) {
    f.clients_cpu_s = SelfCpuSeconds() - self_cpu0;
    const auto broker_cpu1 =
        flags.broker_pid > 0 ? ProcessCpuSeconds(flags.broker_pid) : std::nullopt;
    if (broker_cpu0 && broker_cpu1) f.broker_cpu_s = *broker_cpu1 - *broker_cpu0;
  }

  // (b) Latency: a steady offered rate; with confirms, taken between sends as e2e_bench does.
  if (f.tput_done) {
    const auto lat_start = Clock::now();
    f.lat_sent = SendAtRate(pub, o.rate, lat_total, deadline);
    f.lat_send_s = std::chrono::duration<double>(Clock::now() - lat_start).count();
    f.lat_done = pub.Drain() && f.lat_sent == lat_total && await(Phase::kLatency, lat_total);
  }
  if (!pub.error().empty()) f.problems.push_back("publisher: " + pub.error());
  publisher->reset();
  for (size_t i = 0; i < consumers.size(); ++i) {
    consumers[i]->Stop();
    const auto counts = consumers[i]->tally()->snapshot();
    f.duplicates += counts.duplicates;
    f.out_of_range += counts.out_of_range;
    auto lat = consumers[i]->tally()->TakeLatencies();
    f.delivery_ns.insert(f.delivery_ns.end(), lat.begin(), lat.end());
    if (!consumers[i]->error().empty()) {
      f.problems.push_back(std::string(kRecipients[i]) + ": " + consumers[i]->error());
    }
  }
}

int Main(int argc, char** argv) {
  PeerOptions o;
  Flags flags;
  const std::string usage = Usage();
  ParsePeerArgs(
      argc, argv, kProgram, usage.c_str(), o,
      [&](const std::string& arg, const std::function<const char*()>& value) {
        if (arg == "--port")
          flags.port = static_cast<int>(PositiveFlag(kProgram, arg, value(), 65535));
        else if (arg == "--broker-pid")
          flags.broker_pid = static_cast<pid_t>(PositiveFlag(kProgram, arg, value(), 1 << 22));
        else if (arg == "--transient")
          flags.transient = true;
        else if (arg == "--prefetch")
          flags.prefetch = static_cast<uint16_t>(PositiveFlag(kProgram, arg, value(), 65535));
        else
          return false;
        return true;
      });
  if (flags.port == 0) {
    std::cerr << "rabbitmq_bench: --port is needed\n" << usage;
    return 2;
  }
  const auto deadline = Clock::now() + std::chrono::seconds(o.timeout_s);
  PeerFigures f;
  f.system = flags.transient ? "rabbitmq-transient" : "rabbitmq";
  f.title = flags.transient
                ? "rabbitmq_bench: 1 publisher -> RabbitMQ headers exchange -> 3 queues, "
                  "transient (no confirms) -> 3 consumers"
                : "rabbitmq_bench: 1 publisher -> RabbitMQ headers exchange -> 3 durable queues, "
                  "persistent, confirmed -> 3 consumers";
  f.broker_name = "beam.smp";
  f.records = o.records;
  f.rate = o.rate;
  f.duration_s = o.duration_s;
  std::printf("rabbitmq_bench: node 127.0.0.1:%d, %s\n", flags.port,
              flags.transient ? "transient" : "persistent");

  auto admin = AmqpSession::Open(flags.port, std::chrono::seconds(10));
  if (!admin.ok()) {
    std::fprintf(stderr, "rabbitmq_bench: %s\n", admin.status().ToString().c_str());
    return 1;
  }
  if (Status s = DeclareTopology(**admin, !flags.transient); !s.ok()) {
    std::fprintf(stderr, "rabbitmq_bench: %s\n", s.ToString().c_str());
    return 1;
  }
  if (flags.broker_pid > 0) f.peak_since_start = !ResetPeakRss(flags.broker_pid);
  bool timed_out = false;
  {
    HardLimit limit(kProgram, deadline, std::chrono::seconds(20), nullptr);
    RunPhases(o, flags, deadline, f);
    timed_out = Clock::now() >= deadline;
  }
  if (flags.broker_pid > 0) {
    f.broker_peak_rss_mib = PeakResidentMib(flags.broker_pid);
    if (!f.broker_peak_rss_mib) f.problems.push_back("cannot read the node's /proc status");
  }
  DeleteTopology(**admin);
  return PrintPeerReport(f, timed_out, o.timeout_s);
}

}  // namespace
}  // namespace gallery::bench

int main(int argc, char** argv) { return gallery::bench::Main(argc, argv); }
