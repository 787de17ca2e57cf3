#include "adapters/fhir/fhir_error.h"

#include <utility>

namespace gallery::fhir {

void Refusal::Add(int status, std::string code, std::string expression, std::string diagnostics) {
  // Invalid FHIR (400) is the more basic fault: a client must fix it before anything else.
  if (http_status == 0 || (status == 400 && http_status == 422)) http_status = status;
  issues.push_back(Issue{"error", std::move(code), std::move(expression), std::move(diagnostics)});
}

std::string Refusal::Summary() const {
  std::string out;
  for (const Issue& issue : issues) {
    if (!out.empty()) out += "; ";
    out +=
        issue.expression.empty() ? issue.diagnostics : issue.expression + ": " + issue.diagnostics;
  }
  return out;
}

nlohmann::json OperationOutcome(const std::vector<Issue>& issues) {
  nlohmann::json out = {{"resourceType", "OperationOutcome"}, {"issue", nlohmann::json::array()}};
  for (const Issue& issue : issues) {
    nlohmann::json item = {{"severity", issue.severity}, {"code", issue.code}};
    if (!issue.diagnostics.empty()) item["diagnostics"] = issue.diagnostics;
    if (!issue.expression.empty()) item["expression"] = nlohmann::json::array({issue.expression});
    out["issue"].push_back(std::move(item));
  }
  return out;
}

Refusal Refuse(int status, std::string code, std::string expression, std::string diagnostics) {
  Refusal refusal;
  refusal.Add(status, std::move(code), std::move(expression), std::move(diagnostics));
  return refusal;
}

}  // namespace gallery::fhir
