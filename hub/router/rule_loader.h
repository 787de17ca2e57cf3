// RuleLoader: parses protocol documents (rule language v1) into compiled Rules, checking
// them against the hub's agencies and against each other (rule ids are unique per set).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "hub/common/agency.h"
#include "hub/router/rule.h"

namespace gallery::router {

// Not thread-safe; one loader builds one rule set. `agencies` must outlive the loader.
// Every problem is collected as "file:line:col: message" rather than stopping at the first.
class RuleLoader {
 public:
  explicit RuleLoader(const std::vector<Agency>& agencies) : agencies_(agencies) {}

  // Parses one protocol document; `file` names it in errors and in Rule::defined_at.
  void AddDocument(std::string_view yaml, const std::string& file);

  bool ok() const { return errors_.empty(); }
  // Every error found so far, one per line, in the order found.
  std::string Errors() const;
  // The rules of every document, in document order. Meaningful only when ok().
  std::vector<Rule> TakeRules() && { return std::move(rules_); }

 private:
  const std::vector<Agency>& agencies_;
  std::vector<Rule> rules_;
  std::vector<std::string> errors_;
  std::map<std::string, std::string, std::less<>> rule_defined_at_;      // id -> where
  std::map<std::string, std::string, std::less<>> protocol_defined_at_;  // name -> where
};

}  // namespace gallery::router
