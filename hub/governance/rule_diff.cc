#include "hub/governance/rule_diff.h"

#include <charconv>
#include <set>

#include "hub/router/redaction.h"

namespace gallery::governance {
namespace {

// recipient -> paths it receives, under the source's headings, so that a change of heading
// translation alone is not counted as a change of what is disclosed.
using Disclosed = std::map<std::string, std::set<std::string>>;

Disclosed DisclosedBy(const router::RuleSet& rules, const v1::Record& record,
                      const router::SubjectState& state, router::RoutePlan& plan) {
  Disclosed out;
  rules.Plan(record, state, plan, router::PlanScope::kConsidered);
  for (const router::Grant& grant : plan.grants) {
    std::set<std::string>& paths = out[grant.recipient];
    const std::vector<bool>& allowed = plan.views[grant.view].allowed;
    for (size_t i = 0; i < plan.items.size(); ++i) {
      if (allowed[i]) paths.insert(plan.items[i].path);
    }
  }
  return out;
}

void Count(const std::set<std::string>& paths, const std::set<std::string>& except,
           std::map<std::string, uint64_t>& counts) {
  for (const std::string& path : paths) {
    if (!except.contains(path)) ++counts[path];
  }
}

}  // namespace

RuleDiff DiffRuleSets(const router::RuleSet& before, const router::RuleSet& after,
                      const std::vector<store::ReceivedRecord>& records,
                      const router::SubjectState& state) {
  RuleDiff diff;
  std::map<std::pair<std::string, std::string>, PairChange> pairs;
  // One plan per rule set: a plan's working space belongs to the set that fills it.
  router::RoutePlan before_plan;
  router::RoutePlan after_plan;
  v1::Record record;
  const std::set<std::string> none;
  for (const store::ReceivedRecord& received : records) {
    if (received.payload.empty()) {
      ++diff.purged;
      continue;
    }
    if (!record.ParseFromString(received.payload)) {
      ++diff.unreadable;
      continue;
    }
    ++diff.replayed;
    const Disclosed old_paths = DisclosedBy(before, record, state, before_plan);
    const Disclosed new_paths = DisclosedBy(after, record, state, after_plan);
    std::set<std::string> recipients;
    for (const auto& [recipient, paths] : old_paths) recipients.insert(recipient);
    for (const auto& [recipient, paths] : new_paths) recipients.insert(recipient);
    for (const std::string& recipient : recipients) {
      const auto was = old_paths.find(recipient);
      const auto now = new_paths.find(recipient);
      const std::set<std::string>& was_paths = was == old_paths.end() ? none : was->second;
      const std::set<std::string>& now_paths = now == new_paths.end() ? none : now->second;
      const bool shared_before = was != old_paths.end();
      const bool shared_after = now != new_paths.end();
      if (shared_before == shared_after && was_paths == now_paths) continue;
      PairChange& change = pairs[{record.source_agency(), recipient}];
      change.source = record.source_agency();
      change.recipient = recipient;
      if (!shared_before) ++change.newly_shared;
      if (!shared_after) ++change.no_longer_shared;
      Count(now_paths, was_paths, change.newly_disclosed);
      Count(was_paths, now_paths, change.no_longer_disclosed);
    }
  }
  for (auto& [key, change] : pairs) diff.pairs.push_back(std::move(change));
  return diff;
}

std::optional<std::chrono::seconds> ParseDuration(std::string_view text) {
  if (text.size() < 2) return std::nullopt;
  int64_t amount = 0;
  const char* end = text.data() + text.size() - 1;
  const auto [stop, ec] = std::from_chars(text.data(), end, amount);
  if (ec != std::errc() || stop != end || amount <= 0) return std::nullopt;
  int64_t unit = 0;
  switch (text.back()) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'd':
      unit = 86400;
      break;
    default:
      return std::nullopt;
  }
  // Beyond a century is a typo, and would overflow microseconds arithmetic later.
  if (amount > int64_t{36500} * 86400 / unit) return std::nullopt;
  return std::chrono::seconds(amount * unit);
}

}  // namespace gallery::governance
