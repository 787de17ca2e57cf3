#include "hub/cli/admin_client.h"

#include <chrono>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "hub/admin/bearer_token.h"
#include "hub/config/hub_config.h"

namespace gallery::cli {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

Result<AdminReply> CallAdmin(const std::string& address, const std::string& method,
                             const std::string& target, const std::string& bearer_token) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos) return InvalidArgument("admin address '" + address + "' must be host:port");
  const std::string host = address.substr(0, colon);
  const std::string port = address.substr(colon + 1);
  try {
    asio::io_context io;
    asio::ip::tcp::resolver resolver(io);
    beast::tcp_stream stream(io);
    stream.expires_after(std::chrono::seconds(15));
    stream.connect(resolver.resolve(host, port));
    http::request<http::string_body> request{http::string_to_verb(method), target, 11};
    request.set(http::field::host, host);
    request.set(http::field::user_agent, "hubctl");
    if (!bearer_token.empty()) request.set(http::field::authorization, "Bearer " + bearer_token);
    request.prepare_payload();
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(stream, buffer, response);
    beast::error_code ignored;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    return AdminReply{static_cast<int>(response.result_int()), response.body(),
                      std::string(response[http::field::www_authenticate])};
  } catch (const std::exception& e) {
    return Unavailable("cannot reach the hub's admin server at " + address + ": " + e.what());
  }
}

Result<AdminTarget> ResolveAdminTarget(const std::string& config_path, const std::string& admin,
                                       const std::string& token_file) {
  AdminTarget target{admin, ""};
  std::string token_path = token_file;
  if (!config_path.empty()) {
    auto config = config::LoadHubConfig(config_path);
    if (!config.ok()) return config.status();
    if (target.address.empty()) {
      if (config->admin_listen.ends_with(":0")) {
        return InvalidArgument("the config's admin.listen picks a free port; give --admin HOST:PORT");
      }
      target.address = config->admin_listen;
    }
    if (token_path.empty()) token_path = config->admin_token_file;
  }
  if (target.address.empty()) return InvalidArgument("give --admin HOST:PORT or --config FILE");
  if (!token_path.empty()) {
    auto token = admin::ReadTokenFile(token_path);
    if (!token.ok()) return token.status();
    target.token = std::move(token).value();
  }
  return target;
}

}  // namespace gallery::cli
