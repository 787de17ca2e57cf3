// The rule index finds exactly the rules a scan of every rule would, so that decisions
// through it are those of the rules as written: a property test over random rule sets.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "hub/router/parties.h"
#include "hub/router/rule_index.h"
#include "hub/router/rule_set.h"
#include "tests/router/router_test_util.h"

namespace gallery::router {
namespace {

using test_util::FakeSubjectState;
using test_util::MakeRecord;

const std::vector<std::string> kDomains = {"adt", "referral", "assessment"};
const std::vector<std::string> kEvents = {"admission", "discharge", "single", "request"};

std::vector<Agency> ManyAgencies() {
  const std::vector<std::string> kinds = {"gp-practice", "hospital", "community-health",
                                          "adult-social-care", "housing"};
  std::vector<Agency> agencies;
  for (int a = 0; a < 25; ++a) {
    const std::string& kind = kinds[a % kinds.size()];
    agencies.push_back({"agency-" + std::to_string(a), "Agency", kind,
                        kind == "gp-practice" ? "G" + std::to_string(a) : ""});
  }
  return agencies;
}

// A random rule set written as a rule file: ids, kinds, exact types and globs.
std::string RandomRules(std::mt19937& random, const std::vector<Agency>& agencies, int count) {
  auto pick = [&](const auto& list) -> const auto& { return list[random() % list.size()]; };
  auto party = [&]() {
    return random() % 4 == 0 ? "\"kind:" + pick(agencies).kind + "\"" : pick(agencies).id;
  };
  auto type = [&]() -> std::string {
    switch (random() % 5) {
      case 0: return "\"" + pick(kDomains) + ".*\"";
      case 1: return "\"*\"";
      case 2: return "\"*." + pick(kEvents) + "\"";
      default: return pick(kDomains) + "." + pick(kEvents);
    }
  };
  std::string yaml = "protocol: random\nversion: 1\nrules:\n";
  for (int r = 0; r < count; ++r) {
    yaml += "  - id: r" + std::to_string(r) + "\n    from: [" + party();
    for (unsigned n = random() % 3; n > 0; --n) yaml += ", " + party();
    yaml += "]\n    types: [" + type();
    for (unsigned n = random() % 3; n > 0; --n) yaml += ", " + type();
    yaml += "]\n    to: [" + party();
    if (random() % 3 == 0) yaml += ", relationship:allocated-worker";
    yaml += "]\n";
  }
  return yaml;
}

bool TypeMatches(const Rule& rule, const std::string& type) {
  return std::any_of(rule.types.begin(), rule.types.end(),
                     [&](const Glob& g) { return g.Matches(type); });
}

TEST(RuleIndexTest, FindsTheSameRulesAsAScanInTheSameOrder) {
  std::mt19937 random(20260115);
  const std::vector<Agency> agencies = ManyAgencies();
  auto set = RuleSet::LoadString(RandomRules(random, agencies, 300), "r.yaml", agencies);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  const std::vector<Rule>& rules = (*set)->rules();
  std::vector<std::vector<uint32_t>> sources;
  for (const Rule& rule : rules) sources.push_back(AgenciesNamed(rule.from, agencies));
  const RuleIndex index(rules, sources, agencies.size());

  std::vector<uint32_t> found;
  for (uint32_t source = 0; source < agencies.size(); ++source) {
    for (const std::string& domain : kDomains) {
      for (const std::string& event : kEvents) {
        const std::string type = domain + "." + event;
        std::vector<uint32_t> scanned;
        for (uint32_t r = 0; r < rules.size(); ++r) {
          const bool from = std::count(sources[r].begin(), sources[r].end(), source) > 0;
          if (from && TypeMatches(rules[r], type)) scanned.push_back(r);
        }
        index.Find(source, type, found);
        ASSERT_EQ(found, scanned) << agencies[source].id << " " << type;
      }
    }
  }
}

TEST(RuleIndexTest, DecisionsAreThoseOfEveryRuleScannedInTurn) {
  std::mt19937 random(7);
  const std::vector<Agency> agencies = ManyAgencies();
  auto set = RuleSet::LoadString(RandomRules(random, agencies, 400), "r.yaml", agencies);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  const std::vector<Rule>& rules = (*set)->rules();
  RoutePlan plan;  // reused, as the hub does
  for (int round = 0; round < 500; ++round) {
    const Agency& source = agencies[random() % agencies.size()];
    const std::string type = kDomains[random() % kDomains.size()] + "." +
                             kEvents[random() % kEvents.size()];
    FakeSubjectState state;
    std::set<std::string> allocated;
    for (unsigned n = random() % 3; n > 0; --n) {
      const std::string& id = agencies[random() % agencies.size()].id;
      allocated.insert(id);
      state.Relate(id, "allocated-worker");
    }
    // The straightforward reading: every rule, in turn, against this record.
    std::map<std::string, std::vector<std::string>> expected;  // recipient -> rule ids
    for (const Rule& rule : rules) {
      const std::vector<uint32_t> from = AgenciesNamed(rule.from, agencies);
      const bool applies = std::any_of(from.begin(), from.end(), [&](uint32_t a) {
        return agencies[a].id == source.id;
      }) && TypeMatches(rule, type);
      if (!applies) continue;
      std::set<std::string> to;
      for (uint32_t a : AgenciesNamed(rule.to, agencies)) to.insert(agencies[a].id);
      for (const Party& party : rule.to) {
        if (party.type == Party::Type::kRelationship) to.insert(allocated.begin(), allocated.end());
      }
      to.erase(source.id);
      for (const std::string& id : to) expected[id].push_back(rule.id);
    }
    for (auto& [id, ids] : expected) std::sort(ids.begin(), ids.end());

    (*set)->Plan(MakeRecord(source.id, type), state, plan);
    std::map<std::string, std::vector<std::string>> actual;
    for (const Grant& grant : plan.grants) actual[grant.recipient] = grant.rule_ids;
    ASSERT_EQ(actual, expected) << "round " << round << ": " << source.id << " " << type;
  }
}

}  // namespace
}  // namespace gallery::router
