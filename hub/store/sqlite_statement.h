// Thin RAII wrappers over the SQLite C API, so that no handle leaks on an error path.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "hub/common/status.h"

namespace gallery::store {

// Owns one prepared statement. Not thread-safe.
class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool valid() const { return stmt_ != nullptr; }

  // Parameters are 1-based, as in SQLite. Text and blobs are copied by SQLite.
  void Bind(int index, std::string_view text);
  void BindBlob(int index, std::string_view bytes);
  void Bind(int index, int64_t value);
  void BindNull(int index);

  // SQLITE_ROW, SQLITE_DONE, or an error code.
  int Step();
  // Resets for another execution and clears bindings.
  void Reset();

  int64_t ColumnInt(int index) const;
  std::string ColumnText(int index) const;
  std::string ColumnBlob(int index) const;
  bool ColumnIsNull(int index) const;

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

// Runs `sql` (no results expected). Errors name `what`.
Status Exec(sqlite3* db, std::string_view sql, std::string_view what);

// Maps an SQLite error code to a Status: disk full, read-only and I/O errors become
// kUnavailable (retry later), corruption kDataLoss, others kInternal.
Status SqliteError(sqlite3* db, int rc, std::string_view what);

}  // namespace gallery::store
