// adapter-fhir-out: subscribes as an agency and writes its deliveries to the agency's FHIR
// R4 server as resources, acking each delivery only once the server has taken it.
#include <signal.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/flag_parsing.h"
#include "adapters/common/key_flags.h"
#include "adapters/fhir/out/answer_outcome.h"
#include "adapters/fhir/out/fhir_client.h"
#include "adapters/fhir/out/out_mapping.h"
#include "adapters/fhir/out/resource_builder.h"
#include "adapters/sdk/subscriber.h"

namespace gallery::fhir_out {
namespace {

constexpr const char* kUsage =
    R"(usage: adapter-fhir-out --hub ENDPOINT --agency ID --fhir-base URL --mapping FILE
                        [--key FILE --hub-key FILE] [--timeout-ms N]
                        [--retry-initial-ms N] [--retry-max-ms N] [--log-level LEVEL]

Subscribes to the hub as agency ID and writes each delivery to the FHIR R4 server at URL
(http://HOST[:PORT][/PATH]) as the resource the YAML mapping names for its record type
(see adapters/fhir/out/README.md): PUT [base]/Type/id for new records and amendments,
DELETE (or entered-in-error) for retractions. A delivery is acked once the server answers
2xx; 429, 5xx and connection failures are tried again after --retry-initial-ms (500)
doubling to at most --retry-max-ms (30000), or after the server's Retry-After if longer
(up to the same cap); other answers are refused back to the hub (nack), which redelivers
and finally dead-letters the delivery.

--timeout-ms bounds each request (default 10000). --key FILE is the agency's CURVE secret
key, --hub-key FILE the hub's public key; without them it connects in plain ZeroMQ.

exit status: 0 after SIGTERM or SIGINT; 1 when the hub session fails; 2 usage or mapping
error.
)";

constexpr std::chrono::milliseconds kNoWait{0};

std::atomic<bool> g_stop{false};
extern "C" void OnStopSignal(int) { g_stop.store(true); }

struct Args {
  sdk::ClientOptions client;
  std::string fhir_base;
  std::string mapping;
  std::string log_level = "info";
  adapters::KeyFlags keys;
  long long timeout_ms = 10000;
  long long retry_initial_ms = 500;
  long long retry_max_ms = 30000;
};

constexpr std::string_view kFlags[] = {
    "--hub", "--agency",  "--fhir-base",  "--mapping",          "--log-level",
    "--key", "--hub-key", "--timeout-ms", "--retry-initial-ms", "--retry-max-ms"};

// Returns -1 to go on, otherwise the exit code.
int ParseArgs(int argc, char** argv, Args& args) {
  const std::vector<std::string> words(argv + 1, argv + argc);
  auto fail = [](const std::string& message) {
    std::fprintf(stderr, "adapter-fhir-out: %s\n%s", message.c_str(), kUsage);
    return 2;
  };
  for (size_t i = 0; i < words.size(); ++i) {
    if (words[i] == "--help" || words[i] == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    adapters::FlagWord flag = adapters::SplitFlag(words[i]);
    if (std::find(std::begin(kFlags), std::end(kFlags), flag.name) == std::end(kFlags)) {
      return fail("unknown argument '" + flag.name + "'");
    }
    if (Status s = adapters::TakeFlagValue(words, i, flag); !s.ok()) return fail(s.message());
    const std::string& value = *flag.value;
    long long* millis = flag.name == "--timeout-ms"         ? &args.timeout_ms
                        : flag.name == "--retry-initial-ms" ? &args.retry_initial_ms
                        : flag.name == "--retry-max-ms"     ? &args.retry_max_ms
                                                            : nullptr;
    std::string* text = flag.name == "--hub"         ? &args.client.endpoint
                        : flag.name == "--agency"    ? &args.client.agency
                        : flag.name == "--fhir-base" ? &args.fhir_base
                        : flag.name == "--mapping"   ? &args.mapping
                        : flag.name == "--log-level" ? &args.log_level
                                                     : nullptr;
    if (millis != nullptr) {
      auto parsed = adapters::ParseMillisFlag(flag.name, value);
      if (!parsed.ok()) return fail(parsed.status().message());
      *millis = *parsed;
    } else if (text != nullptr) {
      *text = value;
    } else {
      adapters::TakeKeyFlag(flag.name, value, args.keys);
    }
  }
  if (args.client.endpoint.empty() || args.client.agency.empty() || args.fhir_base.empty() ||
      args.mapping.empty()) {
    return fail("--hub, --agency, --fhir-base and --mapping are required");
  }
  if (args.retry_initial_ms > args.retry_max_ms) {
    return fail("--retry-initial-ms must not exceed --retry-max-ms");
  }
  if (Status s = adapters::CheckKeyFlags(args.keys); !s.ok()) return fail(s.message());
  if (Status s = adapters::ApplyKeyFlags(args.keys, args.client); !s.ok()) {
    std::fprintf(stderr, "adapter-fhir-out: %s\n", s.message().c_str());
    return 2;
  }
  return -1;
}

class Writer {
 public:
  Writer(const Args& args, const OutMapping& mapping, BaseUrl base)
      : agency_(args.client.agency),
        mapping_(mapping),
        client_(std::move(base), std::chrono::milliseconds(args.timeout_ms)),
        backoff_(std::chrono::milliseconds(args.retry_initial_ms),
                 std::chrono::milliseconds(args.retry_max_ms)),
        retry_max_(args.retry_max_ms),
        subscriber_(args.client) {}

  Status Loop() {
    sdk::Delivery delivery;
    while (!g_stop.load() && session_.ok()) {
      if (next_) {
        delivery = std::move(*next_);
        next_.reset();
        Write(delivery);
        continue;
      }
      auto got = subscriber_.Next(std::chrono::milliseconds(200), delivery);
      if (!got.ok()) return got.status();
      if (*got) Write(delivery);
    }
    return session_;
  }

 private:
  // Writes one delivery, trying again until the server takes or refuses it or the process
  // is told to stop (the delivery then stays unacked, and comes again).
  void Write(const sdk::Delivery& delivery) {
    const v1::Record& record = delivery.record;
    auto request = BuildRequest(mapping_, record);
    if (!request.ok()) {
      spdlog::error("agency {}: {}", agency_, request.status().message());
      Nack(delivery, request.status().message());
      return;
    }
    const std::string body = request->body.is_null() ? "" : request->body.dump();
    const std::string what = request->method + " " + request->Target();
    backoff_.Reset();
    for (int attempt = 1; !g_stop.load(); ++attempt) {
      auto answer = client_.Send(request->method, request->Target(), body);
      std::string failure;
      std::optional<std::chrono::milliseconds> retry_after;
      if (answer.ok()) {
        const Outcome outcome = OutcomeOf(answer->status, request->method);
        if (outcome == Outcome::kDone) {
          spdlog::info("agency {}: record {} from {}: {} answered {}", agency_, record.record_id(),
                       record.source_agency(), what, answer->status);
          if (Status s = subscriber_.Ack(delivery.delivery_id); !s.ok()) {
            spdlog::warn("agency {}: ack of record {}: {}", agency_, record.record_id(),
                         s.ToString());  // the redelivery is the same request again
          }
          return;
        }
        if (outcome == Outcome::kRefused) {
          const std::string codes = IssueCodes(answer->body);
          const std::string reason = "FHIR server answered " + std::to_string(answer->status) +
                                     " to " + what +
                                     (codes.empty() ? "" : " (issues: " + codes + ")");
          spdlog::warn("agency {}: record {} from {}: {}", agency_, record.record_id(),
                       record.source_agency(), reason);
          Nack(delivery, reason);
          return;
        }
        failure = "answered " + std::to_string(answer->status);
        retry_after = RetryAfter(answer->retry_after);
      } else {
        failure = answer.status().message();
      }
      // The server's Retry-After is honoured up to --retry-max-ms.
      const auto wait =
          std::max(backoff_.Next(), std::min(retry_after.value_or(kNoWait), retry_max_));
      spdlog::warn("agency {}: record {}: {} {} (try {}); trying again in {} ms", agency_,
                   record.record_id(), what, failure, attempt, wait.count());
      if (HubMovedOnDuring(wait, delivery.delivery_id)) {
        spdlog::warn("agency {}: record {} left to the hub's dead letters", agency_,
                     record.record_id());
        return;
      }
    }
  }

  // Waits `wait` (or until told to stop) while reading from the hub, so that the session
  // stays alive however long the server is away. A later delivery means the hub gave the
  // current one up (a dead letter now): it is kept to be written next, and the wait ends.
  // A failed session ends the wait too, and the loop.
  bool HubMovedOnDuring(std::chrono::milliseconds wait, uint64_t delivery_id) {
    const auto until = std::chrono::steady_clock::now() + wait;
    sdk::Delivery incoming;
    while (!g_stop.load()) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          until - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      auto got = subscriber_.Next(std::min(left, std::chrono::milliseconds(100)), incoming);
      if (!got.ok()) {
        session_ = got.status();
        return true;
      }
      if (*got && incoming.delivery_id > delivery_id) {
        next_ = std::move(incoming);
        return true;
      }
    }
    return false;
  }

  void Nack(const sdk::Delivery& delivery, const std::string& reason) {
    if (Status s = subscriber_.Nack(delivery.delivery_id, reason); !s.ok()) {
      spdlog::warn("agency {}: nack of record {}: {}", agency_, delivery.record.record_id(),
                   s.ToString());
    }
  }

  const std::string agency_;
  const OutMapping& mapping_;
  FhirClient client_;
  Backoff backoff_;
  const std::chrono::milliseconds retry_max_;
  sdk::Subscriber subscriber_;
  std::optional<sdk::Delivery> next_;  // came while a delivery was being retried
  Status session_;                     // the hub session's failure, once it fails
};

int Run(Args args) {
  auto mapping = LoadOutMapping(args.mapping);
  if (!mapping.ok()) {
    std::fprintf(stderr, "%s\n", mapping.status().message().c_str());
    return 2;
  }
  auto base = ParseBaseUrl(args.fhir_base);
  if (!base.ok()) {
    std::fprintf(stderr, "adapter-fhir-out: %s\n", base.status().message().c_str());
    return 2;
  }
  // One delivery in flight: a refused delivery is sent again by the hub before any later
  // one, so the server sees each subject's records in the hub's order.
  args.client.window = 1;
  struct sigaction action {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);

  Writer writer(args, **mapping, std::move(*base));
  spdlog::info("agency {}: writing deliveries to {}", args.client.agency, args.fhir_base);
  if (Status s = writer.Loop(); !s.ok()) {
    spdlog::error("agency {}: {}", args.client.agency, s.ToString());
    return 1;
  }
  spdlog::info("agency {}: stopped", args.client.agency);
  return 0;
}

}  // namespace
}  // namespace gallery::fhir_out

int main(int argc, char** argv) {
  gallery::fhir_out::Args args;
  args.client.client_name = "adapter-fhir-out";
  if (const int code = gallery::fhir_out::ParseArgs(argc, argv, args); code >= 0) return code;
  spdlog::set_default_logger(spdlog::stderr_color_mt("adapter-fhir-out"));
  spdlog::set_level(spdlog::level::from_str(args.log_level));
  return gallery::fhir_out::Run(std::move(args));
}
