#include "adapters/fhir/adapter_args.h"

#include <charconv>
#include <optional>
#include <string_view>

namespace gallery::fhir {
namespace {

std::optional<long long> ParseNumber(std::string_view s, long long min, long long max) {
  long long value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || value < min || value > max) {
    return std::nullopt;
  }
  return value;
}

constexpr long long kMaxMs = 24LL * 60 * 60 * 1000;

}  // namespace

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
  bool check = false;
  bool in_check = false;  // reading the files after --check
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.rfind("--", 0) != 0) {
      if (!in_check) return InvalidArgument("unexpected argument '" + arg + "'");
      out.check.push_back(arg);
      continue;
    }
    in_check = false;
    std::string name = arg;
    std::optional<std::string> value;
    if (const size_t eq = arg.find('='); eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    }
    if (name == "--help" || name == "--verbose" || name == "--check") {
      if (value) return InvalidArgument("option '" + name + "' takes no value");
      if (name == "--help") out.help = true;
      if (name == "--verbose") out.verbose = true;
      if (name == "--check") check = in_check = true;
      continue;
    }
    if (name != "--hub" && name != "--mapping" && name != "--listen" &&
        name != "--max-body-bytes" && name != "--request-timeout-ms" &&
        name != "--confirm-timeout-ms" && name != "--retry-after-s") {
      return InvalidArgument("unknown option '" + name + "'");
    }
    if (!value) {
      if (i + 1 == args.size()) return InvalidArgument("option '" + name + "' needs a value");
      value = args[++i];
    }
    if (value->empty()) return InvalidArgument("option '" + name + "' needs a value");
    if (name == "--hub") {
      out.hub = *value;
    } else if (name == "--mapping") {
      out.mapping = *value;
    } else if (name == "--listen") {
      const size_t colon = value->rfind(':');
      const auto port = colon == std::string::npos
                            ? std::nullopt
                            : ParseNumber(std::string_view(*value).substr(colon + 1), 0, 65535);
      if (!port || colon == 0)
        return InvalidArgument("--listen must be HOST:PORT, e.g. 127.0.0.1:8080");
      out.listen_host = value->substr(0, colon);
      out.listen_port = static_cast<uint16_t>(*port);
    } else if (name == "--max-body-bytes") {
      const auto n = ParseNumber(*value, 1024, 64LL << 20);
      if (!n) return InvalidArgument("--max-body-bytes must be from 1024 to 67108864");
      out.max_body_bytes = static_cast<size_t>(*n);
    } else if (name == "--retry-after-s") {
      const auto n = ParseNumber(*value, 1, 3600);
      if (!n) return InvalidArgument("--retry-after-s must be from 1 to 3600");
      out.retry_after_seconds = static_cast<int>(*n);
    } else {
      const auto ms = ParseNumber(*value, 1, kMaxMs);
      if (!ms) {
        return InvalidArgument(name + " must be a whole number of milliseconds from 1 to " +
                               std::to_string(kMaxMs));
      }
      (name == "--request-timeout-ms" ? out.request_timeout : out.confirm_timeout) =
          std::chrono::milliseconds(*ms);
    }
  }
  if (out.help) return out;
  if (out.mapping.empty()) return InvalidArgument("missing --mapping");
  if (check) {
    if (out.check.empty()) return InvalidArgument("--check needs at least one file");
    return out;
  }
  if (out.hub.empty()) return InvalidArgument("missing --hub (or use --check)");
  if (out.listen_host.empty()) return InvalidArgument("missing --listen HOST:PORT");
  return out;
}

}  // namespace gallery::fhir
