#include "hub/store/postgres_wire.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>

namespace gallery::store::pg {
namespace {

// PostgreSQL's binary formats are big-endian.
void PutBigEndian(std::string& out, uint64_t value, int bytes) {
  for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

uint64_t ReadBigEndian(const char* data, int bytes) {
  uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) value = (value << 8) | static_cast<unsigned char>(data[i]);
  return value;
}

[[noreturn]] void SchemaMismatch(const char* file, int line, int column, int length) {
  std::fprintf(stderr, "%s:%d: postgres store: column %d has %d bytes, not the expected width\n",
               file, line, column, length);
  std::abort();
}

const char* FixedWidth(const PGresult* result, int row, int column, int width) {
  const int length = PQgetlength(result, row, column);
  if (length != width || PQgetisnull(result, row, column)) {
    SchemaMismatch(__FILE__, __LINE__, column, length);
  }
  return PQgetvalue(result, row, column);
}

std::string Trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

void ArrayParam::AddBytes(std::string_view bytes) {
  PutBigEndian(body_, static_cast<uint32_t>(bytes.size()), 4);
  body_.append(bytes);
  ++count_;
}

void ArrayParam::AddInt64(int64_t value) {
  PutBigEndian(body_, 8, 4);
  PutBigEndian(body_, static_cast<uint64_t>(value), 8);
  ++count_;
}

void ArrayParam::AddInt32(int32_t value) {
  PutBigEndian(body_, 4, 4);
  PutBigEndian(body_, static_cast<uint32_t>(value), 4);
  ++count_;
}

std::string ArrayParam::Encode() const {
  std::string out;
  out.reserve(20 + body_.size());
  // Header: dimensions, has-nulls flag, element type; then per dimension: size, lower bound.
  // An empty array has no dimensions.
  PutBigEndian(out, count_ == 0 ? 0 : 1, 4);
  PutBigEndian(out, 0, 4);
  PutBigEndian(out, element_, 4);
  if (count_ > 0) {
    PutBigEndian(out, count_, 4);
    PutBigEndian(out, 1, 4);
  }
  out.append(body_);
  return out;
}

void Params::Bytes(std::string_view value) {
  values_.emplace_back(value);
  lengths_.push_back(static_cast<int>(value.size()));
  formats_.push_back(1);
}

void Params::Int64(int64_t value) {
  std::string bytes;
  PutBigEndian(bytes, static_cast<uint64_t>(value), 8);
  Bytes(bytes);
}

void Params::Int32(int32_t value) {
  std::string bytes;
  PutBigEndian(bytes, static_cast<uint32_t>(value), 4);
  Bytes(bytes);
}

const char* const* Params::values() const {
  pointers_.clear();
  for (const std::string& value : values_) pointers_.push_back(value.data());
  return pointers_.data();
}

int64_t GetInt64(const PGresult* result, int row, int column) {
  return static_cast<int64_t>(ReadBigEndian(FixedWidth(result, row, column, 8), 8));
}

int32_t GetInt32(const PGresult* result, int row, int column) {
  return static_cast<int32_t>(ReadBigEndian(FixedWidth(result, row, column, 4), 4));
}

bool GetBool(const PGresult* result, int row, int column) {
  return FixedWidth(result, row, column, 1)[0] != 0;
}

std::string GetBytes(const PGresult* result, int row, int column) {
  if (PQgetisnull(result, row, column)) return "";
  return std::string(PQgetvalue(result, row, column),
                     static_cast<size_t>(PQgetlength(result, row, column)));
}

Code CodeForSqlState(std::string_view sqlstate) {
  if (sqlstate.size() != 5) return Code::kUnavailable;  // no SQLSTATE: the connection failed
  const std::string_view klass = sqlstate.substr(0, 2);
  if (klass == "08" ||  // connection exception
      klass == "53" ||  // insufficient resources: disk full, out of memory, too many connections
      klass == "58" ||  // system error: I/O
      klass == "40" ||  // transaction rollback: serialization failure, deadlock
      klass == "57") {  // operator intervention: shutdown, cancel, cannot connect now
    return Code::kUnavailable;
  }
  if (sqlstate == "25006") return Code::kUnavailable;  // read-only transaction (a standby)
  if (sqlstate == "XX001" || sqlstate == "XX002") return Code::kDataLoss;  // data/index corrupted
  return Code::kInternal;
}

Status PgError(PGconn* conn, const PGresult* result, std::string_view what) {
  const char* sqlstate = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string message = std::string(what) + ": ";
  if (primary != nullptr) {
    message += primary;
  } else if (conn != nullptr) {
    message += Trimmed(PQerrorMessage(conn));
  } else {
    message += "no connection";
  }
  if (sqlstate != nullptr) message += std::string(" (SQLSTATE ") + sqlstate + ")";
  Code code = CodeForSqlState(sqlstate ? sqlstate : "");
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) code = Code::kUnavailable;
  return Status(code, std::move(message));
}

std::string QuoteIdentifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace gallery::store::pg
