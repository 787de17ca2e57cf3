#include "hub/common/yaml_util.h"

#include <map>
#include <sstream>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

namespace gallery {
namespace {

// Walks the event stream before building nodes so that depth and alias limits hold
// before any memory is spent on expansion.
class LimitChecker : public YAML::EventHandler {
 public:
  explicit LimitChecker(YamlErrors& errors) : errors_(errors) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    if (++aliases_ == kMaxYamlAliases + 1) {
      errors_.Add(mark, "too many aliases (limit " + std::to_string(kMaxYamlAliases) + ")");
    }
  }
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    Enter(mark);
  }
  void OnSequenceEnd() override { --depth_; }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    Enter(mark);
  }
  void OnMapEnd() override { --depth_; }

  bool failed() const { return failed_ || aliases_ > kMaxYamlAliases; }

 private:
  void Enter(const YAML::Mark& mark) {
    if (++depth_ == kMaxYamlDepth + 1) {
      errors_.Add(mark, "nesting deeper than " + std::to_string(kMaxYamlDepth) + " levels");
      failed_ = true;
    }
  }

  YamlErrors& errors_;
  int depth_ = 0;
  int aliases_ = 0;
  bool failed_ = false;
};

}  // namespace

void YamlErrors::Add(const YAML::Mark& mark, std::string_view message) {
  messages_.push_back(Where(mark) + ": " + std::string(message));
}

std::string YamlErrors::Where(const YAML::Mark& mark) const {
  if (mark.is_null()) return file_;
  return file_ + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

std::string YamlErrors::Joined() const {
  std::string out;
  for (const auto& m : messages_) {
    if (!out.empty()) out += '\n';
    out += m;
  }
  return out;
}

void CheckKeys(const YAML::Node& node, std::initializer_list<std::string_view> allowed,
               YamlErrors& errors) {
  if (!node.IsMap()) return;
  CheckNoDuplicateKeys(node, errors);
  for (const auto& kv : node) {
    const std::string key = kv.first.Scalar();
    bool known = false;
    for (auto a : allowed) known = known || a == key;
    if (known) continue;
    std::string expected;
    for (auto a : allowed) {
      if (!expected.empty()) expected += ", ";
      expected += a;
    }
    errors.Add(kv.first, "unknown key '" + key + "' (expected: " + expected + ")");
  }
}

void CheckNoDuplicateKeys(const YAML::Node& node, YamlErrors& errors) {
  if (!node.IsMap()) return;
  std::map<std::string, int> first_line;
  for (const auto& kv : node) {
    auto [it, inserted] = first_line.emplace(kv.first.Scalar(), kv.first.Mark().line + 1);
    if (!inserted) {
      errors.Add(kv.first, "duplicate key '" + it->first + "' (first on line " +
                               std::to_string(it->second) + ")");
    }
  }
}

std::string ScalarOr(const YAML::Node& node, std::string_view key, std::string fallback,
                     YamlErrors& errors) {
  const YAML::Node value = node[std::string(key)];
  if (!value.IsDefined() || value.IsNull()) return fallback;
  if (!value.IsScalar()) {
    errors.Add(value, "'" + std::string(key) + "' must be a single value");
    return fallback;
  }
  return value.Scalar();
}

std::vector<std::string> ScalarList(const YAML::Node& node, std::string_view key,
                                    YamlErrors& errors) {
  std::vector<std::string> out;
  const YAML::Node value = node[std::string(key)];
  if (!value.IsDefined() || value.IsNull()) return out;
  if (value.IsScalar()) {
    out.push_back(value.Scalar());
    return out;
  }
  if (!value.IsSequence()) {
    errors.Add(value, "'" + std::string(key) + "' must be a list");
    return out;
  }
  for (const auto& item : value) {
    if (!item.IsScalar()) {
      errors.Add(item, "each item of '" + std::string(key) + "' must be a single value");
      continue;
    }
    out.push_back(item.Scalar());
  }
  return out;
}

YAML::Node ParseYaml(std::string_view text, YamlErrors& errors) {
  if (text.size() > kMaxYamlBytes) {
    errors.Add(YAML::Mark::null_mark(),
               "larger than " + std::to_string(kMaxYamlBytes) + " bytes");
    return YAML::Node();
  }
  try {
    std::istringstream in{std::string(text)};
    YAML::Parser parser(in);
    LimitChecker checker(errors);
    while (parser.HandleNextDocument(checker)) {
      if (checker.failed()) return YAML::Node();
    }
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    errors.Add(e.mark, e.msg);
    return YAML::Node();
  }
}

}  // namespace gallery
