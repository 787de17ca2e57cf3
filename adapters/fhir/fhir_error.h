// FHIR errors as data: the issues of an OperationOutcome and the HTTP status that goes with
// them. Issues name an element path ("Patient.identifier[0].value"), never a value.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace gallery::fhir {

// One OperationOutcome.issue. `code` is from FHIR's IssueType value set ("invalid",
// "structure", "required", "value", "not-supported", "processing", "transient", ...).
struct Issue {
  std::string severity = "error";
  std::string code;
  std::string expression;   // FHIRPath of the element at fault; may be empty
  std::string diagnostics;  // what is wrong, in words; never a patient value
};

// Why a request or one of its entries is refused. Empty `issues` means no refusal.
struct Refusal {
  int http_status = 0;  // 400 invalid FHIR, 422 valid but not mappable, 415, 413, 503, ...
  std::vector<Issue> issues;

  bool refused() const { return !issues.empty(); }
  // Adds an issue; the first issue's status is the refusal's (400 wins over 422).
  void Add(int status, std::string code, std::string expression, std::string diagnostics);
  // "expression: diagnostics; ..." for logs and --check reports.
  std::string Summary() const;
};

// An OperationOutcome resource holding `issues`.
nlohmann::json OperationOutcome(const std::vector<Issue>& issues);

// A refusal of `status` with one issue.
Refusal Refuse(int status, std::string code, std::string expression, std::string diagnostics);

}  // namespace gallery::fhir
