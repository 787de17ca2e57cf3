// adapter-hl7v2: receives HL7 v2 messages from hospitals over MLLP and publishes them to
// the hub through a YAML mapping. Flags, output and exit status: AdapterUsage().
#include <string>

// Boost 1.74's Asio uses std::exchange without including <utility>.
#include <utility>  // NOLINT(build/include_order)
#include <boost/asio.hpp>

#include "adapters/common/hub_bridge.h"
#include "adapters/common/listener_main.h"
#include "adapters/hl7v2/adapter_args.h"
#include "adapters/hl7v2/check_files.h"
#include "adapters/hl7v2/hl7_mapping.h"
#include "adapters/hl7v2/inbound.h"
#include "adapters/hl7v2/mllp_server.h"

namespace gallery::hl7v2 {
namespace {

const std::string kProgram = "adapter-hl7v2";

int Listen(const AdapterArgs& args, const Hl7Mapping& mapping) {
  boost::asio::io_context io;
  // Confirms arrive on the bridge's thread; answers go out on the listener's.
  auto client = adapters::HubClientOptions(args, mapping.agency(), kProgram);
  if (!client.ok()) {
    std::fprintf(stderr, "%s: %s\n", kProgram.c_str(), client.status().message().c_str());
    return adapters::kExitUsage;
  }
  adapters::HubBridge hub(*client, args.confirm_timeout, adapters::PostTo(io));
  InboundHandler handler(mapping, hub, args.max_message_bytes);
  ListenOptions listen;
  listen.host = args.listen_host;
  listen.port = args.listen_port;
  listen.max_message_bytes = args.max_message_bytes;
  listen.read_timeout = args.read_timeout;
  MllpServer server(io, listen, handler);
  return adapters::ServeUntilSignal(io, server, hub, kProgram, args, mapping.agency());
}

int Run(const AdapterArgs& args) {
  return adapters::RunWithMapping<Hl7Mapping>(args, CheckFiles, Listen);
}

}  // namespace
}  // namespace gallery::hl7v2

int main(int argc, char** argv) {
  using namespace gallery::hl7v2;
  return gallery::adapters::ListenerMain<AdapterArgs>(argc, argv, kProgram, ParseAdapterArgs,
                                                      AdapterUsage, Run);
}
