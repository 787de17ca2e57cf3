#include "adapters/hl7v2/escape.h"

#include <optional>

namespace gallery::hl7v2 {
namespace {

std::optional<int> HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return std::nullopt;
}

// The bytes of "hhhh..", or nullopt when `hex` is not an even number of hex digits.
std::optional<std::string> HexBytes(std::string_view hex) {
  if (hex.empty() || hex.size() % 2 != 0) return std::nullopt;
  std::string bytes;
  for (size_t i = 0; i < hex.size(); i += 2) {
    const auto hi = HexDigit(hex[i]);
    const auto lo = HexDigit(hex[i + 1]);
    if (!hi || !lo) return std::nullopt;
    const char b = static_cast<char>((*hi << 4) | *lo);
    if (b != '\0') bytes += b;
  }
  return bytes;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// What the sequence between two escape characters stands for; nullopt when it is not a
// sequence this decoder knows, so that the caller keeps it as written.
Result<std::optional<std::string>> Decode(std::string_view seq, const Delimiters& d,
                                          Charset charset) {
  using Out = std::optional<std::string>;
  auto one = [](char c) -> Out { return c == '\0' ? Out() : Out(std::string(1, c)); };
  if (seq == "F") return one(d.field);
  if (seq == "S") return one(d.component);
  if (seq == "T") return one(d.subcomponent);
  if (seq == "R") return one(d.repetition);
  if (seq == "E") return one(d.escape);
  if (seq == "P") return one(d.truncation);
  if (seq == "H" || seq == "N") return Out(std::string());
  if (seq == ".br" || StartsWith(seq, ".sp")) return Out(std::string("\n"));
  if (seq == ".fi" || seq == ".nf" || seq == ".ce" || StartsWith(seq, ".in") ||
      StartsWith(seq, ".ti") || StartsWith(seq, ".sk")) {
    return Out(std::string());
  }
  if (seq.size() > 1 && seq[0] == 'X') {
    auto bytes = HexBytes(seq.substr(1));
    if (!bytes) return Out();
    std::string text;
    if (Status s = AppendUtf8(*bytes, charset, text); !s.ok()) {
      return InvalidArgument("hex escape gives " + s.message());
    }
    return Out(std::move(text));
  }
  if (seq.size() > 1 && (seq[0] == 'C' || seq[0] == 'M') && HexBytes(seq.substr(1))) {
    return InvalidArgument("\\C..\\ or \\M..\\ switches the character set, which is not supported");
  }
  return Out();
}

}  // namespace

Result<std::string> Unescape(std::string_view encoded, const Delimiters& delimiters,
                             Charset charset) {
  const char esc = delimiters.escape;
  if (esc == '\0' || encoded.find(esc) == std::string_view::npos) return std::string(encoded);
  std::string out;
  out.reserve(encoded.size());
  size_t i = 0;
  while (i < encoded.size()) {
    const char c = encoded[i];
    if (c != esc) {
      out += c;
      ++i;
      continue;
    }
    const size_t close = encoded.find(esc, i + 1);
    if (close == std::string_view::npos) {
      out += encoded.substr(i);  // unterminated: kept as written
      break;
    }
    auto decoded = Decode(encoded.substr(i + 1, close - i - 1), delimiters, charset);
    if (!decoded.ok()) return decoded.status();
    if (decoded->has_value()) {
      out += **decoded;
      i = close + 1;
    } else {
      out += c;  // unknown: keep the escape character and read on after it
      ++i;
    }
  }
  return out;
}

std::string Escape(std::string_view text, const Delimiters& d) {
  std::string out;
  out.reserve(text.size());
  const char esc = d.escape;
  // Without an escape character a delimiter cannot be written at all; a space keeps the
  // structure intact.
  auto seq = [&](std::string_view s) {
    if (esc == '\0') {
      out += ' ';
      return;
    }
    out += esc;
    out += s;
    out += esc;
  };
  for (char c : text) {
    if (esc != '\0' && c == esc) {
      seq("E");
    } else if (c == d.field) {
      seq("F");
    } else if (c == d.component) {
      seq("S");
    } else if (d.subcomponent != '\0' && c == d.subcomponent) {
      seq("T");
    } else if (c == d.repetition) {
      seq("R");
    } else if (d.truncation != '\0' && c == d.truncation) {
      seq("P");
    } else if (c == '\r') {
      seq("X0D");
    } else if (c == '\n') {
      seq("X0A");
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace gallery::hl7v2
