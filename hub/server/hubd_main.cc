// hubd: the Gallery hub daemon.
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include <spdlog/spdlog.h>

#include "hub/common/json_log_formatter.h"
#include "hub/config/hub_config.h"
#include "hub/router/rule_set.h"
#include "hub/server/hub_server.h"
#include "hub/store/store_factory.h"

namespace {

std::atomic<bool> g_stop{false};
std::atomic<bool> g_reload_rules{false};

void OnSignal(int) { g_stop.store(true); }
void OnHangup(int) { g_reload_rules.store(true); }

constexpr const char* kUsage = R"(usage: hubd --config FILE [--endpoint EP] [--store PATH] [--endpoint-file FILE]
            [--admin-file FILE]

  --config FILE         hub configuration (YAML): agencies, endpoint, rules, store
  --endpoint EP         bind this endpoint instead of the config's, e.g. tcp://127.0.0.1:*
  --store PATH          use this embedded store instead of the config's: a journal folder, or an
                        SQLite file
  --endpoint-file FILE  write the bound endpoint here once serving (for tests and scripts)
  --admin-file FILE     write the admin server's host:port here once serving

Stops cleanly on SIGTERM or SIGINT. On SIGHUP reloads the rules folder: a valid rule set
replaces the running one between two batches; an invalid one is refused with its errors
logged, and the running set stays in force. It also reads the agency keys again (the
config's public_keys and security.agency_keys_dir): new keys apply from the next
connection; invalid ones are refused with their errors logged, and the running keys stay.
)";

}  // namespace

int main(int argc, char** argv) {
  std::string config_path, endpoint, store_path, endpoint_file, admin_file;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= argc) {
        std::cerr << "hubd: " << arg << " needs a value\n" << kUsage;
        std::exit(2);
      }
      out = argv[++i];
    };
    if (arg == "--config") value(config_path);
    else if (arg == "--endpoint") value(endpoint);
    else if (arg == "--store") value(store_path);
    else if (arg == "--endpoint-file") value(endpoint_file);
    else if (arg == "--admin-file") value(admin_file);
    else if (arg == "--help" || arg == "-h") { std::cout << kUsage; return 0; }
    else { std::cerr << "hubd: unknown argument '" << arg << "'\n" << kUsage; return 2; }
  }
  if (config_path.empty()) {
    std::cerr << kUsage;
    return 2;
  }

  auto config = gallery::config::LoadHubConfig(config_path);
  if (!config.ok()) {
    std::cerr << config.status().message() << "\n";
    return 2;
  }
  if (!endpoint.empty()) config->endpoint = endpoint;
  if (!store_path.empty()) {
    // An SQLite store is one file; anything else is a journal folder (made if missing).
    config->store_backend = std::filesystem::is_regular_file(store_path) ? "sqlite" : "journal";
    config->store_path = store_path;
  }
  spdlog::set_level(spdlog::level::from_str(config->log_level));
  if (config->log_format == "json") spdlog::set_formatter(std::make_unique<gallery::JsonLogFormatter>());

  auto rules = gallery::router::RuleSet::LoadDirectory(config->rules_dir, config->agencies,
                                                       config->yaml_limits);
  if (!rules.ok()) {
    std::cerr << rules.status().message() << "\n";
    return 2;
  }
  auto store = gallery::store::OpenStore(*config);
  if (!store.ok()) {
    spdlog::critical("{}", store.status().ToString());
    return 1;
  }
  if (!config->store_sync) {
    spdlog::warn("store sync is off: a confirm does not mean the record is on disk");
  }
  auto server = gallery::server::HubServer::Create(std::move(config).value(), std::move(rules).value(),
                                                   std::move(store).value());
  if (!server.ok()) {
    spdlog::critical("{}", server.status().ToString());
    return 1;
  }

  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGHUP, OnHangup);
  // Written whole under a temporary name, so a reader never sees half an address. The
  // admin file comes first: the endpoint file's appearance means both are there.
  auto publish = [](const std::string& file, const std::string& value) {
    if (file.empty()) return;
    const std::string tmp = file + ".tmp";
    std::ofstream(tmp) << value << "\n";
    std::rename(tmp.c_str(), file.c_str());
  };
  publish(admin_file, (*server)->admin_address());
  publish(endpoint_file, (*server)->endpoint());
  const gallery::Status status = (*server)->Run(g_stop, &g_reload_rules);
  if (!status.ok()) {
    spdlog::critical("{}", status.ToString());
    return 1;
  }
  return 0;
}
