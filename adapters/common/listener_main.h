// The process skeleton of a listening adapter (adapter-hl7v2, adapter-fhir): flags and
// logging in main(), the mapping and --check, then a listener served until SIGTERM/SIGINT.
// Each adapter supplies its own flags, mapping type, handler and server.
#pragma once

#include <csignal>
#include <cstdio>
#include <functional>
#include <string>
#include <utility>
#include <vector>

// Boost 1.74's Asio uses std::exchange without including <utility> (included above).
#include <boost/asio.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "adapters/common/hub_bridge.h"
#include "adapters/common/listener_args.h"
#include "adapters/sdk/client_options.h"
#include "hub/common/result.h"

namespace gallery::adapters {

inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitCannotListen = 3;

// What the SDK client of `program` (e.g. "adapter-hl7v2") publishing for `agency` uses,
// with the keys of --key and --hub-key. The error of ApplyKeyFlags. Blocks on file I/O.
inline Result<sdk::ClientOptions> HubClientOptions(const ListenerArgs& args,
                                                   const std::string& agency,
                                                   const std::string& program) {
  sdk::ClientOptions options;
  options.endpoint = args.hub;
  options.agency = agency;
  options.client_name = program;
  if (Status s = ApplyKeyFlags(args.keys, options); !s.ok()) return s;
  return options;
}

// Posts a HubBridge's confirmations to `io`, so that answers go out on the listener's thread.
inline HubBridge::Deliver PostTo(boost::asio::io_context& io) {
  return [&io](std::function<void()> fn) { boost::asio::post(io, std::move(fn)); };
}

// Starts `server` (constructed on `io`; has Status Start(), void Stop(), uint16_t port()),
// prints "listening on HOST:PORT" to stdout and runs `io` until SIGTERM or SIGINT, then
// stops `hub`. Blocks. Returns kExitCannotListen (after "PROGRAM: REASON" on stderr) when
// the server cannot start, kExitOk once stopped by a signal.
template <typename Server>
int ServeUntilSignal(boost::asio::io_context& io, Server& server, HubBridge& hub,
                     const std::string& program, const ListenerArgs& args,
                     const std::string& agency) {
  if (Status s = server.Start(); !s.ok()) {
    std::fprintf(stderr, "%s: %s\n", program.c_str(), s.message().c_str());
    return kExitCannotListen;
  }
  boost::asio::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("signal {}: stopping", signal);
    server.Stop();
    io.stop();
  });
  std::printf("listening on %s:%u\n", args.listen_host.c_str(), server.port());
  std::fflush(stdout);
  spdlog::info("agency {}: listening on {}:{}, publishing to {}", agency, args.listen_host,
               server.port(), args.hub);
  io.run();
  hub.Stop();
  spdlog::info("stopped");
  return kExitOk;
}

// Loads the Mapping named by --mapping (kExitUsage with its message on stderr when it
// fails); then with --check runs `check(mapping, files, report)`, prints the report and
// returns its code; otherwise returns `listen(args, mapping)`.
template <typename Mapping, typename Args, typename Check, typename Listen>
int RunWithMapping(const Args& args, Check check, Listen listen) {
  auto mapping = Mapping::Load(args.mapping);
  if (!mapping.ok()) {
    std::fprintf(stderr, "%s\n", mapping.status().message().c_str());
    return kExitUsage;
  }
  if (!args.check.empty()) {
    std::string report;
    const int code = check(*mapping, args.check, report);
    std::fputs(report.c_str(), stdout);
    return code;
  }
  return listen(args, *mapping);
}

// main() of a listening adapter: parses the flags (exit 2 with "PROGRAM: REASON" and a
// --help hint on stderr), prints `usage()` for --help, sends logs to stderr (stdout carries
// what scripts read) and returns `run(args)`.
template <typename Args>
int ListenerMain(int argc, char** argv, const std::string& program,
                 Result<Args> (*parse)(const std::vector<std::string>&),
                 std::string (*usage)(), const std::function<int(const Args&)>& run) {
  auto args = parse(std::vector<std::string>(argv + 1, argv + argc));
  if (!args.ok()) {
    std::fprintf(stderr, "%s: %s\n(see %s --help)\n", program.c_str(),
                 args.status().message().c_str(), program.c_str());
    return kExitUsage;
  }
  if (args->help) {
    std::fputs(usage().c_str(), stdout);
    return kExitOk;
  }
  spdlog::set_default_logger(spdlog::stderr_color_mt(program));
  spdlog::set_level(args->verbose ? spdlog::level::debug : spdlog::level::info);
  return run(*args);
}

}  // namespace gallery::adapters
