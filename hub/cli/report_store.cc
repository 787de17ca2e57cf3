#include "hub/cli/report_store.h"

#include <filesystem>

#include "hub/store/store_factory.h"

namespace gallery::cli {

Result<std::unique_ptr<store::Store>> OpenReportStore(const config::HubConfig& config,
                                                      const std::string& store_path) {
  config::HubConfig target = config;
  if (!store_path.empty()) {
    // A journal is a folder; an SQLite store is one file.
    target.store_backend = std::filesystem::is_regular_file(store_path) ? "sqlite" : "journal";
    target.store_path = store_path;
  }
  return store::OpenStoreForReading(target);
}

}  // namespace gallery::cli
