// HeadingLoader: parses the heading translations of protocols (their `headings`) and
// reports any that contradicts another, in any document, for the same recipient, source
// and heading: a recipient must read each source heading under one name only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hub/common/agency.h"
#include "hub/router/rule.h"
#include "hub/router/rule_yaml.h"

namespace gallery::router {

// Not thread-safe; one loader serves one rule set. `agencies` must outlive it.
class HeadingLoader {
 public:
  explicit HeadingLoader(const std::vector<Agency>& agencies) : agencies_(agencies) {}

  // Parses one protocol's `headings` list; errors go to `yaml`'s errors.
  std::vector<HeadingTranslation> Parse(const YAML::Node& headings, RuleYaml& yaml);

 private:
  struct Rename {
    std::string heading;  // lower case
    std::string target;
    std::string where;
  };
  // A translation as agency indexes, ascending; `from` empty means any source.
  struct Seen {
    std::vector<uint32_t> to;
    std::vector<uint32_t> from;
    std::vector<Rename> renames;
  };

  void ParseEntry(const YAML::Node& node, RuleYaml& yaml, std::vector<HeadingTranslation>& out);
  // Reports `rename` when a translation overlapping `current` renames its heading otherwise.
  void CheckConflicts(const Seen& current, const Rename& rename, const YAML::Node& at,
                      RuleYaml& yaml) const;

  const std::vector<Agency>& agencies_;
  std::vector<Seen> seen_;
};

}  // namespace gallery::router
