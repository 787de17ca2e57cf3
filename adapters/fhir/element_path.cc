#include "adapters/fhir/element_path.h"

#include <charconv>

namespace gallery::fhir {
namespace {

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

Result<ElementPath> ParseElementPath(std::string_view text) {
  ElementPath path;
  path.text = std::string(text);
  if (text.empty()) return InvalidArgument("an element path must not be empty");
  size_t i = 0;
  while (i <= text.size()) {
    ElementPath::Step step;
    const size_t start = i;
    while (i < text.size() && IsNameChar(text[i])) ++i;
    step.name = std::string(text.substr(start, i - start));
    if (step.name.empty() || !(step.name[0] >= 'a' && step.name[0] <= 'z')) {
      return InvalidArgument("'" + path.text +
                             "' is not an element path like code, valueQuantity.value or "
                             "value[x] (each name starts with a lower case letter)");
    }
    if (i < text.size() && text[i] == '[') {
      const size_t close = text.find(']', i);
      if (close == std::string_view::npos)
        return InvalidArgument("'" + path.text + "': missing ']'");
      const std::string_view inside = text.substr(i + 1, close - i - 1);
      if (inside == "x") {
        step.choice = true;
      } else {
        size_t n = 0;
        const auto [end, ec] = std::from_chars(inside.data(), inside.data() + inside.size(), n);
        if (ec != std::errc() || end != inside.data() + inside.size() || inside.empty()) {
          return InvalidArgument("'" + path.text + "': expected [x] or a list index like [0]");
        }
        step.index = n;
      }
      i = close + 1;
    }
    path.steps.push_back(std::move(step));
    if (i == text.size()) break;
    if (text[i] != '.') return InvalidArgument("'" + path.text + "': unexpected character");
    ++i;
  }
  return path;
}

const nlohmann::json* FindChoice(const nlohmann::json& object, std::string_view name,
                                 std::string* member) {
  if (!object.is_object()) return nullptr;
  for (auto it = object.begin(); it != object.end(); ++it) {
    const std::string& key = it.key();
    if (key.size() > name.size() && key.compare(0, name.size(), name) == 0 &&
        key[name.size()] >= 'A' && key[name.size()] <= 'Z') {
      if (member != nullptr) *member = key;
      return &it.value();
    }
  }
  return nullptr;
}

const nlohmann::json* FindElement(const nlohmann::json& resource, const ElementPath& path,
                                  const std::string& base, std::string* where) {
  const nlohmann::json* node = &resource;
  std::string at = base;
  for (const ElementPath::Step& step : path.steps) {
    if (!node->is_object()) return nullptr;
    std::string member = step.name;
    const nlohmann::json* next = nullptr;
    if (step.choice) {
      next = FindChoice(*node, step.name, &member);
    } else if (auto it = node->find(step.name); it != node->end()) {
      next = &*it;
    }
    if (next == nullptr || next->is_null()) return nullptr;
    at += "." + member;
    if (next->is_array()) {
      const size_t index = step.index.value_or(0);
      if (index >= next->size()) return nullptr;
      next = &(*next)[index];
      at += "[" + std::to_string(index) + "]";
      if (next->is_null()) return nullptr;
    } else if (step.index.value_or(0) != 0) {
      return nullptr;
    }
    node = next;
  }
  if (where != nullptr) *where = std::move(at);
  return node;
}

}  // namespace gallery::fhir
