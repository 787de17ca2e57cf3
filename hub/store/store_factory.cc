#include "hub/store/store_factory.h"

#include "hub/store/postgres_store.h"
#include "hub/store/sqlite_store.h"

namespace gallery::store {

Result<std::unique_ptr<Store>> OpenStore(const config::HubConfig& config) {
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
                         "' (expected: sqlite, postgresql)");
}

}  // namespace gallery::store
