// RecordLimits: how large one record may be. Set in the hub config's `limits:` section and
// enforced by the record validator, so a record that routing, logs and recipients' native
// formats could not cope with is refused at the door.
#pragma once

#include <cstdint>

namespace gallery {

// Value type. Every bound is inclusive.
struct RecordLimits {
  uint32_t max_sections = 256;            // sections in one record
  uint32_t max_fields_per_section = 1024;
  // Any one text: ids, type, headings, field names and values, codes, labels, demographics.
  uint32_t max_string_bytes = 256 * 1024;
};

}  // namespace gallery
