#include "adapters/hl7v2/out/out_args.h"

#include <set>
#include <tuple>

#include "adapters/common/flag_parsing.h"

namespace gallery::hl7v2 {
namespace {

const std::set<std::string, std::less<>> kValuedFlags = {
    "--hub",          "--agency",       "--key",           "--hub-key",
    "--mapping",      "--send-to",      "--ack-timeout-ms", "--retry-initial-ms",
    "--retry-max-ms", "--max-attempts", "--max-ack-bytes",
};

Result<std::pair<std::string, uint16_t>> ParseSendTo(const std::string& value) {
  const size_t colon = value.rfind(':');
  const auto port =
      colon == std::string::npos
          ? std::nullopt
          : adapters::ParseNumber(std::string_view(value).substr(colon + 1), 1, 65535);
  if (colon == 0 || !port) {
    return InvalidArgument(
        "--send-to must be HOST:PORT with a port from 1 to 65535, e.g. "
        "pas.hospital.example:2575");
  }
  return std::make_pair(value.substr(0, colon), static_cast<uint16_t>(*port));
}

}  // namespace

std::string OutUsage() {
  return R"(usage: adapter-hl7v2-out --hub ENDPOINT --agency ID --mapping MAPPING.yaml
                          --send-to HOST:PORT [options]

Subscribes to the hub as agency ID and sends each delivery to the agency's system as an
HL7 v2 message over MLLP, written by the YAML mapping (see adapters/hl7v2/out/README.md).
A delivery is acked to the hub only once the system answers AA (or CA) for its control
id; AE, AR, no answer or a lost connection mean a retry, with backoff, on a new
connection. One message is in flight at a time, so the system gets them in hub order.

options:
  --hub ENDPOINT          hub endpoint, e.g. tcp://127.0.0.1:5555
  --agency ID             the receiving agency, as in the hub's config
  --key FILE              this agency's CURVE secret key (hubctl keys new writes it)
  --hub-key FILE          the hub's CURVE public key; without --key and --hub-key the
                          adapter connects in plain ZeroMQ, which only a hub with
                          security.allow_plaintext (local development) accepts
  --mapping FILE          the outbound HL7 v2 mapping
  --send-to HOST:PORT     the receiving system's MLLP listener
  --ack-timeout-ms N      wait this long for an ACK (default 10000)
  --retry-initial-ms N    wait before the first retry; doubles per failure (default 500)
  --retry-max-ms N        the longest wait between retries (default 30000)
  --max-attempts N        after N failed attempts refuse the delivery to the hub, which
                          sends it again after its own backoff and moves it to the dead
                          letters after delivery.max_attempts refusals; 0 (default) retries
                          until the system answers AA or the hub gives the delivery up
  --max-ack-bytes N       a longer answer is cut to its start (default 1048576)
  --verbose               debug logs on stderr (ids, never values)
  --help                  show this text

SIGTERM or SIGINT stops it; a message not yet acknowledged is sent again at the next
start (same control id).

exit status: 0 stopped by a signal; 1 the hub refused the session; 2 usage or mapping
error.
)";
}

Result<OutArgs> ParseOutArgs(const std::vector<std::string>& args) {
  OutArgs out;
  for (size_t i = 0; i < args.size(); ++i) {
    adapters::FlagWord flag = adapters::SplitFlag(args[i]);
    if (flag.name == "--help" || flag.name == "-h") {
      out.help = true;
      return out;
    }
    if (flag.name == "--verbose") {
      out.verbose = true;
      continue;
    }
    if (!kValuedFlags.contains(flag.name)) {
      return InvalidArgument("unknown option '" + flag.name + "'");
    }
    GALLERY_RETURN_IF_ERROR(adapters::TakeFlagValue(args, i, flag));
    const std::string& value = *flag.value;
    if (adapters::TakeKeyFlag(flag.name, value, out.keys)) continue;
    if (flag.name == "--hub") {
      out.hub = value;
    } else if (flag.name == "--agency") {
      out.agency = value;
    } else if (flag.name == "--mapping") {
      out.mapping = value;
    } else if (flag.name == "--send-to") {
      auto target = ParseSendTo(value);
      if (!target.ok()) return target.status();
      std::tie(out.host, out.port) = *target;
    } else if (flag.name == "--ack-timeout-ms" || flag.name == "--retry-initial-ms" ||
               flag.name == "--retry-max-ms") {
      auto ms = adapters::ParseMillisFlag(flag.name, value);
      if (!ms.ok()) return ms.status();
      (flag.name == "--ack-timeout-ms"     ? out.ack_timeout
       : flag.name == "--retry-initial-ms" ? out.first_retry
                                           : out.max_retry) = std::chrono::milliseconds(*ms);
    } else if (flag.name == "--max-attempts") {
      const auto n = adapters::ParseNumber(value, 0, 1000000);
      if (!n) return InvalidArgument("--max-attempts must be a whole number from 0 to 1000000");
      out.max_attempts = static_cast<int>(*n);
    } else if (flag.name == "--max-ack-bytes") {
      const auto n = adapters::ParseNumber(value, 1024, 64LL << 20);
      if (!n) return InvalidArgument("--max-ack-bytes must be from 1024 to 67108864");
      out.max_answer_bytes = static_cast<size_t>(*n);
    }
  }
  if (out.hub.empty() || out.agency.empty() || out.mapping.empty() || out.host.empty()) {
    return InvalidArgument("--hub, --agency, --mapping and --send-to are required");
  }
  if (out.max_retry < out.first_retry) {
    return InvalidArgument("--retry-max-ms must not be less than --retry-initial-ms");
  }
  GALLERY_RETURN_IF_ERROR(adapters::CheckKeyFlags(out.keys));
  return out;
}

}  // namespace gallery::hl7v2
