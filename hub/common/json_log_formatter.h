// JsonLogFormatter: spdlog lines as JSON objects, one per line, for log shippers:
// {"time":"2026-11-26T18:30:00.123456Z","level":"info","logger":"hubd","message":"..."}.
#pragma once

#include <memory>
#include <string_view>

#include <spdlog/formatter.h>

namespace gallery {

// Thread-safe as spdlog formatters are (one per sink, used under the sink's lock). The
// message is escaped as a JSON string (quotes, backslashes, control characters; bytes
// that are not UTF-8 become U+FFFD), so a line is always one valid JSON object.
class JsonLogFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;
};

// Appends `text` to `dest` as the body of a JSON string (without the quotes).
void AppendJsonEscaped(std::string_view text, spdlog::memory_buf_t& dest);

}  // namespace gallery
