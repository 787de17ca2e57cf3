// adapter-fhir: takes FHIR R4 JSON resources and Bundles over HTTP and publishes them to
// the hub through a YAML mapping. Flags, output and exit status: AdapterUsage().
#include <string>

// Boost 1.74's Asio uses std::exchange without including <utility>.
#include <utility>  // NOLINT(build/include_order)
#include <boost/asio.hpp>

#include "adapters/common/hub_bridge.h"
#include "adapters/common/listener_main.h"
#include "adapters/fhir/adapter_args.h"
#include "adapters/fhir/check_files.h"
#include "adapters/fhir/fhir_mapping.h"
#include "adapters/fhir/http_server.h"
#include "adapters/fhir/request_handler.h"

namespace gallery::fhir {
namespace {

const std::string kProgram = "adapter-fhir";

int Listen(const AdapterArgs& args, const FhirMapping& mapping) {
  boost::asio::io_context io;
  // Confirms arrive on the bridge's thread; answers go out on the listener's.
  auto client = adapters::HubClientOptions(args, mapping.agency(), kProgram);
  if (!client.ok()) {
    std::fprintf(stderr, "%s: %s\n", kProgram.c_str(), client.status().message().c_str());
    return adapters::kExitUsage;
  }
  adapters::HubBridge hub(*client, args.confirm_timeout, adapters::PostTo(io));
  RequestHandler handler(mapping, hub, args.retry_after_seconds);
  HttpOptions http;
  http.host = args.listen_host;
  http.port = args.listen_port;
  http.max_body_bytes = args.max_body_bytes;
  http.request_timeout = args.request_timeout;
  HttpServer server(io, http, handler);
  return adapters::ServeUntilSignal(io, server, hub, kProgram, args, mapping.agency());
}

int Run(const AdapterArgs& args) {
  return adapters::RunWithMapping<FhirMapping>(args, CheckFiles, Listen);
}

}  // namespace
}  // namespace gallery::fhir

int main(int argc, char** argv) {
  using namespace gallery::fhir;
  return gallery::adapters::ListenerMain<AdapterArgs>(argc, argv, kProgram, ParseAdapterArgs,
                                                      AdapterUsage, Run);
}
