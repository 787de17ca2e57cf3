// adapter-csv --watch: the long-running folder watcher around FileIngester (README,
// "Watching a folder").
#pragma once

#include "adapters/csv/adapter_args.h"
#include "adapters/csv/csv_mapping.h"
#include "adapters/sdk/client_options.h"

namespace gallery::csv {

// Watches args.watch_dir until SIGTERM or SIGINT, ingesting each finished file once and
// moving it to done/. Installs the signal handlers itself. Blocks. Returns the exit code:
// kExitAllConfirmed after a clean stop, kExitRowsRefused when the hub refused the session
// or the state could not be kept, kExitUsage when the folders cannot be used. `client`
// connects to the hub as the mapping's agency.
int RunWatch(const AdapterArgs& args, const CsvMapping& mapping,
             const sdk::ClientOptions& client);

}  // namespace gallery::csv
