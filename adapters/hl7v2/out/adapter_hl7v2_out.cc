// adapter-hl7v2-out: sends an agency's deliveries to its system as HL7 v2 messages over
// MLLP, acking each to the hub once the system has acknowledged it. Flags: OutUsage().
#include <signal.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdio>
#include <string>
#include <vector>

#include "adapters/hl7v2/out/forwarder.h"
#include "adapters/hl7v2/out/out_args.h"
#include "adapters/hl7v2/out/out_mapping.h"

namespace gallery::hl7v2 {
namespace {

constexpr const char* kProgram = "adapter-hl7v2-out";

std::atomic<bool> g_stop{false};
extern "C" void OnStopSignal(int) { g_stop.store(true); }

int Run(const OutArgs& args) {
  auto mapping = LoadOutMapping(args.mapping);
  if (!mapping.ok()) {
    std::fprintf(stderr, "%s: %s\n", kProgram, mapping.status().message().c_str());
    return 2;
  }
  sdk::ClientOptions client;
  client.endpoint = args.hub;
  client.agency = args.agency;
  client.client_name = kProgram;
  if (Status s = adapters::ApplyKeyFlags(args.keys, client); !s.ok()) {
    std::fprintf(stderr, "%s: %s\n", kProgram, s.message().c_str());
    return 2;
  }
  struct sigaction action {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a receiver that hangs up is a failed attempt, not a crash

  spdlog::info("agency {}: sending to {}:{} with mapping {}", args.agency, args.host, args.port,
               args.mapping);
  Forwarder forwarder(args, *mapping, std::move(client), g_stop);
  if (Status s = forwarder.Run(); !s.ok()) {
    spdlog::error("agency {}: {}", args.agency, s.ToString());
    return 1;
  }
  spdlog::info("agency {}: stopped", args.agency);
  return 0;
}

}  // namespace
}  // namespace gallery::hl7v2

int main(int argc, char** argv) {
  using namespace gallery::hl7v2;
  auto args = ParseOutArgs(std::vector<std::string>(argv + 1, argv + argc));
  if (!args.ok()) {
    std::fprintf(stderr, "%s: %s\n%s", kProgram, args.status().message().c_str(),
                 OutUsage().c_str());
    return 2;
  }
  if (args->help) {
    std::fputs(OutUsage().c_str(), stdout);
    return 0;
  }
  spdlog::set_default_logger(spdlog::stderr_color_mt(kProgram));
  spdlog::set_level(args->verbose ? spdlog::level::debug : spdlog::level::info);
  return Run(*args);
}
