// adapter-csv: publishes the rows of agency CSV extracts to the hub through a YAML mapping,
// once per run or (--watch) from a drop folder.
// Flags, output and exit status: AdapterUsage() in adapter_args.cc.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "adapters/csv/adapter_args.h"
#include "adapters/csv/csv_mapping.h"
#include "adapters/csv/import_tally.h"
#include "adapters/csv/watch_mode.h"
#include "adapters/sdk/publisher.h"
#include "hub/ingest/record_validator.h"

namespace gallery::csv {
namespace {

using Clock = std::chrono::steady_clock;

struct Input {
  std::unique_ptr<CsvTable> table;  // heap-held: the RowMapper points at it
  std::optional<RowMapper> mapper;
  size_t tally_file = 0;
};

// Reads every file and checks it against the mapping before anything is published, so a
// bad file stops the run with nothing half-sent. Prints each problem to stderr.
bool OpenInputs(const CsvMapping& mapping, const std::vector<std::string>& files,
                ImportTally& tally, std::vector<Input>& inputs) {
  bool ok = true;
  for (const auto& file : files) {
    auto table = mapping.OpenCsv(file);
    if (!table.ok()) {
      std::fprintf(stderr, "%s\n", table.status().message().c_str());
      ok = false;
      continue;
    }
    Input input;
    input.table = std::make_unique<CsvTable>(std::move(table).value());
    auto mapper = mapping.Bind(*input.table);
    if (!mapper.ok()) {
      std::fprintf(stderr, "%s\n", mapper.status().message().c_str());
      ok = false;
      continue;
    }
    input.mapper.emplace(std::move(mapper).value());
    input.tally_file = tally.AddFile(file, input.table->rows().size());
    spdlog::info("{}: {} rows", file, input.table->rows().size());
    inputs.push_back(std::move(input));
  }
  return ok;
}

// Maps the row, or counts it as refused. The log names the row, never its content.
std::optional<v1::Record> MapOrReject(const Input& input, const CsvRow& row, ImportTally& tally) {
  auto record = input.mapper->MapRow(row);
  if (record.ok()) return std::move(record).value();
  auto id = input.mapper->RecordId(row);
  tally.Reject(input.tally_file, row.line, id.ok() ? *id : "", record.status().message());
  spdlog::debug("{}:{}: row refused by the mapping", input.table->file(), row.line);
  return std::nullopt;
}

// Maps every row and applies the hub's own record checks, so that a row --check passes
// is a row the hub accepts.
void CheckOnly(const std::vector<Input>& inputs, ImportTally& tally) {
  for (const Input& input : inputs) {
    for (const CsvRow& row : input.table->rows()) {
      auto record = MapOrReject(input, row, tally);
      if (record && tally.Sent(input.tally_file, row.line, record->record_id())) {
        (void)tally.Settle(record->record_id(), ingest::ValidateRecord(*record), false);
      }
    }
  }
}

// Publishes every mapped row and waits for confirms until the run's deadline. Returns ok,
// or why the hub stopped the run (kUnavailable: not confirmed in time).
Status Publish(const AdapterArgs& args, const sdk::ClientOptions& options,
               const std::vector<Input>& inputs, ImportTally& tally) {
  sdk::Publisher publisher(options);
  const Clock::time_point deadline = Clock::now() + args.timeout;

  auto settle = [&](const std::vector<sdk::PublishOutcome>& outcomes) {
    for (const auto& o : outcomes) {
      if (!tally.Settle(o.record_id, o.status, o.duplicate)) {
        spdlog::warn("outcome for record {} that this run did not send", o.record_id);
      } else {
        spdlog::debug("record {}: {}", o.record_id,
                      !o.status.ok() ? "refused"
                      : o.duplicate  ? "duplicate"
                                     : "confirmed");
      }
    }
  };
  auto flush = [&]() -> Status {
    const auto left = std::max(Clock::duration::zero(), deadline - Clock::now());
    auto outcomes = publisher.Flush(std::chrono::duration_cast<std::chrono::milliseconds>(left));
    if (outcomes.ok()) {
      settle(*outcomes);
      return OkStatus();
    }
    settle(publisher.TakeOutcomes());
    return outcomes.status();
  };

  for (const Input& input : inputs) {
    for (const CsvRow& row : input.table->rows()) {
      auto record = MapOrReject(input, row, tally);
      if (!record || !tally.Sent(input.tally_file, row.line, record->record_id())) continue;
      if (Status sent = publisher.Send(*record); !sent.ok()) {
        tally.SendFailed(record->record_id(), sent);
        if (sent.code() != Code::kInvalidArgument) return sent;  // the session is refused
        continue;
      }
      spdlog::debug("{}:{}: sent record {}", input.table->file(), row.line, record->record_id());
      // Flushing before the in-flight window fills keeps the wait inside --timeout-ms.
      if (publisher.in_flight() + 1 >= options.max_in_flight) {
        GALLERY_RETURN_IF_ERROR(flush());
      } else {
        settle(publisher.TakeOutcomes());
      }
    }
  }
  return flush();
}

int Run(const AdapterArgs& args) {
  auto mapping = CsvMapping::Load(args.mapping);
  if (!mapping.ok()) {
    std::fprintf(stderr, "%s\n", mapping.status().message().c_str());
    return kExitUsage;
  }
  if (!args.agency.empty()) {
    if (Status s = mapping->OverrideAgency(args.agency); !s.ok()) {
      std::fprintf(stderr, "--agency: %s\n", s.message().c_str());
      return kExitUsage;
    }
  }
  sdk::ClientOptions client;
  client.endpoint = args.hub;
  client.agency = mapping->agency();
  client.client_name = "adapter-csv";
  if (Status s = adapters::ApplyKeyFlags(args.keys, client); !s.ok()) {
    std::fprintf(stderr, "adapter-csv: %s\n", s.message().c_str());
    return kExitUsage;
  }
  if (!args.watch_dir.empty()) return RunWatch(args, *mapping, client);
  ImportTally tally;
  std::vector<Input> inputs;
  if (!OpenInputs(*mapping, args.files, tally, inputs)) return kExitUsage;

  Status stopped;
  if (args.check) {
    CheckOnly(inputs, tally);
  } else {
    stopped = Publish(args, client, inputs, tally);
  }
  for (const Input& input : inputs) {
    std::fputs(tally.Report(input.tally_file, args.check).c_str(), stdout);
  }
  if (stopped.ok()) return tally.ExitCode();
  spdlog::error("{}", stopped.ToString());
  std::fprintf(stderr, "adapter-csv: %s\n", stopped.ToString().c_str());
  // A timeout leaves records unconfirmed (3); a refused session means the hub refused
  // every record (1).
  return stopped.code() == Code::kUnavailable ? kExitNotConfirmedInTime : kExitRowsRefused;
}

}  // namespace
}  // namespace gallery::csv

int main(int argc, char** argv) {
  using namespace gallery::csv;
  auto args = ParseAdapterArgs(std::vector<std::string>(argv + 1, argv + argc));
  if (!args.ok()) {
    std::fprintf(stderr, "adapter-csv: %s\n(see adapter-csv --help)\n",
                 args.status().message().c_str());
    return kExitUsage;
  }
  if (args->help) {
    std::fputs(AdapterUsage().c_str(), stdout);
    return kExitAllConfirmed;
  }
  // stdout carries the summary that scripts read; logs go to stderr.
  spdlog::set_default_logger(spdlog::stderr_color_mt("adapter-csv"));
  spdlog::set_level(args->verbose ? spdlog::level::debug : spdlog::level::info);
  return Run(*args);
}
