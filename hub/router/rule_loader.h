// RuleLoader: parses protocol documents (rule language v2, a superset of v1) into compiled
// Protocols and Rules, checking them against the hub's agencies and against each other
// (protocol names and rule ids are unique per set; heading translations agree).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "hub/common/agency.h"
#include "hub/common/yaml_util.h"
#include "hub/router/heading_loader.h"
#include "hub/router/involvement_alert_rule.h"
#include "hub/router/involvement_rule.h"
#include "hub/router/rule.h"

namespace gallery::router {

// The protocols of every document and their rules, in document order. Each rule's
// protocol_index points into `protocols`.
struct LoadedRules {
  std::vector<Protocol> protocols;
  std::vector<Rule> rules;
  std::vector<InvolvementRule> involvement;
  std::vector<InvolvementAlertRule> involvement_alerts;
};

// Not thread-safe; one loader builds one rule set. `agencies` must outlive the loader.
// Every problem is collected as "file:line:col: message" rather than stopping at the first.
class RuleLoader {
 public:
  // Each document must keep within `yaml_limits`.
  explicit RuleLoader(const std::vector<Agency>& agencies, const YamlLimits& yaml_limits = {})
      : agencies_(agencies), yaml_limits_(yaml_limits), headings_(agencies) {}

  // Parses one protocol document; `file` names it in errors and in SourceLocations.
  void AddDocument(std::string_view yaml, const std::string& file);

  bool ok() const { return errors_.empty(); }
  // Every error found so far, one per line, in the order found.
  std::string Errors() const;
  // Meaningful only when ok().
  LoadedRules Take() && { return std::move(loaded_); }

  // What the documents of one set share while loading.
  struct Seen {
    std::map<std::string, std::string, std::less<>> rule_defined_at;      // id -> where
    std::map<std::string, std::string, std::less<>> protocol_defined_at;  // name -> where
  };

 private:
  const std::vector<Agency>& agencies_;
  YamlLimits yaml_limits_;
  HeadingLoader headings_;
  LoadedRules loaded_;
  Seen seen_;
  std::vector<std::string> errors_;
};

}  // namespace gallery::router
