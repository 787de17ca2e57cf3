// Thin helpers over libpq for PostgresStore: owned results, binary parameters and arrays
// (so a whole batch travels in a few statements), binary result columns, error mapping.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hub/common/status.h"

namespace gallery::store::pg {

// Type OIDs of the built-in types the store binds (pg_type.dat; stable across releases).
inline constexpr Oid kByteaOid = 17;
inline constexpr Oid kInt8Oid = 20;
inline constexpr Oid kInt4Oid = 23;
inline constexpr Oid kTextOid = 25;

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

// A one-dimensional array of `element` values in PostgreSQL's binary array format, to bind
// as one parameter (e.g. `unnest($1::text[])`). Not thread-safe.
class ArrayParam {
 public:
  explicit ArrayParam(Oid element) : element_(element) {}

  // For text and bytea elements: the bytes as they are.
  void AddBytes(std::string_view bytes);
  // For int8 elements.
  void AddInt64(int64_t value);
  // For int4 elements.
  void AddInt32(int32_t value);

  size_t size() const { return count_; }
  // The encoded array, header included.
  std::string Encode() const;

 private:
  Oid element_;
  size_t count_ = 0;
  std::string body_;
};

// The parameters of one statement execution, all sent in binary format. Not thread-safe.
class Params {
 public:
  void Bytes(std::string_view value);  // text or bytea
  void Int64(int64_t value);
  void Int32(int32_t value);
  void Array(const ArrayParam& array) { Bytes(array.Encode()); }

  int count() const { return static_cast<int>(values_.size()); }
  // Pointer arrays for PQexecPrepared; valid until the next change to this object.
  const char* const* values() const;
  const int* lengths() const { return lengths_.data(); }
  const int* formats() const { return formats_.data(); }

 private:
  std::vector<std::string> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
  mutable std::vector<const char*> pointers_;
};

// Columns of a result requested in binary format. Abort (file and line) when the column
// does not have the expected width: that would be a schema mismatch the code cannot handle.
int64_t GetInt64(const PGresult* result, int row, int column);
int32_t GetInt32(const PGresult* result, int row, int column);
bool GetBool(const PGresult* result, int row, int column);
std::string GetBytes(const PGresult* result, int row, int column);  // text or bytea

// What a caller should do about SQLSTATE `sqlstate`: connection trouble, shutdown, lack of
// resources (disk full, out of memory), I/O errors, serialization failures and read-only
// servers are kUnavailable (retry later); corruption kDataLoss; anything else kInternal.
Code CodeForSqlState(std::string_view sqlstate);

// The Status for a failed statement (`result` may be null) on `conn`, prefixed by `what`.
// Always kUnavailable when the connection is gone. Never includes DETAIL lines, which may
// quote stored values.
Status PgError(PGconn* conn, const PGresult* result, std::string_view what);

// `name` quoted as an SQL identifier.
std::string QuoteIdentifier(std::string_view name);

}  // namespace gallery::store::pg
