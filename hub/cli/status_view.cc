#include "hub/cli/status_view.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <sstream>
#include <vector>

namespace gallery::cli {
namespace {

using nlohmann::json;

std::string Text(const json& object, const char* key) {
  if (!object.is_object() || !object.contains(key)) return "";
  const json& value = object[key];
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
  if (value.is_null()) return "";
  return value.dump();
}

double Number(const json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) || !object[key].is_number()) return 0;
  return object[key].get<double>();
}

const json& List(const json& object, const char* key) {
  static const json kEmpty = json::array();
  if (!object.is_object() || !object.contains(key) || !object[key].is_array()) return kEmpty;
  return object[key];
}

std::string Fixed(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", value);
  return text;
}

// "4.2 s" (or "42 s" for whole seconds), "3m05s", "2h10m".
std::string Duration(double seconds) {
  const auto whole = static_cast<int64_t>(seconds);
  char text[32];
  if (whole < 60) {
    return (static_cast<double>(whole) == seconds ? std::to_string(whole) : Fixed(seconds)) + " s";
  }
  if (whole < 3600) {
    std::snprintf(text, sizeof text, "%lldm%02llds", static_cast<long long>(whole / 60),
                  static_cast<long long>(whole % 60));
  } else {
    std::snprintf(text, sizeof text, "%lldh%02lldm", static_cast<long long>(whole / 3600),
                  static_cast<long long>(whole % 3600 / 60));
  }
  return text;
}

// Rows printed with each column as wide as its widest cell, two spaces apart.
class Table {
 public:
  explicit Table(std::vector<std::string> header) { rows_.push_back(std::move(header)); }
  void Add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void Print(std::ostream& out) const {
    std::vector<size_t> widths;
    for (const auto& row : rows_) {
      widths.resize(std::max(widths.size(), row.size()));
      for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
    }
    for (const auto& row : rows_) {
      std::string line = "  ";
      for (size_t i = 0; i < row.size(); ++i) {
        line += row[i];
        if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
      }
      out << line << "\n";
    }
  }

 private:
  std::vector<std::vector<std::string>> rows_;
};

const char* SeverityColour(const std::string& severity) {
  if (severity == "critical") return "\x1b[1;31m";
  if (severity == "warning") return "\x1b[33m";
  return "\x1b[36m";
}

}  // namespace

std::string RenderStatus(const json& overview, bool colour) {
  std::ostringstream out;
  const json& hub = overview.is_object() && overview.contains("hub") ? overview["hub"] : json();
  const json& records =
      overview.is_object() && overview.contains("records") ? overview["records"] : json();
  const std::string hash = Text(hub, "rule_set_hash");
  out << "hub " << Text(hub, "id") << "  up " << Duration(Number(hub, "uptime_s")) << "  rules "
      << Text(hub, "rules") << " (" << hash.substr(0, 12) << ")  audit log "
      << Text(hub, "audit_chain_length") << " entries, "
      << (hub.is_object() && hub.value("audit_chain_intact", true) ? "intact" : "BROKEN") << "  at "
      << Text(overview, "generated_at") << "\n";
  out << "records  received " << Text(records, "received_total") << "  confirmed "
      << Text(records, "confirmed_total") << "  rejected " << Text(records, "rejected_total")
      << "  in " << Fixed(Number(records, "received_per_s")) << "/s\n";

  const json& agencies = List(overview, "agencies");
  const auto connected = std::count_if(agencies.begin(), agencies.end(), [](const json& agency) {
    return agency.is_object() && agency.value("connected", false);
  });
  out << "\nagencies: " << connected << " of " << agencies.size() << " connected\n";
  Table agency_table({"AGENCY", "KIND", "CONNECTED", "NAME"});
  for (const json& agency : agencies) {
    agency_table.Add({Text(agency, "id"), Text(agency, "kind"), Text(agency, "connected"),
                      Text(agency, "name")});
  }
  agency_table.Print(out);

  out << "\nflows:\n";
  Table flows({"SOURCE", "", "RECIPIENT", "DELIVERED", "PER S"});
  for (const json& flow : List(overview, "flows")) {
    flows.Add({Text(flow, "source"), "->", Text(flow, "recipient"), Text(flow, "delivered_total"),
               Fixed(Number(flow, "per_s"))});
  }
  if (List(overview, "flows").empty()) {
    out << "  none yet\n";
  } else {
    flows.Print(out);
  }

  out << "\nbacklogs:\n";
  Table backlogs({"RECIPIENT", "PENDING", "IN FLIGHT", "OLDEST", "CONNECTED"});
  for (const json& backlog : List(overview, "backlogs")) {
    const bool waiting = Number(backlog, "pending") > 0;
    backlogs.Add({Text(backlog, "recipient"), Text(backlog, "pending"), Text(backlog, "in_flight"),
                  waiting ? Duration(Number(backlog, "oldest_age_s")) : "-",
                  Text(backlog, "connected")});
  }
  backlogs.Print(out);

  out << "\nwithheld:\n";
  Table withheld({"REASON", "TOTAL"});
  for (const json& reason : List(overview, "withheld")) {
    withheld.Add({Text(reason, "reason"), Text(reason, "total")});
  }
  if (List(overview, "withheld").empty()) {
    out << "  none\n";
  } else {
    withheld.Print(out);
  }

  const json& letters = overview.is_object() && overview.contains("dead_letters")
                            ? overview["dead_letters"]
                            : json();
  out << "\ndead letters: " << (Text(letters, "total").empty() ? "0" : Text(letters, "total"))
      << "\n";
  if (!List(letters, "recent").empty()) {
    Table recent({"ID", "RECORD", "RECIPIENT", "ATTEMPTS", "REASON"});
    for (const json& letter : List(letters, "recent")) {
      recent.Add({Text(letter, "id"), Text(letter, "record_id"), Text(letter, "recipient"),
                  Text(letter, "attempts"), Text(letter, "reason")});
    }
    recent.Print(out);
  }

  const json& alerts = List(overview, "alerts");
  out << "\nalerts: " << (alerts.empty() ? "none" : std::to_string(alerts.size())) << "\n";
  for (const json& alert : alerts) {
    const std::string severity = Text(alert, "severity");
    std::string line = "  " + severity + std::string(severity.size() < 8 ? 8 - severity.size() : 0, ' ') +
                       "  " + Text(alert, "name") + ": " + Text(alert, "summary");
    if (colour) line = SeverityColour(severity) + line + "\x1b[0m";
    out << line << "\n";
  }
  return out.str();
}

}  // namespace gallery::cli
