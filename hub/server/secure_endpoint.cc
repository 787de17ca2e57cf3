#include "hub/server/secure_endpoint.h"

#include <array>

#include <spdlog/spdlog.h>

#include "hub/security/agency_keys.h"
#include "hub/security/curve_key.h"

namespace gallery::server {
namespace {

void LogKeys(const security::KeyTable& keys) {
  std::string counts;
  for (const auto& [agency, count] : keys.CountsByAgency()) {
    counts += (counts.empty() ? "" : ", ") + agency + " " + std::to_string(count);
  }
  spdlog::info("agency keys: {} ({})", keys.size(), counts.empty() ? "none" : counts);
}

}  // namespace

Result<std::unique_ptr<security::ZapHandler>> BindSecureEndpoint(
    zmq::context_t& context, zmq::socket_t& socket, const config::HubConfig& config,
    security::ZapHandler::OnRefusal on_refusal) {
  const config::SecurityConfig& settings = config.security;
  std::string secret_key;
  if (!settings.allow_plaintext) {
    if (settings.server_secret_key_file.empty()) {
      return InvalidArgument(
          "security.server_secret_key_file is not set: the hub needs its CURVE key (hubctl keys "
          "new), or security.allow_plaintext: true for local development");
    }
    auto read = security::ReadKeyFile(settings.server_secret_key_file);
    if (!read.ok()) return read.status();
    secret_key = std::move(read).value();
  }
  auto keys = security::LoadAgencyKeys(config);
  if (!keys.ok()) return keys.status();
  LogKeys(**keys);
  // Bound before the endpoint: a CURVE server with no handler would admit every client.
  auto zap = security::ZapHandler::Start(context, socket, *keys, settings.allow_plaintext,
                                         std::move(on_refusal));
  if (!zap.ok()) return zap.status();
  try {
    if (settings.allow_plaintext) {
      spdlog::warn("security.allow_plaintext is set: {} accepts unencrypted connections and "
                   "trusts the agency each one names. For local development only.",
                   config.endpoint);
    } else {
      std::array<uint8_t, 32> secret;
      zmq_z85_decode(secret.data(), secret_key.c_str());
      socket.set(zmq::sockopt::curve_server, 1);
      socket.set(zmq::sockopt::curve_secretkey, zmq::buffer(secret));
    }
    // A domain makes libzmq ask the handler for every mechanism, plain ones included.
    socket.set(zmq::sockopt::zap_domain, "gallery");
    socket.bind(config.endpoint);
  } catch (const zmq::error_t& e) {
    return Unavailable("cannot bind " + config.endpoint + ": " + e.what());
  }
  return zap;
}

Result<std::shared_ptr<const security::KeyTable>> ReloadAgencyKeys(
    const config::HubConfig& running) {
  config::HubConfig current = running;
  if (!running.file.empty()) {
    auto reread = config::LoadHubConfig(running.file);
    if (!reread.ok()) return reread.status();
    current.security.agency_keys = reread->security.agency_keys;
    current.security.agency_keys_dir = reread->security.agency_keys_dir;
  }
  auto keys = security::LoadAgencyKeys(current);
  if (keys.ok()) LogKeys(**keys);
  return keys;
}

}  // namespace gallery::server
