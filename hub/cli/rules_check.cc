#include "hub/cli/rules_check.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "hub/governance/catalogue.h"
#include "hub/governance/finding.h"
#include "hub/governance/rule_lint.h"
#include "hub/governance/rule_positions.h"
#include "hub/router/rule_set.h"

namespace gallery::cli {
namespace {

namespace fs = std::filesystem;
using governance::Finding;

void Print(std::vector<Finding>& findings, const std::string& format, std::ostream& out) {
  governance::SortFindings(findings);
  if (format == "json") {
    governance::PrintFindingsJson(findings, out);
  } else {
    governance::PrintFindingsText(findings, out);
  }
}

// The catalogue beside the rules, or nullptr when there is none; its problems are findings.
std::unique_ptr<governance::Catalogue> ReadCatalogue(const std::string& path,
                                                     std::vector<Finding>& findings) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return nullptr;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in.is_open() || in.bad()) {
    findings.push_back(
        {{path, 0, 0}, governance::Severity::kError, "cannot read the catalogue", "catalogue"});
    return nullptr;
  }
  return std::make_unique<governance::Catalogue>(
      governance::ParseCatalogue(text.str(), path, findings));
}

}  // namespace

int RunRulesCheck(const RulesOptions& options, const config::HubConfig& config, std::ostream& out,
                  std::ostream& err) {
  const std::string& dir = options.positional[1];
  governance::LintOptions lint;
  lint.soon_days = options.soon_days;
  if (options.today.empty()) {
    lint.today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  } else if (auto today = governance::ParseDate(options.today)) {
    lint.today = *today;
  } else {
    err << "hubctl: --today must be a date YYYY-MM-DD\n";
    return 1;
  }

  std::vector<Finding> findings;
  auto rules = router::RuleSet::LoadDirectory(dir, config.agencies, config.yaml_limits);
  if (!rules.ok()) {
    // The hub would refuse this set: print the loader's errors, nothing else applies.
    findings = governance::FindingsFromLoaderErrors(rules.status().message(), "load");
    for (Finding& f : findings) {
      if (f.at.file.empty()) f.at.file = dir;
    }
    Print(findings, options.format, out);
    return 1;
  }
  const std::string catalogue_path = (fs::path(dir) / governance::kCatalogueFile).string();
  const std::unique_ptr<governance::Catalogue> catalogue = ReadCatalogue(catalogue_path, findings);
  const router::RuleSet& set = **rules;
  const governance::RulePositions positions =
      governance::RulePositions::Read(set.rules(), set.protocols());
  const governance::LintInput input{set.rules(), set.protocols(), set.agencies(),
                                    positions,   catalogue.get(), catalogue_path};
  std::vector<Finding> lint_findings = governance::LintRules(input, lint);
  findings.insert(findings.end(), lint_findings.begin(), lint_findings.end());
  Print(findings, options.format, out);
  return governance::FindingsExitCode(findings);
}

}  // namespace gallery::cli
