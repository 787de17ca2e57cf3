#include "adapters/csv/adapter_args.h"

#include "adapters/common/flag_parsing.h"

namespace gallery::csv {

std::string AdapterUsage() {
  return R"(usage: adapter-csv --hub ENDPOINT --mapping MAPPING.yaml [options] FILE.csv...
       adapter-csv --watch DIR --hub ENDPOINT --mapping MAPPING.yaml [--state DIR]

Maps every row of each CSV file to a gallery.v1.Record with the YAML mapping and
publishes it to the hub, then waits for the hub to confirm each record.

options:
  --hub ENDPOINT       hub endpoint, e.g. tcp://127.0.0.1:5555
  --key FILE           this agency's CURVE secret key (hubctl keys new writes it)
  --hub-key FILE       the hub's CURVE public key; without --key and --hub-key the
                       adapter connects in plain ZeroMQ, which only a hub with
                       security.allow_plaintext (local development) accepts
  --mapping FILE       the agency's CSV mapping (see adapters/csv/README.md)
  --agency ID          publish as this agency instead of the mapping's 'agency'
  --timeout-ms N       how long the whole run waits for confirms (default 30000)
  --check              map every row and report, but publish nothing (no --hub needed)
  --verbose            debug logs on stderr (record ids and row numbers, never values)
  --help               show this text
  --watch DIR          keep watching DIR: each finished file is published once, row by
                       row, and moved to DIR/done/ (refused rows: DIR/rejected/)
  --state DIR          where --watch keeps its progress (default DIR/.gallery-state)
  --rescan-ms N        --watch also scans DIR every N ms and takes files unmodified
                       for that long (default 10000)

Every file is read and checked against the mapping before anything is published.
Prints per file "FILE: N rows, C confirmed, D duplicates, R rejected" (plus
", U unconfirmed" when the hub did not answer in time), then one line per refused
row: "FILE:LINE: record ID: REASON". Duplicates are records the hub already had.

exit status: 0 every row confirmed (duplicates included); 1 a row was refused by
the mapping or the hub; 2 usage, mapping or input file error (nothing published);
3 the hub did not confirm every record in time. With --watch: 0 after SIGTERM or
SIGINT (rows sent are confirmed first), 1 when the hub refused the session or the
progress could not be saved, 2 usage or folder error.
)";
}

Result<AdapterArgs> ParseAdapterArgs(const std::vector<std::string>& args) {
  AdapterArgs out;
  bool options_done = false;
  bool rescan_given = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (options_done || arg.size() < 2 || arg.compare(0, 2, "--") != 0) {
      if (!options_done && arg.size() > 1 && arg.front() == '-') {
        return InvalidArgument("unknown option '" + arg + "'");
      }
      out.files.push_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    adapters::FlagWord flag = adapters::SplitFlag(arg);
    const std::string& name = flag.name;
    if (name == "--help" || name == "--check" || name == "--verbose") {
      if (flag.value) return InvalidArgument("option '" + name + "' takes no value");
      (name == "--help" ? out.help : name == "--check" ? out.check : out.verbose) = true;
      continue;
    }
    if (name != "--hub" && name != "--mapping" && name != "--agency" && name != "--timeout-ms" &&
        name != "--watch" && name != "--state" && name != "--rescan-ms" && name != "--key" &&
        name != "--hub-key") {
      return InvalidArgument("unknown option '" + name + "'");
    }
    if (Status s = adapters::TakeFlagValue(args, i, flag); !s.ok()) return s;
    const std::string& value = *flag.value;
    if (name == "--hub") {
      out.hub = value;
    } else if (adapters::TakeKeyFlag(name, value, out.keys)) {
      continue;
    } else if (name == "--mapping") {
      out.mapping = value;
    } else if (name == "--agency") {
      out.agency = value;
    } else if (name == "--watch") {
      out.watch_dir = value;
    } else if (name == "--state") {
      out.state_dir = value;
    } else {
      static_assert(kMaxTimeout.count() == adapters::kMaxFlagMs);
      auto ms = adapters::ParseMillisFlag(name, value);
      if (!ms.ok()) return ms.status();
      (name == "--timeout-ms" ? out.timeout : out.rescan) = std::chrono::milliseconds(*ms);
      if (name == "--rescan-ms") rescan_given = true;
    }
  }
  if (out.help) return out;
  if (out.mapping.empty()) return InvalidArgument("missing --mapping");
  if (out.hub.empty() && !out.check) return InvalidArgument("missing --hub (or use --check)");
  if (Status s = adapters::CheckKeyFlags(out.keys); !s.ok()) return s;
  if (!out.watch_dir.empty()) {
    if (out.check) return InvalidArgument("--watch cannot be used with --check");
    if (!out.files.empty()) return InvalidArgument("--watch takes no FILE arguments");
    return out;
  }
  if (!out.state_dir.empty() || rescan_given) {
    return InvalidArgument("--state and --rescan-ms need --watch");
  }
  if (out.files.empty()) return InvalidArgument("no CSV files given");
  return out;
}

}  // namespace gallery::csv
