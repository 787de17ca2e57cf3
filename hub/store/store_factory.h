// OpenStore: the store a hub config asks for (`hub.store`): the embedded journal, embedded
// SQLite, or PostgreSQL. hubd and hubctl open their store through it, so both follow the
// config alike.
#pragma once

#include <memory>

#include "hub/common/result.h"
#include "hub/config/hub_config.h"
#include "hub/store/store.h"

namespace gallery::store {

// The PostgreSQL schema OpenStore uses for the hub's tables.
inline constexpr char kPostgresSchema[] = "gallery";

// Opens (creating when absent) the store `config` names: `store_backend` "journal" opens
// the journal directory `store_path`, "sqlite" the database file `store_path`,
// "postgresql" connects to `store_dsn` and uses schema kPostgresSchema. Errors are those of
// JournalStore::Open, SqliteStore::Open and PostgresStore::Open; kInvalidArgument for an
// unknown backend. Blocks on disk or network; thread-safe (the store returned is not).
Result<std::unique_ptr<Store>> OpenStore(const config::HubConfig& config);

// As OpenStore, for reading beside the hub that writes the store (hubctl's reports, tests):
// a journal is opened read-only, without taking its lock, and shows what was committed
// when it was opened; its changes fail with kFailedPrecondition. Other backends open as
// with OpenStore. kNotFound when there is no journal at `store_path`.
Result<std::unique_ptr<Store>> OpenStoreForReading(const config::HubConfig& config);

}  // namespace gallery::store
