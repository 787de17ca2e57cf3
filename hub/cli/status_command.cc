#include "hub/cli/status_command.h"

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <thread>

#include <nlohmann/json.hpp>

#include "hub/cli/admin_client.h"
#include "hub/cli/status_view.h"
#include "hub/common/result.h"

namespace gallery::cli {
namespace {

using nlohmann::json;

constexpr const char* kUsage =
    "usage: hubctl status (--admin HOST:PORT | --config FILE) [--token-file FILE]\n"
    "       hubctl top (--admin HOST:PORT | --config FILE) [--token-file FILE] "
    "[--interval SECONDS] [--iterations N]\n";
constexpr double kMaxIntervalSeconds = 3600;
// Ctrl-C is noticed within this long while top waits between views.
constexpr auto kInterruptCheck = std::chrono::milliseconds(100);

volatile std::sig_atomic_t interrupted = 0;

void OnInterrupt(int) { interrupted = 1; }

struct Options {
  std::string admin;
  std::string config;
  std::string token_file;
  double interval_s = 2;
  long iterations = 0;  // 0: until Ctrl-C
};

bool ParseOptions(const std::vector<std::string>& args, bool live, Options& options,
                  std::ostream& err) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const bool has_value = i + 1 < args.size();
    if (arg == "--admin" && has_value) {
      options.admin = args[++i];
    } else if (arg == "--config" && has_value) {
      options.config = args[++i];
    } else if (arg == "--token-file" && has_value) {
      options.token_file = args[++i];
    } else if (live && arg == "--interval" && has_value) {
      char* end = nullptr;
      options.interval_s = std::strtod(args[++i].c_str(), &end);
      if (*end != '\0' || !(options.interval_s > 0) || options.interval_s > kMaxIntervalSeconds) {
        err << "hubctl top: --interval must be a number of seconds above 0 and at most 3600 "
               "(got '" << args[i] << "')\n";
        return false;
      }
    } else if (live && arg == "--iterations" && has_value) {
      char* end = nullptr;
      options.iterations = std::strtol(args[++i].c_str(), &end, 10);
      if (*end != '\0' || options.iterations < 1) {
        err << "hubctl top: --iterations must be a whole number of at least 1 (got '" << args[i]
            << "')\n";
        return false;
      }
    } else {
      err << "hubctl " << (live ? "top" : "status") << ": unexpected argument '" << arg << "'\n"
          << kUsage;
      return false;
    }
  }
  if (options.admin.empty() && options.config.empty()) {
    err << "hubctl " << (live ? "top" : "status") << ": give --admin HOST:PORT or --config FILE\n"
        << kUsage;
    return false;
  }
  return true;
}

// The overview document, or the reason there is none.
Result<json> FetchOverview(const std::string& address, const std::string& token) {
  auto reply = CallAdmin(address, "GET", "/admin/overview", token);
  if (!reply.ok()) return reply.status();
  json body = json::parse(reply->body, nullptr, /*allow_exceptions=*/false);
  if (reply->status != 200) {
    const std::string why = body.is_object() && body.contains("error") && body["error"].is_string()
                                ? body["error"].get<std::string>()
                                : reply->body;
    return Unavailable("the hub answered " + std::to_string(reply->status) + ": " + why);
  }
  if (body.is_discarded() || !body.is_object()) {
    return Unavailable("the hub's answer to /admin/overview is not a JSON object");
  }
  return body;
}

}  // namespace

int RunStatusCommand(const std::vector<std::string>& args, bool live, bool terminal,
                     std::ostream& out, std::ostream& err) {
  Options options;
  if (!ParseOptions(args, live, options, err)) return 2;
  auto target = ResolveAdminTarget(options.config, options.admin, options.token_file);
  if (!target.ok()) {
    err << "hubctl: " << target.status().message() << "\n";
    return 2;
  }
  const std::string& address = target->address;
  const std::string& token = target->token;

  if (!live) {
    auto overview = FetchOverview(address, token);
    if (!overview.ok()) {
      err << "hubctl: " << overview.status().message() << "\n";
      return 1;
    }
    out << RenderStatus(*overview, terminal);
    return 0;
  }

  interrupted = 0;
  auto* previous = std::signal(SIGINT, OnInterrupt);
  const auto interval = std::chrono::duration<double>(options.interval_s);
  for (long view = 1; interrupted == 0; ++view) {
    auto overview = FetchOverview(address, token);
    // In place on a terminal; one view after another, a blank line apart, otherwise.
    if (terminal) {
      out << "\x1b[H\x1b[2J";
    } else if (view > 1) {
      out << "\n";
    }
    if (overview.ok()) {
      out << RenderStatus(*overview, terminal);
    } else {
      out << "hubctl: " << overview.status().message() << " (trying again)\n";
    }
    out.flush();
    if (options.iterations > 0 && view >= options.iterations) break;
    const auto next = std::chrono::steady_clock::now() + interval;
    while (interrupted == 0 && std::chrono::steady_clock::now() < next) {
      std::this_thread::sleep_for(kInterruptCheck);
    }
  }
  std::signal(SIGINT, previous);
  return 0;
}

}  // namespace gallery::cli
