#include "hub/governance/json_text.h"

#include <spdlog/spdlog.h>

#include "hub/common/json_log_formatter.h"

namespace gallery::governance {

std::string JsonString(std::string_view text) {
  spdlog::memory_buf_t buffer;
  AppendJsonEscaped(text, buffer);
  std::string out = "\"";
  out.append(buffer.data(), buffer.size());
  out += '"';
  return out;
}

}  // namespace gallery::governance
