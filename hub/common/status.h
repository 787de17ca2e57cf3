// gallery::Status: an error code with a message, returned instead of thrown.
// Codes follow the abseil canonical codes and tell the caller what to do next.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace gallery {

enum class Code {
  kOk = 0,
  kCancelled = 1,
  kUnknown = 2,
  kInvalidArgument = 3,    // quarantine, never retry unchanged
  kNotFound = 5,
  kAlreadyExists = 6,
  kPermissionDenied = 7,   // a rule forbids it
  kResourceExhausted = 8,  // a limit was hit; retry later
  kFailedPrecondition = 9,
  kOutOfRange = 11,
  kUnimplemented = 12,
  kInternal = 13,
  kUnavailable = 14,       // retry with backoff
  kDataLoss = 15,          // corrupt journal: alert
  kUnauthenticated = 16,
};

std::string_view CodeName(Code code);

// Cheap to copy when ok. Thread-compatible.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // "INVALID_ARGUMENT: message", or "OK".
  std::string ToString() const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

inline Status OkStatus() { return Status(); }
inline Status InvalidArgument(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
inline Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
inline Status PermissionDenied(std::string m) { return {Code::kPermissionDenied, std::move(m)}; }
inline Status FailedPrecondition(std::string m) { return {Code::kFailedPrecondition, std::move(m)}; }
inline Status Unavailable(std::string m) { return {Code::kUnavailable, std::move(m)}; }
inline Status Internal(std::string m) { return {Code::kInternal, std::move(m)}; }
inline Status DataLoss(std::string m) { return {Code::kDataLoss, std::move(m)}; }
inline Status Unauthenticated(std::string m) { return {Code::kUnauthenticated, std::move(m)}; }
inline Status ResourceExhausted(std::string m) { return {Code::kResourceExhausted, std::move(m)}; }

}  // namespace gallery

// Returns early from the calling function when `expr` is not ok.
#define GALLERY_RETURN_IF_ERROR(expr)            \
  do {                                           \
    ::gallery::Status gallery_status_ = (expr);  \
    if (!gallery_status_.ok()) return gallery_status_; \
  } while (0)
