// Finds a published record's bytes inside its Publish frame, so that the hub can journal
// the record as the publisher serialized it instead of serializing it again.
#pragma once

#include <optional>
#include <string_view>

namespace gallery::server {

// The bytes of Frame.publish.record when `frame` is exactly Frame{publish: Publish{sequence,
// record}}, each field at most once: then those bytes parse to the record the frame holds.
// std::nullopt for anything else (other or repeated fields, unknown fields, malformed
// bytes), for which the caller serializes the parsed record instead. Thread-safe.
std::optional<std::string_view> PublishedRecordBytes(std::string_view frame);

}  // namespace gallery::server
