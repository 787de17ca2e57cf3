// Glob: a pattern where '*' matches any run of characters (including '/'), compiled once
// and matched ASCII case-insensitively without allocating, for per-record routing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gallery::router {

// Immutable after construction; thread-safe to share. Case-insensitive because headings and
// field names are typed by people ("Home Environment" vs "Home environment").
class Glob {
 public:
  Glob() = default;
  explicit Glob(std::string_view pattern);

  // True when the whole of `text` matches. Linear in |text| for each literal run.
  bool Matches(std::string_view text) const;

  // The pattern compiled (as given to the constructor).
  const std::string& pattern() const { return pattern_; }

 private:
  std::string pattern_;
  // Lower-cased literal runs between the '*'s; with no '*' there is exactly one.
  std::vector<std::string> pieces_;
  bool has_star_ = false;
};

// ASCII case folding, shared with callers that compare user-typed headings the same way.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
std::string AsciiLower(std::string_view text);

}  // namespace gallery::router
