#include "hub/common/yaml_util.h"

#include <map>
#include <unordered_map>
#include <vector>
#include <sstream>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

namespace gallery {
namespace {

// Walks the event stream before building nodes, so that the limits hold before any memory
// is spent. Each anchor's size is its subtree's node count with aliases expanded; an alias
// adds that size, which is what a walker of the loaded document would visit.
class LimitChecker : public YAML::EventHandler {
 public:
  LimitChecker(const YamlLimits& limits, YamlErrors& errors) : limits_(limits), errors_(errors) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { Leaf(mark, anchor); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const auto it = anchor_nodes_.find(anchor);
    Count(mark, it == anchor_nodes_.end() ? 1 : it->second);
  }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                const std::string&) override {
    Leaf(mark, anchor);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Enter(mark, anchor);
  }
  void OnSequenceEnd() override { Leave(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    Enter(mark, anchor);
  }
  void OnMapEnd() override { Leave(); }

  bool failed() const { return failed_; }

 private:
  struct Open {
    YAML::anchor_t anchor;
    uint64_t nodes;  // this collection and what it holds so far
  };

  void Leaf(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) anchor_nodes_[anchor] = 1;
    Count(mark, 1);
  }

  // Adds `nodes` to every open collection. Counting stops at the first failure, so the
  // sums stay below twice the limit and cannot overflow.
  void Count(const YAML::Mark& mark, uint64_t nodes) {
    if (failed_) return;
    for (Open& open : open_) open.nodes += nodes;
    total_ += nodes;
    if (total_ > limits_.max_nodes) {
      Fail(mark, "more than " + std::to_string(limits_.max_nodes) +
                     " nodes with aliases expanded (an alias bomb?)");
    }
  }

  void Enter(const YAML::Mark& mark, YAML::anchor_t anchor) {
    Count(mark, 1);
    open_.push_back({anchor, 1});
    if (static_cast<int>(open_.size()) > limits_.max_depth) {
      Fail(mark, "nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
    }
  }

  void Leave() {
    if (open_.empty()) return;
    if (open_.back().anchor != YAML::NullAnchor) {
      anchor_nodes_[open_.back().anchor] = open_.back().nodes;
    }
    open_.pop_back();
  }

  void Fail(const YAML::Mark& mark, const std::string& message) {
    if (failed_) return;
    errors_.Add(mark, message);
    failed_ = true;
  }

  const YamlLimits& limits_;
  YamlErrors& errors_;
  std::vector<Open> open_;
  std::unordered_map<YAML::anchor_t, uint64_t> anchor_nodes_;
  uint64_t total_ = 0;
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

YAML::Node ParseYaml(std::string_view text, YamlErrors& errors, const YamlLimits& limits) {
  if (text.size() > limits.max_bytes) {
    errors.Add(YAML::Mark::null_mark(),
               "larger than " + std::to_string(limits.max_bytes) + " bytes");
    return YAML::Node();
  }
  try {
    std::istringstream in{std::string(text)};
    YAML::Parser parser(in);
    LimitChecker checker(limits, errors);
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
