// gallery::Result<T>: a value or the Status saying why there is none.
#pragma once

#include <cassert>
#include <utility>
#include <variant>

#include "hub/common/status.h"

namespace gallery {

// Holds either a T or a non-ok Status. Thread-compatible.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : state_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(state_).ok() && "Result needs a value or an error");
  }

  bool ok() const { return std::holds_alternative<T>(state_); }
  Status status() const { return ok() ? OkStatus() : std::get<Status>(state_); }

  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<Status, T> state_;
};

}  // namespace gallery

#define GALLERY_CONCAT_INNER(a, b) a##b
#define GALLERY_CONCAT(a, b) GALLERY_CONCAT_INNER(a, b)
// Declares `lhs` from a Result, or returns its Status from the calling function.
#define GALLERY_ASSIGN_OR_RETURN(lhs, expr) \
  GALLERY_ASSIGN_OR_RETURN_IMPL(GALLERY_CONCAT(gallery_result_, __LINE__), lhs, expr)
#define GALLERY_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.status();                 \
  lhs = std::move(tmp).value()
