// RulesOptions: the command line of `hubctl rules ...`, parsed, shared by its commands.
#pragma once

#include <string>
#include <vector>

namespace gallery::cli {

struct RulesOptions {
  std::vector<std::string> positional;  // after "rules": the command, then its folders
  std::string config;
  std::string store;  // overrides the config's store when not empty
  std::string rules;
  std::string record;
  std::string to;
  std::string today;  // YYYY-MM-DD; empty means the current UTC date
  std::string since;
  std::string format = "text";
  int soon_days = 30;
  bool no_store = false;
};

}  // namespace gallery::cli
