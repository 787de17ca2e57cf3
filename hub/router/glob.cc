#include "hub/router/glob.h"

namespace gallery::router {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// `piece` is already lower case; compares it with `text` starting at `pos`.
bool PieceAt(std::string_view text, size_t pos, std::string_view piece) {
  if (pos + piece.size() > text.size()) return false;
  for (size_t i = 0; i < piece.size(); ++i) {
    if (Lower(text[pos + i]) != piece[i]) return false;
  }
  return true;
}

// First position >= `from` where `piece` starts and ends at or before `limit`, or npos.
size_t FindPiece(std::string_view text, size_t from, size_t limit, std::string_view piece) {
  for (size_t pos = from; pos + piece.size() <= limit; ++pos) {
    if (PieceAt(text, pos, piece)) return pos;
  }
  return std::string_view::npos;
}

}  // namespace

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = Lower(c);
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

Glob::Glob(std::string_view pattern) : pattern_(pattern) {
  std::string current;
  for (char c : pattern) {
    if (c == '*') {
      has_star_ = true;
      pieces_.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(Lower(c));
    }
  }
  pieces_.push_back(std::move(current));
}

bool Glob::Matches(std::string_view text) const {
  if (pieces_.empty()) return text.empty();  // default-constructed: matches only ""
  if (!has_star_) return text.size() == pieces_[0].size() && PieceAt(text, 0, pieces_[0]);
  // With stars, the first piece anchors the start and the last the end; each middle piece
  // may match at its leftmost place, since taking the earliest never rules out a later fit.
  const std::string& first = pieces_.front();
  const std::string& last = pieces_.back();
  if (first.size() + last.size() > text.size()) return false;
  if (!PieceAt(text, 0, first)) return false;
  const size_t limit = text.size() - last.size();
  if (!PieceAt(text, limit, last)) return false;
  size_t pos = first.size();
  for (size_t i = 1; i + 1 < pieces_.size(); ++i) {
    const std::string& piece = pieces_[i];
    if (piece.empty()) continue;
    const size_t at = FindPiece(text, pos, limit, piece);
    if (at == std::string_view::npos) return false;
    pos = at + piece.size();
  }
  return true;
}

}  // namespace gallery::router
