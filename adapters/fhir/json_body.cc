#include "adapters/fhir/json_body.h"

namespace gallery::fhir {
namespace {

bool NestedDeeperThan(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) return true;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return false;
}

}  // namespace

bool LooksLikeXml(std::string_view body) {
  const size_t start = body.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  return start != std::string_view::npos && body[start] == '<';
}

Refusal ParseJsonBody(std::string_view body, nlohmann::json& out) {
  if (NestedDeeperThan(body, kMaxJsonDepth)) {
    return Refuse(400, "structure", "",
                  "the JSON nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
  out = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (out.is_discarded()) return Refuse(400, "structure", "", "the body is not valid JSON");
  return {};
}

std::string DumpJson(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace gallery::fhir
