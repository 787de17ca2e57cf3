// Serializes a recipient's redacted copy of a record straight from the original, without
// building the copy as a message first: the hub journals bytes, not messages.
#pragma once

#include <string>
#include <vector>

#include "gallery/v1/record.pb.h"
#include "hub/router/redaction.h"

namespace gallery::router {

// Appends to `out` the same bytes as
// Redact(record, items, allowed, headings, ...).SerializeAsString(),
// computing sizes first so that nothing is copied twice and nothing is allocated but
// `out`'s growth. `items` must come from ListItems(record), `allowed` be parallel to it.
// Thread-safe for distinct `out`s; caches the sizes of `record`'s sub-messages, so the
// record must not be modified by another thread meanwhile.
void AppendRedacted(const v1::Record& record, const std::vector<RecordItem>& items,
                    const std::vector<bool>& allowed, const SectionHeadings& headings,
                    std::string& out);

}  // namespace gallery::router
