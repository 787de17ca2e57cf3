// Verifies the audit log a store holds: every entry present, in order, unchanged.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hub/common/result.h"
#include "hub/store/store.h"

namespace gallery::audit {

// The first entry found wrong, and what is wrong with it.
struct ChainBreak {
  uint64_t seq = 0;
  std::string what;
};

struct ChainReport {
  uint64_t length = 0;    // entries read
  std::string head_hash;  // the last one's hash, hex; "" when there are none
  std::optional<ChainBreak> broken;
};

// Reads every entry in order, checking each one's number and its link to the one before,
// and stops at the first wrong one. An edited entry shows as the next one's broken link; an
// edit to the last entry, or entries cut off the end, only against `expected_head` (hex,
// from the chain head metric or log; empty: not checked), which must be the hash of one of
// the entries. Errors: the store's (reading). Blocks on the store.
Result<ChainReport> VerifyChain(store::Store& store, std::string_view expected_head);

// As VerifyChain without a head, over the last `max_entries` entries only (all of them when
// there are no more), the first one's link to the entry before it taken on trust: bounds
// the time a check takes however long the log grows. `length` counts from the log's start.
Result<ChainReport> VerifyChainTail(store::Store& store, uint64_t max_entries);

}  // namespace gallery::audit
