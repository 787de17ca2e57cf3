// A region's rule set for the benchmarks: 500 agencies of ten kinds and generated rules with
// the mix of a region's protocols (sources, exact types and globs, named recipients, kinds
// and relationships, field lists, labels, purposes, consent modes). decision_bench times the
// router's decision against it; e2e_bench loads it into hubd beside its own rule.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "hub/common/agency.h"

namespace gallery::bench {

// The region's 500 agencies: "gp-practice-000" (ODS "G00000") ... "voluntary-029".
std::vector<Agency> Region();

// Writes `count` generated rules over `agencies`, in protocols of 500, to files
// "region-P.yaml" in `dir` (which must exist). Rule ids are "region-N". The same `seed`
// writes the same rules. Their record types are all of the domains referral, assessment,
// adt, plan, alert, review, discharge and result.
void WriteRegionRules(const std::vector<Agency>& agencies, int count, uint32_t seed,
                      const std::filesystem::path& dir);

}  // namespace gallery::bench
