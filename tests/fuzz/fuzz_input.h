// Helpers for the fuzz targets: how one input carries a mapping and the data it maps.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include <google/protobuf/stubs/logging.h>

namespace gallery::fuzz {

// Separates a mapping (YAML) from the data it maps within one input. It is a YAML comment
// line, so the mapping half stays a valid document when the fuzzer keeps it intact.
inline constexpr std::string_view kSeparator = "\n#%%\n";

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

// Invalid UTF-8 in a string field makes protobuf log an error for each input: noise that
// would bury a crash report.
inline void SilenceProtobufLogs() {
  static const bool silenced = [] {
    google::protobuf::SetLogHandler(nullptr);
    return true;
  }();
  (void)silenced;
}

// The mapping and the data of an input, or nullopt when it has no separator.
inline std::optional<std::pair<std::string_view, std::string_view>> SplitMappingAndData(
    std::string_view input) {
  const size_t at = input.find(kSeparator);
  if (at == std::string_view::npos) return std::nullopt;
  return std::make_pair(input.substr(0, at), input.substr(at + kSeparator.size()));
}

}  // namespace gallery::fuzz
