// Encodes a Deliver frame around a stored record's bytes, without parsing them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gallery::server {

// The serialized gallery.v1.Frame{deliver: Deliver{delivery_id, record, rule_ids,
// redelivered}}, where `record_bytes` is an already serialized gallery.v1.Record. The
// same bytes as serializing the message, with no parse and re-serialize per delivery.
std::string EncodeDeliverFrame(uint64_t delivery_id, std::string_view record_bytes,
                               const std::vector<std::string>& rule_ids, bool redelivered);

}  // namespace gallery::server
