// Finding: one problem `hubctl rules check` reports about a rule set, with its position,
// and the two ways of printing a list of them (compiler-style text, JSON for tools).
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "hub/router/rule.h"

namespace gallery::governance {

// Notes inform and never change the exit code; warnings and errors do.
enum class Severity { kError, kWarning, kNote };
std::string_view SeverityName(Severity severity);

// Value type.
struct Finding {
  router::SourceLocation at;  // line and column 0 when the problem has no position
  Severity severity = Severity::kError;
  std::string message;
  std::string code;  // stable, for suppressing and counting: "shadowed", "protocol-expired"
};

// Turns the loader's "file:line:col: message" lines (as RuleSet::LoadDirectory reports
// them) into error findings coded `code`; a line without a position keeps the whole text.
std::vector<Finding> FindingsFromLoaderErrors(std::string_view errors, std::string_view code);

// `text` on one line: runs of whitespace (the newlines of YAML's folded text included)
// become one space, and the ends are trimmed, so that each finding stays one line.
std::string OneLine(std::string_view text);

// By file, then line, column, severity and message, so output is stable between runs.
void SortFindings(std::vector<Finding>& findings);

// "file:line:column: warning: message [code]", one per finding, then a summary line.
void PrintFindingsText(const std::vector<Finding>& findings, std::ostream& out);
// {"findings":[{"file":..,"line":..,"column":..,"severity":..,"message":..,"code":..}],
//  "errors":N,"warnings":N,"notes":N}
void PrintFindingsJson(const std::vector<Finding>& findings, std::ostream& out);

// 0 with no errors or warnings, 1 with at least one error, 2 with warnings only.
int FindingsExitCode(const std::vector<Finding>& findings);

}  // namespace gallery::governance
