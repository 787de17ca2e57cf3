// adapter-sink: receives an agency's deliveries and writes them to its inbox folder.
#include <atomic>
#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "adapters/sdk/subscriber.h"
#include "adapters/common/key_flags.h"
#include "adapters/sink/inbox_writer.h"

namespace {

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop.store(true); }

constexpr const char* kUsage = R"(usage: adapter-sink --hub ENDPOINT --agency ID --inbox DIR
                    [--key FILE --hub-key FILE] [--log-level LEVEL]

Subscribes to the hub as agency ID and appends each delivery to DIR/deliveries.jsonl
(one JSON object per line), syncing before it acks. Stops on SIGTERM or SIGINT.

--key FILE is the agency's CURVE secret key (hubctl keys new writes it), --hub-key FILE
the hub's CURVE public key. Without them it connects in plain ZeroMQ, which only a hub
with security.allow_plaintext (local development) accepts.
)";

// Deliveries written before one fdatasync and one ack.
constexpr size_t kMaxBatch = 512;

}  // namespace

int main(int argc, char** argv) {
  gallery::sdk::ClientOptions options;
  options.client_name = "adapter-sink/0.1";
  std::string inbox, log_level = "info";
  gallery::adapters::KeyFlags keys;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= argc) {
        std::cerr << "adapter-sink: " << arg << " needs a value\n" << kUsage;
        std::exit(2);
      }
      out = argv[++i];
    };
    if (arg == "--hub") value(options.endpoint);
    else if (arg == "--agency") value(options.agency);
    else if (arg == "--inbox") value(inbox);
    else if (arg == "--log-level") value(log_level);
    else if (arg == "--key") value(keys.key_file);
    else if (arg == "--hub-key") value(keys.hub_key_file);
    else if (arg == "--help" || arg == "-h") { std::cout << kUsage; return 0; }
    else { std::cerr << "adapter-sink: unknown argument '" << arg << "'\n" << kUsage; return 2; }
  }
  if (options.endpoint.empty() || options.agency.empty() || inbox.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  if (gallery::Status s = gallery::adapters::CheckKeyFlags(keys); !s.ok()) {
    std::cerr << "adapter-sink: " << s.message() << "\n" << kUsage;
    return 2;
  }
  if (gallery::Status s = gallery::adapters::ApplyKeyFlags(keys, options); !s.ok()) {
    std::cerr << "adapter-sink: " << s.message() << "\n";
    return 2;
  }
  spdlog::set_level(spdlog::level::from_str(log_level));

  auto writer = gallery::sink::InboxWriter::Open(inbox);
  if (!writer.ok()) {
    spdlog::critical("{}", writer.status().ToString());
    return 1;
  }
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);

  gallery::sdk::Subscriber subscriber(options);
  std::vector<uint64_t> to_ack;
  while (!g_stop.load()) {
    auto next = subscriber.Next(std::chrono::milliseconds(200));
    while (next.ok() && next->has_value()) {
      const gallery::sdk::Delivery& delivery = **next;
      gallery::v1::Deliver deliver;
      deliver.set_delivery_id(delivery.delivery_id);
      *deliver.mutable_record() = delivery.record;
      for (const auto& rule_id : delivery.rule_ids) deliver.add_rule_ids(rule_id);
      deliver.set_redelivered(delivery.redelivered);
      auto written = (*writer)->Append(deliver);
      if (!written.ok()) {
        spdlog::critical("agency {}: {}", options.agency, written.status().ToString());
        return 1;
      }
      spdlog::debug("agency {}: record {} {}", options.agency, delivery.record.record_id(),
                    *written ? "written" : "already in inbox");
      to_ack.push_back(delivery.delivery_id);
      if (to_ack.size() >= kMaxBatch) break;
      next = subscriber.Next(std::chrono::milliseconds(0));
    }
    if (!next.ok()) {
      spdlog::critical("agency {}: {}", options.agency, next.status().ToString());
      return 1;
    }
    if (to_ack.empty()) continue;
    if (gallery::Status synced = (*writer)->Sync(); !synced.ok()) {
      spdlog::critical("agency {}: {}", options.agency, synced.ToString());
      return 1;
    }
    (void)subscriber.Ack(to_ack);
    spdlog::info("agency {}: {} deliveries written to {}", options.agency, to_ack.size(),
                 (*writer)->path());
    to_ack.clear();
  }
  return 0;
}
