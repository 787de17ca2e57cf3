// adapter-fhir: takes FHIR R4 JSON resources and Bundles over HTTP and publishes them to
// the hub through a YAML mapping. Flags, output and exit status: AdapterUsage().
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

// Boost 1.74's Asio uses std::exchange without including <utility>.
#include <utility>  // NOLINT(build/include_order)

#include <boost/asio.hpp>

#include "adapters/fhir/adapter_args.h"
#include "adapters/fhir/check_files.h"
#include "adapters/fhir/fhir_mapping.h"
#include "adapters/fhir/http_server.h"
#include "adapters/fhir/request_handler.h"
#include "adapters/hl7v2/hub_bridge.h"

namespace gallery::fhir {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitUsage = 2;
constexpr int kExitCannotListen = 3;

int Listen(const AdapterArgs& args, const FhirMapping& mapping) {
  boost::asio::io_context io;
  sdk::ClientOptions options;
  options.endpoint = args.hub;
  options.agency = mapping.agency();
  options.client_name = "adapter-fhir";
  // Confirms arrive on the bridge's thread; answers go out on the listener's.
  hl7v2::HubBridge hub(options, args.confirm_timeout,
                       [&io](std::function<void()> fn) { boost::asio::post(io, std::move(fn)); });
  RequestHandler handler(mapping, hub, args.retry_after_seconds);
  HttpOptions http;
  http.host = args.listen_host;
  http.port = args.listen_port;
  http.max_body_bytes = args.max_body_bytes;
  http.request_timeout = args.request_timeout;
  HttpServer server(io, http, handler);
  if (Status s = server.Start(); !s.ok()) {
    std::fprintf(stderr, "adapter-fhir: %s\n", s.message().c_str());
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
  spdlog::info("agency {}: listening on {}:{}, publishing to {}", mapping.agency(),
               args.listen_host, server.port(), args.hub);
  io.run();
  hub.Stop();
  spdlog::info("stopped");
  return kExitOk;
}

int Run(const AdapterArgs& args) {
  auto mapping = FhirMapping::Load(args.mapping);
  if (!mapping.ok()) {
    std::fprintf(stderr, "%s\n", mapping.status().message().c_str());
    return kExitUsage;
  }
  if (!args.check.empty()) {
    std::string report;
    const int code = CheckFiles(*mapping, args.check, report);
    std::fputs(report.c_str(), stdout);
    return code;
  }
  return Listen(args, *mapping);
}

}  // namespace
}  // namespace gallery::fhir

int main(int argc, char** argv) {
  using namespace gallery::fhir;
  auto args = ParseAdapterArgs(std::vector<std::string>(argv + 1, argv + argc));
  if (!args.ok()) {
    std::fprintf(stderr, "adapter-fhir: %s\n(see adapter-fhir --help)\n",
                 args.status().message().c_str());
    return 2;
  }
  if (args->help) {
    std::fputs(AdapterUsage().c_str(), stdout);
    return 0;
  }
  // stdout carries what scripts read; logs go to stderr.
  spdlog::set_default_logger(spdlog::stderr_color_mt("adapter-fhir"));
  spdlog::set_level(args->verbose ? spdlog::level::debug : spdlog::level::info);
  return Run(*args);
}
