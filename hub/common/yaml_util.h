// Helpers for YAML documents owned by people: positions and strict keys in errors.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace gallery {

// Collects every error found in one document, each prefixed "file:line:col: ".
class YamlErrors {
 public:
  explicit YamlErrors(std::string file) : file_(std::move(file)) {}

  // yaml-cpp marks are 0-based; messages are 1-based like compilers'.
  void Add(const YAML::Mark& mark, std::string_view message);
  void Add(const YAML::Node& node, std::string_view message) { Add(node.Mark(), message); }
  std::string Where(const YAML::Mark& mark) const;
  bool empty() const { return messages_.empty(); }
  const std::vector<std::string>& messages() const { return messages_; }
  // All messages, one per line.
  std::string Joined() const;
  const std::string& file() const { return file_; }

 private:
  std::string file_;
  std::vector<std::string> messages_;
};

// Reports each key of map `node` that is not in `allowed`, naming the expected keys, and
// each repeated key: yaml-cpp keeps only one of two equal keys, which would hide an edit
// that did not take effect.
void CheckKeys(const YAML::Node& node, std::initializer_list<std::string_view> allowed,
               YamlErrors& errors);

// Reports each repeated key of map `node` (see CheckKeys).
void CheckNoDuplicateKeys(const YAML::Node& node, YamlErrors& errors);

// Reads a scalar string at `node[key]`; reports a type error when it is not a scalar.
// Returns `fallback` when the key is absent.
std::string ScalarOr(const YAML::Node& node, std::string_view key, std::string fallback,
                     YamlErrors& errors);

// Reads a list of scalars, or a single scalar as a one-element list.
std::vector<std::string> ScalarList(const YAML::Node& node, std::string_view key,
                                    YamlErrors& errors);

inline constexpr size_t kMaxYamlBytes = 4 * 1024 * 1024;
inline constexpr int kMaxYamlDepth = 32;
inline constexpr uint64_t kMaxYamlNodes = 1000000;

// Bounds on one YAML document, checked on the parser's event stream before any node is
// built. yaml-cpp shares an aliased node, but every walker visits it once per alias, so
// `max_nodes` counts nodes with each alias expanded: that bounds the walkers' work and
// refuses an alias bomb ("billion laughs") however few aliases it uses.
struct YamlLimits {
  size_t max_bytes = kMaxYamlBytes;
  int max_depth = kMaxYamlDepth;
  uint64_t max_nodes = kMaxYamlNodes;
};

// Parses `text` as one YAML document. On a syntax error, or a document beyond `limits`,
// adds it (with position) to `errors` and returns a null node. Time and memory are linear
// in the size of `text`.
YAML::Node ParseYaml(std::string_view text, YamlErrors& errors, const YamlLimits& limits = {});

}  // namespace gallery
