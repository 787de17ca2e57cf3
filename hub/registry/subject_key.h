// The registry's key for a subject: the NHS number, or, for a record without
// one, the source's own identifier written "local:<agency>:<value>".
#pragma once

#include <string>
#include <vector>

#include "gallery/v1/record.pb.h"

namespace gallery::registry {

// The key facts about `subject` are kept under: the NHS number, else its first
// local id; empty when the subject has neither. Pure; thread-safe.
std::string SubjectKey(const v1::Subject &subject);

// Every key `subject` may be known under, most specific first: the NHS number,
// then each local id. Pure; thread-safe.
std::vector<std::string> SubjectKeys(const v1::Subject &subject);

} // namespace gallery::registry
