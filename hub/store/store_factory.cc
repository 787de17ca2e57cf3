#include "hub/store/store_factory.h"

#include "hub/store/journal_store.h"
#include "hub/store/postgres_store.h"
#include "hub/store/sqlite_store.h"

namespace gallery::store {
namespace {

Result<std::unique_ptr<Store>> Open(const config::HubConfig& config, bool read_only) {
  if (config.store_backend == "journal") {
    GALLERY_ASSIGN_OR_RETURN(std::unique_ptr<JournalStore> store,
                             JournalStore::Open(config.store_path,
                                               {.read_only = read_only, .sync = config.store_sync}));
    return std::unique_ptr<Store>(std::move(store));
  }
  if (config.store_backend == "sqlite") {
    GALLERY_ASSIGN_OR_RETURN(std::unique_ptr<SqliteStore> store,
                             SqliteStore::Open(config.store_path));
    return std::unique_ptr<Store>(std::move(store));
  }
  if (config.store_backend == "postgresql") {
    GALLERY_ASSIGN_OR_RETURN(std::unique_ptr<PostgresStore> store,
                             PostgresStore::Open({config.store_dsn, kPostgresSchema}));
    return std::unique_ptr<Store>(std::move(store));
  }
  return InvalidArgument("unknown store backend '" + config.store_backend +
                         "' (expected: journal, sqlite, postgresql)");
}

}  // namespace

Result<std::unique_ptr<Store>> OpenStore(const config::HubConfig& config) {
  return Open(config, /*read_only=*/false);
}

Result<std::unique_ptr<Store>> OpenStoreForReading(const config::HubConfig& config) {
  return Open(config, /*read_only=*/true);
}

}  // namespace gallery::store
