#include "hub/cli/rules_command.h"

#include <charconv>

#include "hub/cli/rules_check.h"
#include "hub/cli/rules_diff.h"
#include "hub/cli/rules_explain.h"
#include "hub/cli/rules_options.h"

namespace gallery::cli {
namespace {

// Options that take a value, and where each goes.
std::string* ValueOption(const std::string& name, RulesOptions& options) {
  if (name == "--config") return &options.config;
  if (name == "--store") return &options.store;
  if (name == "--rules") return &options.rules;
  if (name == "--record") return &options.record;
  if (name == "--to") return &options.to;
  if (name == "--today") return &options.today;
  if (name == "--since") return &options.since;
  if (name == "--format") return &options.format;
  return nullptr;
}

bool Parse(const std::vector<std::string>& args, RulesOptions& options, std::ostream& err) {
  std::string soon_days;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--no-store") {
      options.no_store = true;
    } else if (arg.starts_with("--")) {
      std::string* value = arg == "--soon-days" ? &soon_days : ValueOption(arg, options);
      if (value == nullptr || i + 1 == args.size()) {
        err << "hubctl: " << (value == nullptr ? "unknown option '" : "missing value for '") << arg
            << "'\n";
        return false;
      }
      *value = args[++i];
    } else {
      options.positional.push_back(arg);
    }
  }
  if (options.format != "text" && options.format != "json") {
    err << "hubctl: --format must be text or json\n";
    return false;
  }
  if (!soon_days.empty()) {
    const auto [end, ec] =
        std::from_chars(soon_days.data(), soon_days.data() + soon_days.size(), options.soon_days);
    if (ec != std::errc() || end != soon_days.data() + soon_days.size() || options.soon_days < 0) {
      err << "hubctl: --soon-days must be a whole number of days, 0 or more\n";
      return false;
    }
  }
  if (options.config.empty()) {
    err << "hubctl: --config FILE is required\n";
    return false;
  }
  return true;
}

}  // namespace

int RunRulesCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  RulesOptions options;
  if (!Parse(args, options, err)) return 1;
  const std::vector<std::string>& words = options.positional;
  const std::string command = words.empty() ? "" : words[0];
  const bool usage_ok = (command == "check" && words.size() == 2) ||
                        (command == "explain" && words.size() == 1 && !options.rules.empty() &&
                         !options.record.empty()) ||
                        (command == "diff" && words.size() == 3 && !options.since.empty());
  if (!usage_ok) {
    err << "hubctl: usage: rules check DIR | rules explain --rules DIR --record FILE | "
           "rules diff OLD_DIR NEW_DIR --since DURATION (each with --config FILE; "
           "hubctl help)\n";
    return 1;
  }
  auto config = config::LoadHubConfig(options.config);
  if (!config.ok()) {
    err << config.status().message() << "\n";
    return 1;
  }
  if (command == "check") return RunRulesCheck(options, *config, out, err);
  if (command == "explain") return RunRulesExplain(options, *config, out, err);
  return RunRulesDiff(options, *config, out, err);
}

}  // namespace gallery::cli
