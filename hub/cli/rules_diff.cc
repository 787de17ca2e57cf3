#include "hub/cli/rules_diff.h"

#include <chrono>
#include <iomanip>

#include "hub/cli/report_store.h"
#include "hub/common/now_micros.h"
#include "hub/governance/json_text.h"
#include "hub/governance/rule_diff.h"
#include "hub/registry/registry.h"
#include "hub/router/rule_set.h"

namespace gallery::cli {
namespace {

using governance::JsonString;

constexpr int kPairWidth = 48;
constexpr int kCountWidth = 18;

void PrintPaths(const std::map<std::string, uint64_t>& paths, std::string_view sign,
                std::ostream& out) {
  for (const auto& [path, records] : paths) {
    out << "    " << sign << " " << std::left << std::setw(kPairWidth - 6) << path << std::right
        << std::setw(kCountWidth) << records << " records\n";
  }
}

void PrintText(const governance::RuleDiff& diff, const std::string& since, std::ostream& out) {
  out << "Replayed " << diff.replayed << " records received in the last " << since;
  if (diff.purged > 0) {
    out << "; skipped " << diff.purged
        << " whose payload retention purged (their metadata alone cannot be routed)";
  }
  if (diff.unreadable > 0) out << "; skipped " << diff.unreadable << " that did not parse";
  out << ".\n";
  if (!diff.changed()) {
    out << "No change: both rule sets disclose the same fields to the same agencies.\n";
    return;
  }
  out << std::left << std::setw(kPairWidth) << "SOURCE -> RECIPIENT" << std::right
      << std::setw(kCountWidth) << "NEWLY SHARED" << std::setw(kCountWidth) << "NO LONGER SHARED"
      << "\n";
  for (const governance::PairChange& pair : diff.pairs) {
    out << std::left << std::setw(kPairWidth) << (pair.source + " -> " + pair.recipient)
        << std::right << std::setw(kCountWidth) << pair.newly_shared << std::setw(kCountWidth)
        << pair.no_longer_shared << "\n";
    PrintPaths(pair.newly_disclosed, "+", out);
    PrintPaths(pair.no_longer_disclosed, "-", out);
  }
  out << "(+ newly disclosed field, - no longer disclosed; counts are records)\n";
}

std::string JsonCounts(const std::map<std::string, uint64_t>& paths) {
  std::string out = "{";
  for (const auto& [path, records] : paths) {
    out += (out.size() == 1 ? "" : ",") + JsonString(path) + ":" + std::to_string(records);
  }
  return out + "}";
}

void PrintJson(const governance::RuleDiff& diff, std::ostream& out) {
  out << "{\"replayed\":" << diff.replayed << ",\"skipped_purged\":" << diff.purged
      << ",\"skipped_unreadable\":" << diff.unreadable
      << ",\"changed\":" << (diff.changed() ? "true" : "false") << ",\"pairs\":[";
  for (size_t i = 0; i < diff.pairs.size(); ++i) {
    const governance::PairChange& p = diff.pairs[i];
    out << (i == 0 ? "" : ",") << "{\"source\":" << JsonString(p.source)
        << ",\"recipient\":" << JsonString(p.recipient) << ",\"newly_shared\":" << p.newly_shared
        << ",\"no_longer_shared\":" << p.no_longer_shared
        << ",\"newly_disclosed\":" << JsonCounts(p.newly_disclosed)
        << ",\"no_longer_disclosed\":" << JsonCounts(p.no_longer_disclosed) << "}";
  }
  out << "]}\n";
}

}  // namespace

int RunRulesDiff(const RulesOptions& options, const config::HubConfig& config, std::ostream& out,
                 std::ostream& err) {
  const auto window = governance::ParseDuration(options.since);
  if (!window) {
    err << "hubctl: --since must be a duration such as 30m, 24h or 7d\n";
    return 1;
  }
  auto before = router::RuleSet::LoadDirectory(options.positional[1], config.agencies);
  auto after = router::RuleSet::LoadDirectory(options.positional[2], config.agencies);
  for (const auto* set : {&before, &after}) {
    if (!set->ok()) {
      err << set->status().message() << "\n";
    }
  }
  if (!before.ok() || !after.ok()) return 1;

  auto store = OpenReportStore(config, options.store);
  if (!store.ok()) {
    err << "hubctl: " << store.status().ToString() << "\n";
    return 1;
  }
  auto registry = registry::Registry::Load(**store, config.agencies);
  if (!registry.ok()) {
    err << "hubctl: " << registry.status().ToString() << "\n";
    return 1;
  }
  const int64_t since_us =
      NowMicros() - std::chrono::duration_cast<std::chrono::microseconds>(*window).count();
  auto records = (*store)->ReceivedSince(since_us);
  if (!records.ok()) {
    err << "hubctl: " << records.status().ToString() << "\n";
    return 1;
  }
  const governance::RuleDiff diff =
      governance::DiffRuleSets(**before, **after, *records, **registry);
  if (options.format == "json") {
    PrintJson(diff, out);
  } else {
    PrintText(diff, options.since, out);
  }
  return diff.changed() ? 3 : 0;
}

}  // namespace gallery::cli
