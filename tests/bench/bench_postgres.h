// The benchmark's view of a PostgreSQL store: a fresh schema before a run, and how much the
// schema holds after it. Plain libpq, one short connection per call.
#pragma once

#include <cstdint>
#include <string>

#include "hub/common/result.h"
#include "hub/common/status.h"

namespace gallery::bench {

// Drops schema `schema` (with everything in it) from the database `dsn` names, if it is
// there, so that the hub started next creates it afresh. The DSN's role must own the schema
// (the role that created it does). kUnavailable when the server cannot be reached or the
// statement fails. Blocks on the network, at most about 10 s to connect.
Status DropSchema(const std::string& dsn, const std::string& schema);

// Bytes that the tables of `schema` take on the server, with their indexes and TOAST
// (pg_total_relation_size), not counting the server's WAL. Blocks on the network.
Result<uint64_t> SchemaBytes(const std::string& dsn, const std::string& schema);

}  // namespace gallery::bench
