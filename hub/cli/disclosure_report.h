// The disclosure report: for each journaled record, who received it under which rules,
// what was withheld from each recipient, and who did not receive it and why.
#pragma once

#include <ostream>
#include <vector>

#include "hub/common/agency.h"
#include "hub/store/store.h"

namespace gallery::cli {

// Writes the report as a text table. Never prints record contents: only ids, agencies,
// rule ids and field paths.
void PrintDisclosureReport(const std::vector<store::RecordSummary>& records, std::ostream& out);

// Checks that every GP practice received records only about patients registered with it
// (by ODS code), printing one line per practice. Returns false if any practice received
// another practice's patient.
bool CheckPracticesSeeOnlyTheirPatients(const std::vector<store::RecordSummary>& records,
                                        const std::vector<Agency>& agencies, std::ostream& out);

}  // namespace gallery::cli
