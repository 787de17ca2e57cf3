#include "hub/common/json_log_formatter.h"

#include <chrono>
#include <ctime>

#include <fmt/format.h>

namespace gallery {
namespace {

void Append(spdlog::memory_buf_t& dest, std::string_view text) {
  dest.append(text.data(), text.data() + text.size());
}

// Length of the valid UTF-8 sequence at `text[i]`, or 0 when it is not one.
size_t Utf8Length(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  size_t length = 0;
  uint32_t min = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2, min = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3, min = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4, min = 0x10000;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  uint32_t code = lead & (0x7F >> length);
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    code = (code << 6) | (byte(i + k) & 0x3F);
  }
  if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  return length;
}

}  // namespace

void AppendJsonEscaped(std::string_view text, spdlog::memory_buf_t& dest) {
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '"') {
      Append(dest, "\\\"");
    } else if (c == '\\') {
      Append(dest, "\\\\");
    } else if (c == '\n') {
      Append(dest, "\\n");
    } else if (c == '\r') {
      Append(dest, "\\r");
    } else if (c == '\t') {
      Append(dest, "\\t");
    } else if (c < 0x20 || c == 0x7F) {
      fmt::format_to(std::back_inserter(dest), "\\u{:04x}", c);
    } else if (c < 0x80) {
      dest.push_back(static_cast<char>(c));
    } else if (const size_t length = Utf8Length(text, i); length > 0) {
      Append(dest, text.substr(i, length));
      i += length;
      continue;
    } else {
      Append(dest, "\\ufffd");
    }
    ++i;
  }
}

void JsonLogFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  const auto since_epoch = msg.time.time_since_epoch();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(since_epoch - seconds).count();
  const std::time_t t = static_cast<std::time_t>(seconds.count());
  std::tm utc{};
  gmtime_r(&t, &utc);
  char stamp[32];
  const size_t stamp_length = std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);
  Append(dest, "{\"time\":\"");
  Append(dest, std::string_view(stamp, stamp_length));
  fmt::format_to(std::back_inserter(dest), ".{:06d}Z\",\"level\":\"", micros);
  const auto level = spdlog::level::to_string_view(msg.level);
  Append(dest, std::string_view(level.data(), level.size()));
  Append(dest, "\",\"logger\":\"");
  AppendJsonEscaped(std::string_view(msg.logger_name.data(), msg.logger_name.size()), dest);
  Append(dest, "\",\"message\":\"");
  AppendJsonEscaped(std::string_view(msg.payload.data(), msg.payload.size()), dest);
  Append(dest, "\"}\n");
}

std::unique_ptr<spdlog::formatter> JsonLogFormatter::clone() const {
  return std::make_unique<JsonLogFormatter>();
}

}  // namespace gallery
