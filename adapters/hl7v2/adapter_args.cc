#include "adapters/hl7v2/adapter_args.h"

#include "adapters/common/flag_parsing.h"

namespace gallery::hl7v2 {

std::string AdapterUsage() {
  return R"(usage: adapter-hl7v2 --hub ENDPOINT --mapping MAPPING.yaml --listen HOST:PORT [options]
       adapter-hl7v2 --mapping MAPPING.yaml --check FILE...

Listens for HL7 v2 messages over MLLP, maps each to a gallery.v1.Record with the
agency's YAML mapping, publishes it to the hub, and acknowledges it once the hub has
made it durable: AA; AE (with MSA-3 and ERR) when the message cannot be parsed or
mapped or the hub refuses it; AR when the hub is unavailable, so the sender retries.

options:
  --hub ENDPOINT             hub endpoint, e.g. tcp://127.0.0.1:5555
  --key FILE                 this agency's CURVE secret key (hubctl keys new writes it)
  --hub-key FILE             the hub's CURVE public key; without --key and --hub-key the
                             adapter connects in plain ZeroMQ, which only a hub with
                             security.allow_plaintext (local development) accepts
  --mapping FILE             the agency's HL7 v2 mapping (see adapters/hl7v2/README.md)
  --listen HOST:PORT         address to accept senders on; port 0 picks a free port
  --max-message-bytes N      larger messages are refused with AE (default 1048576)
  --read-timeout-ms N        close a connection silent this long (default 60000)
  --confirm-timeout-ms N     answer AR when the hub has not confirmed by then (default 10000)
  --check FILE...            map every message of the files and report; publish nothing
  --verbose                  debug logs on stderr (ids and positions, never values)
  --help                     show this text

On start prints "listening on HOST:PORT" to stdout. SIGTERM or SIGINT stops it.
--check prints a line per message and "FILE: N messages, M mapped, R refused".

exit status: 0 stopped by a signal, or every checked message mapped; 1 a checked
message was refused; 2 usage, mapping or file error; 3 cannot listen.
)";
}

Result<AdapterArgs> ParseAdapterArgs(const std::vector<std::string>& args) {
  AdapterArgs out;
  auto parse_own = [&out](const std::string& name, const std::string& value) -> Status {
    if (name == "--max-message-bytes") {
      const auto n = adapters::ParseNumber(value, 1024, 64LL << 20);
      if (!n) return InvalidArgument("--max-message-bytes must be from 1024 to 67108864");
      out.max_message_bytes = static_cast<size_t>(*n);
      return OkStatus();
    }
    auto ms = adapters::ParseMillisFlag(name, value);
    if (!ms.ok()) return ms.status();
    (name == "--read-timeout-ms" ? out.read_timeout : out.confirm_timeout) =
        std::chrono::milliseconds(*ms);
    return OkStatus();
  };
  if (Status s = adapters::ParseListenerArgs(
          args, "127.0.0.1:2575",
          {"--max-message-bytes", "--read-timeout-ms", "--confirm-timeout-ms"}, parse_own, out);
      !s.ok()) {
    return s;
  }
  return out;
}

}  // namespace gallery::hl7v2
