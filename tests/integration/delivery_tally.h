// DeliveryTally: what became of the records meant for one recipient, counted the way a
// broker's soak tests do: publish known ids, note which were confirmed, then check every
// copy that reached the recipient. Lost and duplicated-as-new records are the failures.
#pragma once

#include <cstddef>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "tests/integration/load_publisher.h"

namespace gallery::testing {

struct DeliveryTally {
  size_t confirmed = 0;   // confirmed records that the rules send to this recipient
  size_t received = 0;    // Deliver frames the recipient took, redeliveries included
  size_t delivered = 0;   // of those confirmed, the ones in its inbox
  size_t lost = 0;        // confirmed and meant for it, but not in its inbox
  size_t duplicates = 0;  // copies received beyond the first of each record id
  // Failures besides loss: an inbox line repeating an earlier line's record id; a record
  // id received or kept that was never confirmed for this recipient; a record queued
  // twice for it in the hub's journal (a copy under a new delivery id, "as if new"); a
  // record id taken by the recipient but missing from its inbox, or the reverse.
  size_t inbox_repeats = 0;
  size_t strangers = 0;
  size_t journal_repeats = 0;
  size_t unwritten = 0;
  std::vector<std::string> examples;  // a few offending record ids, for the failure message

  // Pass: nothing confirmed lost, and copies only of the same record id.
  bool ok() const {
    return lost == 0 && inbox_repeats == 0 && strangers == 0 && journal_repeats == 0 &&
           unwritten == 0;
  }
};

// `expected`: the confirmed record ids routed to the recipient. `received`: every record
// id it took, copies included (TestRegion::SinkReceived). `inbox`: the record ids of its
// inbox, in file order. `journaled`: its deliveries in the hub's journal
// (TestRegion::JournaledDeliveries).
DeliveryTally CountDeliveries(const std::set<std::string>& expected,
                              const std::vector<std::string>& received,
                              const std::vector<std::string>& inbox,
                              const std::vector<std::string>& journaled);

std::ostream& operator<<(std::ostream& out, const DeliveryTally& tally);

// Each subject's records that reached `inbox` out of publish order, one line each:
// "<nhs number>: <record id> after <record id>". Ids not in `published` are ignored.
std::vector<std::string> OrderViolations(const std::vector<PublishedRecord>& published,
                                         const std::vector<std::string>& inbox);

}  // namespace gallery::testing
