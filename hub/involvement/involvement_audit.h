// The audit entry of an involvement query: who asked, about whom (pseudonym), for what
// purpose, under which rules, which agencies were disclosed and which withheld and why.
#pragma once

#include <string>
#include <string_view>

#include "hub/audit/audit_entry.pb.h"
#include "hub/involvement/involvement.h"

namespace gallery::involvement {

// `subject_pseudonym` as SubjectPseudonym::Of gives it (empty when the query named no usable
// subject); `channel` "wire" or "admin API". Refusals are audited like answers.
audit_log::v1::Entry InvolvementAuditEntry(std::string_view asker, std::string subject_pseudonym,
                                           std::string_view purpose, std::string_view channel,
                                           std::string_view rule_set_hash, const Answer& answer);

}  // namespace gallery::involvement
