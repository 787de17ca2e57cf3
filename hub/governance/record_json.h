// ParseRecordJson: a gallery.v1.Record written in protobuf's JSON mapping, as an officer
// writes one for `hubctl rules explain`.
#pragma once

#include <string>
#include <string_view>

#include "gallery/v1/record.pb.h"
#include "hub/common/result.h"

namespace gallery::governance {

// kInvalidArgument naming `file` and protobuf's description of the offending field (an
// unknown field, a wrong type) when `json` is not a Record. Never throws; thread-safe.
Result<v1::Record> ParseRecordJson(std::string_view json, const std::string& file);

}  // namespace gallery::governance
