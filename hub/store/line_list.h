// Lists of short strings (rule ids, withheld field paths) stored as one text value, one
// item per line, by every store backend.
#pragma once

#include <string>
#include <vector>

namespace gallery::store {

// Items must not contain '\n' (rule ids and field paths do not).
std::string JoinLines(const std::vector<std::string>& items);
std::vector<std::string> SplitLines(const std::string& text);

}  // namespace gallery::store
