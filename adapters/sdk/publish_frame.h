// Encodes a Publish frame around a record without copying the record into a Frame message
// first: the Publisher does this once per record.
#pragma once

#include <cstdint>
#include <string>

#include "gallery/v1/record.pb.h"

namespace gallery::sdk {

// The serialized gallery.v1.Frame{publish: Publish{sequence, record}}: the same bytes as
// building that message and serializing it. Caches `record`'s size in it, so `record` must
// not be used by another thread meanwhile.
std::string EncodePublishFrame(uint64_t sequence, const v1::Record& record);

}  // namespace gallery::sdk
