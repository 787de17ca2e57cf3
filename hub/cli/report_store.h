// OpenReportStore: the hub's store opened for hubctl's read-only reports, as the config
// names it or at a path given on the command line.
#pragma once

#include <memory>
#include <string>

#include "hub/common/result.h"
#include "hub/config/hub_config.h"
#include "hub/store/store.h"

namespace gallery::cli {

// `store_path`, when not empty, replaces the config's store: a journal folder or an SQLite
// file. A journal is opened without its lock, so that reports can run beside the hub that
// writes it. Errors are those of store::OpenStoreForReading. Blocks on disk.
Result<std::unique_ptr<store::Store>> OpenReportStore(const config::HubConfig& config,
                                                      const std::string& store_path);

}  // namespace gallery::cli
