#include "adapters/common/listener_args.h"

#include <algorithm>

#include "adapters/common/flag_parsing.h"

namespace gallery::adapters {

Status ParseListenerArgs(const std::vector<std::string>& args, std::string_view listen_example,
                         const std::vector<std::string_view>& own_flags,
                         const OwnFlagParser& parse_own, ListenerArgs& out) {
  bool check = false;
  bool in_check = false;  // reading the files after --check
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.rfind("--", 0) != 0) {
      if (!in_check) return InvalidArgument("unexpected argument '" + arg + "'");
      out.check.push_back(arg);
      continue;
    }
    in_check = false;
    FlagWord flag = SplitFlag(arg);
    const std::string& name = flag.name;
    if (name == "--help" || name == "--verbose" || name == "--check") {
      if (flag.value) return InvalidArgument("option '" + name + "' takes no value");
      if (name == "--help") out.help = true;
      if (name == "--verbose") out.verbose = true;
      if (name == "--check") check = in_check = true;
      continue;
    }
    const bool own = std::find(own_flags.begin(), own_flags.end(), name) != own_flags.end();
    if (name != "--hub" && name != "--key" && name != "--hub-key" && name != "--mapping" &&
        name != "--listen" && !own) {
      return InvalidArgument("unknown option '" + name + "'");
    }
    if (Status s = TakeFlagValue(args, i, flag); !s.ok()) return s;
    const std::string& value = *flag.value;
    if (name == "--hub") {
      out.hub = value;
    } else if (TakeKeyFlag(name, value, out.keys)) {
      continue;
    } else if (name == "--mapping") {
      out.mapping = value;
    } else if (name == "--listen") {
      auto listen = ParseListenFlag(value, listen_example);
      if (!listen.ok()) return listen.status();
      out.listen_host = listen->host;
      out.listen_port = listen->port;
    } else if (Status s = parse_own(name, value); !s.ok()) {
      return s;
    }
  }
  if (out.help) return OkStatus();
  if (out.mapping.empty()) return InvalidArgument("missing --mapping");
  if (Status s = CheckKeyFlags(out.keys); !s.ok()) return s;
  if (check) {
    if (out.check.empty()) return InvalidArgument("--check needs at least one file");
    return OkStatus();
  }
  if (out.hub.empty()) return InvalidArgument("missing --hub (or use --check)");
  if (out.listen_host.empty()) return InvalidArgument("missing --listen HOST:PORT");
  return OkStatus();
}

}  // namespace gallery::adapters
