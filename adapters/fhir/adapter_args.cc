#include "adapters/fhir/adapter_args.h"

#include "adapters/common/flag_parsing.h"

namespace gallery::fhir {

std::string AdapterUsage() {
  return R"(usage: adapter-fhir --hub ENDPOINT --mapping MAPPING.yaml --listen HOST:PORT [options]
       adapter-fhir --mapping MAPPING.yaml --check FILE...

Takes FHIR R4 JSON over HTTP (POST /Type, PUT /Type/id, DELETE /Type/id, POST / with a
transaction or batch Bundle), maps each resource to a gallery.v1.Record with the
agency's YAML mapping, publishes it to the hub, and answers once the hub has made it
durable: 201/200 with Location; 400 or 422 with an OperationOutcome when a resource is
invalid or cannot be mapped; 503 with Retry-After when the hub is unavailable.

options:
  --hub ENDPOINT             hub endpoint, e.g. tcp://127.0.0.1:5555
  --key FILE                 this agency's CURVE secret key (hubctl keys new writes it)
  --hub-key FILE             the hub's CURVE public key; without --key and --hub-key the
                             adapter connects in plain ZeroMQ, which only a hub with
                             security.allow_plaintext (local development) accepts
  --mapping FILE             the agency's FHIR mapping (see adapters/fhir/README.md)
  --listen HOST:PORT         address to accept clients on; port 0 picks a free port
  --max-body-bytes N         larger bodies are answered 413 (default 1048576)
  --request-timeout-ms N     a request must arrive whole within this (default 30000)
  --confirm-timeout-ms N     answer 503 when the hub has not confirmed by then (default 10000)
  --retry-after-s N          the Retry-After of a 503, in seconds (default 5)
  --check FILE...            map every resource or Bundle of the files and report; publish nothing
  --verbose                  debug logs on stderr (ids and positions, never values)
  --help                     show this text

On start prints "listening on HOST:PORT" to stdout. SIGTERM or SIGINT stops it.
--check prints one line per file or Bundle entry and "FILE: converts" or "FILE: refused".

exit status: 0 stopped by a signal, or every checked file converts; 1 a checked file
was refused; 2 usage, mapping or file error; 3 cannot listen.
)";
}

Result<AdapterArgs> ParseAdapterArgs(const std::vector<std::string>& args) {
  AdapterArgs out;
  auto parse_own = [&out](const std::string& name, const std::string& value) -> Status {
    if (name == "--max-body-bytes") {
      const auto n = adapters::ParseNumber(value, 1024, 64LL << 20);
      if (!n) return InvalidArgument("--max-body-bytes must be from 1024 to 67108864");
      out.max_body_bytes = static_cast<size_t>(*n);
      return OkStatus();
    }
    if (name == "--retry-after-s") {
      const auto n = adapters::ParseNumber(value, 1, 3600);
      if (!n) return InvalidArgument("--retry-after-s must be from 1 to 3600");
      out.retry_after_seconds = static_cast<int>(*n);
      return OkStatus();
    }
    auto ms = adapters::ParseMillisFlag(name, value);
    if (!ms.ok()) return ms.status();
    (name == "--request-timeout-ms" ? out.request_timeout : out.confirm_timeout) =
        std::chrono::milliseconds(*ms);
    return OkStatus();
  };
  if (Status s = adapters::ParseListenerArgs(
          args, "127.0.0.1:8080",
          {"--max-body-bytes", "--request-timeout-ms", "--confirm-timeout-ms", "--retry-after-s"},
          parse_own, out);
      !s.ok()) {
    return s;
  }
  return out;
}

}  // namespace gallery::fhir
