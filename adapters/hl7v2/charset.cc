#include "adapters/hl7v2/charset.h"

#include <cstdint>

namespace gallery::hl7v2 {
namespace {

void AppendCodePoint(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// ISO 8859-15 differs from 8859-1 in eight places (the euro sign among them).
uint32_t Latin9(uint8_t b) {
  switch (b) {
    case 0xA4: return 0x20AC;
    case 0xA6: return 0x0160;
    case 0xA8: return 0x0161;
    case 0xB4: return 0x017D;
    case 0xB8: return 0x017E;
    case 0xBC: return 0x0152;
    case 0xBD: return 0x0153;
    case 0xBE: return 0x0178;
    default: return b;
  }
}

}  // namespace

Result<Charset> CharsetFromMsh18(std::string_view msh18) {
  if (msh18.empty() || msh18 == "UNICODE UTF-8" || msh18 == "UTF-8") return Charset::kUtf8;
  if (msh18 == "ASCII") return Charset::kAscii;
  if (msh18 == "8859/1") return Charset::kLatin1;
  if (msh18 == "8859/15") return Charset::kLatin9;
  // The value is a code from HL7 table 0211, not personal data, so it may be named.
  std::string shown;
  for (char c : msh18.substr(0, 32)) shown += (c >= 0x20 && c < 0x7F) ? c : '?';
  return InvalidArgument("character set '" + shown +
                         "' is not supported (supported: ASCII, 8859/1, 8859/15, UNICODE UTF-8)");
}

bool IsValidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto b = static_cast<uint8_t>(text[i]);
    if (b < 0x80) {
      ++i;
      continue;
    }
    int extra = 0;
    uint32_t cp = 0;
    if (b >= 0xC2 && b <= 0xDF) {
      extra = 1;
      cp = b & 0x1F;
    } else if (b >= 0xE0 && b <= 0xEF) {
      extra = 2;
      cp = b & 0x0F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      extra = 3;
      cp = b & 0x07;
    } else {
      return false;
    }
    if (i + static_cast<size_t>(extra) >= text.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      const auto c = static_cast<uint8_t>(text[i + static_cast<size_t>(k)]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    if ((extra == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF))) {
      return false;
    }
    i += static_cast<size_t>(extra) + 1;
  }
  return true;
}

Status AppendUtf8(std::string_view bytes, Charset charset, std::string& out) {
  switch (charset) {
    case Charset::kUtf8:
      if (!IsValidUtf8(bytes)) {
        return InvalidArgument("bytes that are not valid UTF-8 (MSH-18 names no other character set)");
      }
      out += bytes;
      return OkStatus();
    case Charset::kAscii:
      for (char c : bytes) {
        if (static_cast<uint8_t>(c) >= 0x80) {
          return InvalidArgument("bytes outside ASCII although MSH-18 says ASCII");
        }
      }
      out += bytes;
      return OkStatus();
    case Charset::kLatin1:
    case Charset::kLatin9:
      for (char c : bytes) {
        const auto b = static_cast<uint8_t>(c);
        AppendCodePoint(charset == Charset::kLatin9 ? Latin9(b) : b, out);
      }
      return OkStatus();
  }
  return Internal("unknown charset");
}

std::string FromUtf8(std::string_view utf8, Charset charset) {
  if (charset == Charset::kUtf8) return std::string(utf8);
  std::string out;
  for (size_t i = 0; i < utf8.size();) {
    const auto b = static_cast<uint8_t>(utf8[i]);
    if (b < 0x80) {
      out += static_cast<char>(b);
      ++i;
      continue;
    }
    const size_t len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
    uint32_t cp = 0;
    if (len == 2 && i + 1 < utf8.size()) {
      cp = ((b & 0x1Fu) << 6) | (static_cast<uint8_t>(utf8[i + 1]) & 0x3Fu);
    }
    const bool fits = charset != Charset::kAscii && cp >= 0xA0 && cp <= 0xFF &&
                      (charset == Charset::kLatin1 || Latin9(static_cast<uint8_t>(cp)) == cp);
    out += fits ? static_cast<char>(cp) : '?';
    i += len;
  }
  return out;
}

}  // namespace gallery::hl7v2
