// adapter-csv-out: subscribes as an agency and writes its deliveries as rows of CSV files,
// acking each delivery only once its row is on disk.
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "adapters/common/key_flags.h"
#include "adapters/csv/out_file.h"
#include "adapters/csv/out_mapping.h"
#include "adapters/sdk/subscriber.h"

namespace gallery::csv {
namespace {

constexpr const char* kUsage =
    R"(usage: adapter-csv-out --hub ENDPOINT --agency ID --out DIR --mapping FILE
                       [--key FILE --hub-key FILE] [--log-level LEVEL]

Subscribes to the hub as agency ID and writes each delivery as a row of a CSV file in
DIR: columns record_id, action (new, amend, retract), refers_to, then those the YAML
mapping names (see adapters/csv/README.md). A file is written as DIR/.FILE.part and
renamed to DIR/FILE (FILE = PREFIX-YYYYMMDD-HH-NNN.csv) when its UTC hour ends, when it
holds the mapping's rows_per_file rows, or on SIGTERM/SIGINT. Deliveries are acked only
after their rows are synced to disk.

--key FILE is the agency's CURVE secret key (hubctl keys new writes it), --hub-key FILE
the hub's CURVE public key. Without them it connects in plain ZeroMQ, which only a hub
with security.allow_plaintext (local development) accepts.

exit status: 0 after SIGTERM or SIGINT; 1 when writing or the hub fails; 2 usage or
mapping error.
)";

// Deliveries written before one fdatasync and one ack.
constexpr size_t kMaxBatch = 512;

std::atomic<bool> g_stop{false};
extern "C" void OnStopSignal(int) { g_stop.store(true); }

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Args {
  sdk::ClientOptions client;
  std::string out;
  std::string mapping;
  std::string log_level = "info";
  adapters::KeyFlags keys;
};

// Returns -1 to go on, otherwise the exit code.
int ParseArgs(int argc, char** argv, Args& args) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    std::string* target = arg == "--hub"         ? &args.client.endpoint
                          : arg == "--agency"    ? &args.client.agency
                          : arg == "--out"       ? &args.out
                          : arg == "--mapping"   ? &args.mapping
                          : arg == "--log-level" ? &args.log_level
                          : arg == "--key"       ? &args.keys.key_file
                          : arg == "--hub-key"   ? &args.keys.hub_key_file
                                                 : nullptr;
    if (target == nullptr || i + 1 >= argc) {
      std::fprintf(stderr, "adapter-csv-out: %s '%s'\n%s",
                   target == nullptr ? "unknown argument" : "no value for", arg.c_str(), kUsage);
      return 2;
    }
    *target = argv[++i];
  }
  if (args.client.endpoint.empty() || args.client.agency.empty() || args.out.empty() ||
      args.mapping.empty()) {
    std::fprintf(stderr, "adapter-csv-out: --hub, --agency, --out and --mapping are required\n%s",
                 kUsage);
    return 2;
  }
  if (Status s = adapters::CheckKeyFlags(args.keys); !s.ok()) {
    std::fprintf(stderr, "adapter-csv-out: %s\n%s", s.message().c_str(), kUsage);
    return 2;
  }
  if (Status s = adapters::ApplyKeyFlags(args.keys, args.client); !s.ok()) {
    std::fprintf(stderr, "adapter-csv-out: %s\n", s.message().c_str());
    return 2;
  }
  return -1;
}

class Writer {
 public:
  Writer(const Args& args, const OutMapping& mapping, OutFile& file)
      : args_(args), mapping_(mapping), file_(file), subscriber_(args.client) {}

  Status Loop() {
    while (!g_stop.load()) {
      if (file_.RollDue(NowSeconds())) GALLERY_RETURN_IF_ERROR(RollFile());
      auto next = subscriber_.Next(std::chrono::milliseconds(200));
      while (next.ok() && next->has_value()) {
        GALLERY_RETURN_IF_ERROR(Write(**next));
        if (to_ack_.size() >= kMaxBatch) break;
        next = subscriber_.Next(std::chrono::milliseconds(0));
      }
      if (!next.ok()) return next.status();
      GALLERY_RETURN_IF_ERROR(SyncAndAck());
    }
    return RollFile();
  }

 private:
  Status Write(const sdk::Delivery& delivery) {
    // Rows already written stay unacked until synced; a file is only rolled once its rows
    // are all acked, so only the current file can hold a redelivered record.
    if (file_.RollDue(NowSeconds())) GALLERY_RETURN_IF_ERROR(RollFile());
    auto written = file_.Append(mapping_.Row(delivery.record), NowSeconds());
    if (!written.ok()) return written.status();
    spdlog::debug("agency {}: record {} {}", args_.client.agency, delivery.record.record_id(),
                  *written ? "written" : "already in the file");
    to_ack_.push_back(delivery.delivery_id);
    return OkStatus();
  }

  Status SyncAndAck() {
    if (to_ack_.empty()) return OkStatus();
    GALLERY_RETURN_IF_ERROR(file_.Sync());
    (void)subscriber_.Ack(to_ack_);  // a lost ack means a redelivery, skipped by record id
    spdlog::info("agency {}: {} deliveries written to {}", args_.client.agency, to_ack_.size(),
                 file_.part_path());
    to_ack_.clear();
    return OkStatus();
  }

  Status RollFile() {
    GALLERY_RETURN_IF_ERROR(SyncAndAck());
    const size_t before = file_.rolled().size();
    GALLERY_RETURN_IF_ERROR(file_.Roll());
    if (file_.rolled().size() > before) {
      spdlog::info("agency {}: wrote {}", args_.client.agency, file_.rolled().back());
    }
    return OkStatus();
  }

  const Args& args_;
  const OutMapping& mapping_;
  OutFile& file_;
  sdk::Subscriber subscriber_;
  std::vector<uint64_t> to_ack_;
};

int Run(const Args& args) {
  auto mapping = OutMapping::Load(args.mapping);
  if (!mapping.ok()) {
    std::fprintf(stderr, "%s\n", mapping.status().message().c_str());
    return 2;
  }
  std::error_code error;
  std::filesystem::create_directories(args.out, error);
  if (error) {
    spdlog::error("cannot create {}: {}", args.out, error.message());
    return 2;
  }
  OutFileOptions options{args.out, mapping->file_prefix(), mapping->Header(),
                         mapping->rows_per_file()};
  auto file = OutFile::Open(std::move(options), NowSeconds());
  if (!file.ok()) {
    spdlog::error("{}", file.status().ToString());
    return 1;
  }
  struct sigaction action {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);

  Writer writer(args, *mapping, **file);
  if (Status s = writer.Loop(); !s.ok()) {
    spdlog::error("agency {}: {}", args.client.agency, s.ToString());
    return 1;
  }
  spdlog::info("agency {}: stopped", args.client.agency);
  return 0;
}

}  // namespace
}  // namespace gallery::csv

int main(int argc, char** argv) {
  gallery::csv::Args args;
  args.client.client_name = "adapter-csv-out";
  if (const int code = gallery::csv::ParseArgs(argc, argv, args); code >= 0) return code;
  spdlog::set_default_logger(spdlog::stderr_color_mt("adapter-csv-out"));
  spdlog::set_level(spdlog::level::from_str(args.log_level));
  return gallery::csv::Run(args);
}
