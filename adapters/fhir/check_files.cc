#include "adapters/fhir/check_files.h"

#include <algorithm>

#include "adapters/csv/read_file.h"
#include "adapters/fhir/json_body.h"

namespace gallery::fhir {

Plan PlanDocument(const MappingSpec& spec, const std::string& bytes) {
  if (LooksLikeXml(bytes)) {
    Plan plan;
    plan.refusal = Refuse(415, "not-supported", "", "only FHIR JSON is accepted; XML is not");
    return plan;
  }
  nlohmann::json parsed;
  if (Refusal bad = ParseJsonBody(bytes, parsed); bad.refused()) {
    Plan plan;
    plan.refusal = std::move(bad);
    return plan;
  }
  std::string type;
  if (parsed.is_object()) {
    if (auto it = parsed.find("resourceType"); it != parsed.end() && it->is_string()) {
      type = it->get<std::string>();
    }
  }
  const std::string path = type == "Bundle" ? "/" : "/" + type;
  return PlanRequest(spec, "POST", type.empty() ? "/Resource" : path, &parsed, nullptr);
}

int CheckFiles(const FhirMapping& mapping, const std::vector<std::string>& files,
               std::string& report) {
  int exit_code = 0;
  for (const std::string& file : files) {
    auto bytes = csv::ReadFileCapped(file, kMaxCheckFileBytes);
    if (!bytes.ok()) {
      report += file + ": " + bytes.status().message() + "\n";
      exit_code = 2;
      continue;
    }
    const Plan plan = PlanDocument(mapping.spec(), *bytes);
    if (plan.refusal.refused()) {
      report += file + ": refused (" + std::to_string(plan.refusal.http_status) +
                "): " + plan.refusal.Summary() + "\n";
      exit_code = std::max(exit_code, 1);
      continue;
    }
    for (const PlannedEntry& entry : plan.entries) {
      if (entry.refusal.refused()) {
        report += file + ": " + entry.expression + ": refused (" +
                  std::to_string(entry.refusal.http_status) + "): " + entry.refusal.Summary() +
                  "\n";
        exit_code = std::max(exit_code, 1);
      } else {
        report += file + ": " + entry.mapped.key + ": record " + entry.mapped.record.record_id() +
                  " (" + entry.mapped.record.record_type() + ")\n";
      }
    }
  }
  return exit_code;
}

}  // namespace gallery::fhir
