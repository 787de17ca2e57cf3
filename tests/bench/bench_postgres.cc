#include "tests/bench/bench_postgres.h"

#include <libpq-fe.h>

#include <charconv>
#include <memory>
#include <string_view>

namespace gallery::bench {
namespace {

struct ConnCloser {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
struct ResultCloser {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ConnPtr = std::unique_ptr<PGconn, ConnCloser>;
using ResultPtr = std::unique_ptr<PGresult, ResultCloser>;

std::string Trimmed(const char* message) {
  std::string text = message != nullptr ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// The DSN's own settings override the defaults (expanded in place of dbname), as in the
// store: a server that does not answer is an error within 10 s, not a hang.
Result<ConnPtr> Connect(const std::string& dsn) {
  const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* values[] = {"10", "gallery-e2e-bench", dsn.c_str(), nullptr};
  ConnPtr conn(PQconnectdbParams(keys, values, /*expand_dbname=*/1));
  if (conn == nullptr) return Unavailable("postgresql: out of memory connecting");
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    return Unavailable("cannot connect to postgresql: " + Trimmed(PQerrorMessage(conn.get())));
  }
  return conn;
}

}  // namespace

Status DropSchema(const std::string& dsn, const std::string& schema) {
  GALLERY_ASSIGN_OR_RETURN(ConnPtr conn, Connect(dsn));
  char* quoted = PQescapeIdentifier(conn.get(), schema.data(), schema.size());
  if (quoted == nullptr) return InvalidArgument("bad schema name '" + schema + "'");
  const std::string sql = "SET client_min_messages = warning; DROP SCHEMA IF EXISTS " +
                          std::string(quoted) + " CASCADE";
  PQfreemem(quoted);
  ResultPtr result(PQexec(conn.get(), sql.c_str()));
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
    return Unavailable("dropping postgresql schema " + schema + ": " +
                       Trimmed(PQerrorMessage(conn.get())));
  }
  return OkStatus();
}

Result<uint64_t> SchemaBytes(const std::string& dsn, const std::string& schema) {
  GALLERY_ASSIGN_OR_RETURN(ConnPtr conn, Connect(dsn));
  // Tables only: pg_total_relation_size counts each table's indexes and TOAST with it.
  const char* sql =
      "SELECT COALESCE(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c"
      " JOIN pg_namespace n ON n.oid = c.relnamespace"
      " WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'm')";
  const char* params[] = {schema.c_str()};
  ResultPtr result(PQexecParams(conn.get(), sql, 1, nullptr, params, nullptr, nullptr, 0));
  if (PQresultStatus(result.get()) != PGRES_TUPLES_OK || PQntuples(result.get()) != 1) {
    return Unavailable("sizing postgresql schema " + schema + ": " +
                       Trimmed(PQerrorMessage(conn.get())));
  }
  const std::string_view text(PQgetvalue(result.get(), 0, 0));
  uint64_t bytes = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), bytes);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return Internal("sizing postgresql schema " + schema + ": unexpected '" +
                    std::string(text) + "'");
  }
  return bytes;
}

}  // namespace gallery::bench
