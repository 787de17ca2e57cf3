// ValidateRecord: the structural checks every record passes before it is journaled, so that
// routing and redaction can rely on well-formed ids, types, dates and unique headings.
#pragma once

#include "gallery/v1/record.pb.h"
#include "hub/common/record_limits.h"
#include "hub/common/status.h"

namespace gallery::ingest {

// Caps how many problems one Status lists, so a malformed bulk record cannot produce an
// unbounded error message.
inline constexpr int kMaxReportedProblems = 20;
inline constexpr size_t kMaxRecordIdBytes = 200;

// Ok, or kInvalidArgument (quarantine; never retry unchanged) listing each problem as
// "<field path>: <what is wrong>", one per line, e.g. "sections[2].fields[0].name: must not
// be empty". Messages name fields, never a patient value. Thread-safe; no I/O.
//
// Checks: record_id non-empty, at most 200 bytes, printable ASCII without spaces;
// record_type "domain.event" ([a-z0-9-]+\.[a-z0-9-]+); source_agency non-empty; subject has
// an NHS number or a local id (each local id with agency and value); the NHS number's
// check digit; birth_date and `date` field values are real YYYY-MM-DD dates; amends and
// retracts not both set and neither naming the record itself; every section has a heading
// without '/' that is unique in the record; field names are non-empty and unique within
// their section; every field has a value. Headings and field names are compared ignoring
// ASCII case, as the router matches them. The record keeps within `limits`: a section or
// field count over the limit is reported once, at the first item beyond it ("sections[256]:
// beyond the limit of 256 sections"), an over-long text at its path.
Status ValidateRecord(const v1::Record& record, const RecordLimits& limits = {});

}  // namespace gallery::ingest
