#include "hub/cli/disclosure_report.h"

#include <algorithm>
#include <iomanip>
#include <map>

namespace gallery::cli {
namespace {

std::string Join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

}  // namespace

void PrintDisclosureReport(const std::vector<store::RecordSummary>& records, std::ostream& out) {
  size_t agency_width = 8;
  for (const auto& record : records) {
    for (const auto& d : record.disclosures) agency_width = std::max(agency_width, d.recipient.size());
    for (const auto& w : record.withholdings) agency_width = std::max(agency_width, w.agency.size());
  }
  const int width = static_cast<int>(agency_width);
  for (const auto& record : records) {
    out << record.record_id << "  " << record.record_type << " from " << record.source_agency;
    if (!record.registered_gp_ods.empty()) out << "  (registered GP " << record.registered_gp_ods << ")";
    out << "\n";
    for (const auto& d : record.disclosures) {
      out << "  sent      " << std::left << std::setw(width) << d.recipient << "  rules: "
          << Join(d.rule_ids, ", ") << (d.acked ? "" : "  [not yet acked]") << "\n";
      out << "            " << std::setw(width) << "" << "  withheld: "
          << (d.withheld.empty() ? "nothing" : Join(d.withheld, "; ")) << "\n";
    }
    for (const auto& w : record.withholdings) {
      out << "  not sent  " << std::left << std::setw(width) << w.agency << "  " << w.reason << "\n";
    }
  }
  out << records.size() << " records\n";
}

bool CheckPracticesSeeOnlyTheirPatients(const std::vector<store::RecordSummary>& records,
                                        const std::vector<Agency>& agencies, std::ostream& out) {
  bool all_good = true;
  for (const auto& agency : agencies) {
    if (agency.kind != "gp-practice") continue;
    size_t received = 0;
    std::vector<std::string> foreign;
    for (const auto& record : records) {
      for (const auto& d : record.disclosures) {
        if (d.recipient != agency.id) continue;
        ++received;
        if (record.registered_gp_ods != agency.ods_code) foreign.push_back(record.record_id);
      }
    }
    if (foreign.empty()) {
      out << "check: " << agency.id << " (" << agency.ods_code << ") received " << received
          << " records, all about its own registered patients\n";
    } else {
      all_good = false;
      out << "FAIL: " << agency.id << " (" << agency.ods_code
          << ") received records about other practices' patients: " << Join(foreign, ", ") << "\n";
    }
  }
  return all_good;
}

}  // namespace gallery::cli
