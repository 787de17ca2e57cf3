#include "tests/bench/bench_rules.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <random>
#include <string_view>
#include <utility>

namespace gallery::bench {
namespace {

constexpr int kRulesPerProtocol = 500;
// Kinds of a region of 500 agencies, and how many of each.
constexpr std::pair<const char*, int> kKinds[] = {
    {"gp-practice", 120},       {"hospital", 20},         {"community-health", 80},
    {"mental-health", 20},      {"adult-social-care", 40}, {"childrens-social-care", 30},
    {"housing", 60},            {"police", 10},           {"education", 90},
    {"voluntary", 30}};
constexpr const char* kDomains[] = {"referral", "assessment", "adt", "plan", "alert",
                                    "review",   "discharge", "result"};
constexpr const char* kEvents[] = {"request", "single", "admission", "discharge", "update",
                                   "urgent", "closure", "summary"};
constexpr const char* kHeadings[] = {"Personal care", "Mobility",  "Home environment",
                                     "Finances",      "Medication", "Communication",
                                     "Risks",         "Carers"};
constexpr const char* kPurposes[] = {"direct-care", "safeguarding", "service-planning"};

// Writes a rule with the region's mix: mostly exact types, some globs; mostly named
// recipients, some kinds and relationships; a field list; now and then labels, a purpose
// or a consent mode.
class RuleWriter {
 public:
  RuleWriter(const std::vector<Agency>& agencies, uint32_t seed)
      : agencies_(agencies), random_(seed) {}

  std::string Rule(const std::string& id) {
    std::string y = "  - id: " + id + "\n    from: [" + AnyAgency();
    if (Chance(30)) y += ", " + AnyAgency();
    if (Chance(3)) y += ", \"kind:" + SmallKind() + "\"";
    y += "]\n    types: [" + Type();
    if (Chance(20)) y += ", " + Type();
    y += "]\n    to: [" + AnyAgency();
    if (Chance(40)) y += ", " + AnyAgency();
    if (Chance(15)) y += ", relationship:registered-gp";
    if (Chance(8)) y += ", relationship:allocated-worker";
    if (Chance(3)) y += ", relationship:any-agency-with-relationship";
    if (Chance(4)) y += ", \"kind:" + SmallKind() + "\"";
    y += "]\n    include: [\"" + Heading() + "\", \"" + Heading() +
         "/Needs\", \"@subject/given_name\"";
    if (Chance(25)) y += ", \"*\"";
    y += "]\n";
    if (Chance(30)) y += "    exclude: [\"*/Private\", \"Finances\"]\n";
    if (Chance(15)) y += "    labels: [mental-health]\n";
    if (Chance(20)) y += "    purpose: " + std::string(kPurposes[Pick(3)]) + "\n";
    const unsigned consent = Pick(100);
    if (consent < 15) y += "    consent: required\n";
    if (consent >= 95) y += "    consent: override\n    justification: Risk of serious harm.\n";
    return y;
  }

 private:
  bool Chance(unsigned percent) { return random_() % 100 < percent; }
  size_t Pick(size_t n) { return random_() % n; }
  std::string AnyAgency() { return agencies_[Pick(agencies_.size())].id; }
  // Kinds of at most 30 agencies: a kind recipient in a rule reaches each of them.
  std::string SmallKind() {
    const char* small[] = {"hospital", "mental-health", "police", "voluntary"};
    return small[Pick(4)];
  }
  std::string Type() {
    const std::string domain = kDomains[Pick(std::size(kDomains))];
    if (Chance(10)) return "\"" + domain + ".*\"";
    return domain + "." + kEvents[Pick(std::size(kEvents))];
  }
  std::string Heading() { return kHeadings[Pick(std::size(kHeadings))]; }

  const std::vector<Agency>& agencies_;
  std::mt19937 random_;
};

}  // namespace

std::vector<Agency> Region() {
  std::vector<Agency> agencies;
  for (const auto& [kind, count] : kKinds) {
    for (int i = 0; i < count; ++i) {
      char id[48];
      std::snprintf(id, sizeof(id), "%s-%03d", kind, i);
      char ods[16] = "";
      if (std::string_view(kind) == "gp-practice") std::snprintf(ods, sizeof(ods), "G%05d", i);
      agencies.push_back({id, id, kind, ods});
    }
  }
  return agencies;
}

void WriteRegionRules(const std::vector<Agency>& agencies, int count, uint32_t seed,
                      const std::filesystem::path& dir) {
  RuleWriter writer(agencies, seed);
  for (int p = 0; p * kRulesPerProtocol < count; ++p) {
    std::string yaml = "protocol: region-" + std::to_string(p) + "\nversion: 1\n";
    if (p % 7 == 3) yaml += "consent: required\n";
    yaml += "rules:\n";
    for (int r = p * kRulesPerProtocol; r < std::min(count, (p + 1) * kRulesPerProtocol); ++r) {
      yaml += writer.Rule("region-" + std::to_string(r));
    }
    std::ofstream(dir / ("region-" + std::to_string(p) + ".yaml")) << yaml;
  }
}

}  // namespace gallery::bench
