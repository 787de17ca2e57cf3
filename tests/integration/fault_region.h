// What the fault tests share: one small region (a social-care publisher, district nursing
// receiving everything, each practice receiving its registered patients), client settings
// that notice a dead hub quickly, and the final count of every recipient's records.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "adapters/sdk/client_options.h"
#include "tests/integration/delivery_tally.h"
#include "tests/integration/load_publisher.h"
#include "tests/integration/test_region.h"

namespace gallery::testing {

inline constexpr const char* kFaultAgencies = R"(  - {id: gp-a, name: Practice A, kind: gp-practice, ods: A00001}
  - {id: gp-b, name: Practice B, kind: gp-practice, ods: A00002}
  - {id: dn, name: District Nursing, kind: community-health}
  - {id: housing, name: Housing Association, kind: housing}
  - {id: asc, name: Adult Social Care, kind: adult-social-care}
)";

// Every asc assessment goes to district nursing and to the subject's practice; housing is
// sent them only by the rule that fault_slow_subscriber_test adds.
inline constexpr const char* kFaultRules = R"(protocol: fault
version: 1
rules:
  - id: asc-to-care-team
    from: [asc]
    types: [assessment.single]
    to: [dn, "relationship:registered-gp"]
    include: ["*"]
)";

// The fault suites that hold on every store backend derive from this and are instantiated
// with FAULT_TEST_ON_EVERY_BACKEND: GetParam() is the backend.
class BackendFaultTest : public ::testing::TestWithParam<StoreBackend> {
 protected:
  StoreBackend backend() const { return GetParam(); }
  // The region's options for this backend (PostgreSQL: a database of its own on the
  // fixture's server).
  RegionOptions Backend() const {
    RegionOptions options;
    options.backend = GetParam();
    return options;
  }
  // `base` with the backend's name: regions of both backends can run at once.
  std::string RegionName(const std::string& base) const { return base + "-" + BackendName(GetParam()); }
};

// Instantiates the TEST_Ps of `suite` once per backend: Backends/<suite>.<test>/sqlite and
// .../postgresql (ctest runs each backend as its own test, by gtest filter).
#define FAULT_TEST_ON_EVERY_BACKEND(suite)                                               \
  INSTANTIATE_TEST_SUITE_P(Backends, suite, ::testing::ValuesIn(::gallery::testing::kAllBackends), \
                           ::gallery::testing::BackendParamName())

inline const std::vector<std::string> kFaultSinks = {"dn", "gp-a", "gp-b"};

// TestClient with at most 200 records in flight, so that a crash catches some in flight.
sdk::ClientOptions FaultClient(const std::string& endpoint, const std::string& agency);

// The confirmed records that kFaultRules send to `agency`: dn and housing all, gp-a and
// gp-b their registered patients'.
std::set<std::string> ConfirmedFor(const std::string& agency, const PublishLedger& ledger);

// Counts every sink's records (after the sinks stopped), prints one line per recipient and
// adds a test failure for each recipient whose tally is not ok(). Returns the tallies.
std::map<std::string, DeliveryTally> CountEveryRecipient(const TestRegion& region,
                                                         const PublishLedger& ledger,
                                                         const std::vector<std::string>& sinks);

// Ends a fault run: finishes the publisher, which must have every record confirmed; waits
// for every delivery to be acked; checks each sink survived; stops the sinks; checks the
// journal holds each published record once; and counts every record at every recipient
// (CountEveryRecipient). Adds a test failure for anything wrong.
void FinishAndCountEveryRecord(TestRegion& region, LoadPublisher& publisher);

// The last line of `log` that contains `needle`, or "" when none does.
std::string LastLineWith(const std::string& log, const std::string& needle);

// Why the agency's sink is not running: "exited with N: <its last error line>", or "" while
// it runs. For failure messages.
std::string SinkDeath(TestRegion& region, const std::string& agency);

// Record ids of the agency's inbox, in file order.
std::vector<std::string> InboxIds(const TestRegion& region, const std::string& agency);

}  // namespace gallery::testing
