#include "hub/admin/admin_server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include "hub/admin/bearer_token.h"
#include "hub/admin/dashboard_assets.h"

namespace gallery::admin {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// A request that waits this long for the hub thread is answered 503: the hub is stuck
// or stopping.
constexpr auto kHubAnswerTimeout = std::chrono::seconds(10);
constexpr size_t kMaxRequestBytes = 64 * 1024;

// Open without a token: the probes, which load balancers and service managers call without
// credentials and which say only whether the hub runs; and the dashboard's files, which a
// browser opens without a token and which hold no data (the page asks for the token before
// it reads the API).
bool IsPublic(std::string_view path) {
  return path == "/healthz" || path == "/readyz" || FindDashboardAsset(path).has_value();
}

std::string_view AuthorizationOf(const http::request<http::string_body>& request) {
  const auto value = request[http::field::authorization];
  return std::string_view(value.data(), value.size());
}

}  // namespace

struct AdminServer::Impl {
  asio::io_context io;
  tcp::acceptor acceptor{io};
  AdminHandler handler;
  std::string bearer_token;  // empty: no token asked
  std::thread thread;

  std::mutex mutex;
  std::deque<std::pair<AdminRequest, std::promise<AdminResponse>>> waiting;

  std::future<AdminResponse> Enqueue(AdminRequest request) {
    std::lock_guard lock(mutex);
    waiting.emplace_back(std::move(request), std::promise<AdminResponse>());
    return waiting.back().second.get_future();
  }

  void Serve(tcp::socket socket) {
    beast::error_code error;
    beast::flat_buffer buffer;
    http::request_parser<http::string_body> parser;
    parser.body_limit(kMaxRequestBytes);
    socket.set_option(tcp::no_delay(true), error);
    http::read(socket, buffer, parser, error);
    if (error) return;
    const auto& request = parser.get();
    AdminRequest admin;
    admin.method = std::string(request.method_string());
    const std::string target(request.target());
    const auto question = target.find('?');
    admin.path = target.substr(0, question);
    if (question != std::string::npos) admin.query = target.substr(question + 1);

    AdminResponse answer;
    const bool authorized = bearer_token.empty() || IsPublic(admin.path) ||
                            BearerMatches(AuthorizationOf(request), bearer_token);
    if (!authorized) {
      spdlog::warn("admin {} {}: refused, no valid bearer token", admin.method, admin.path);
      answer = {401, R"({"error":"a bearer token is required"})"};
    } else if (auto future = Enqueue(std::move(admin));
               future.wait_for(kHubAnswerTimeout) == std::future_status::ready) {
      answer = future.get();
    } else {
      answer = {503, R"({"error":"the hub did not answer in time"})"};
    }
    http::response<http::string_body> response{static_cast<http::status>(answer.status),
                                               request.version()};
    if (!authorized) response.set(http::field::www_authenticate, R"(Bearer realm="gallery-hubd")");
    response.set(http::field::server, "gallery-hubd");
    response.set(http::field::content_type, answer.content_type);
    response.set(http::field::cache_control, "no-store");
    response.set("Content-Security-Policy",
                 beast::string_view(kDashboardContentSecurityPolicy.data(),
                                    kDashboardContentSecurityPolicy.size()));
    response.set("X-Content-Type-Options", "nosniff");
    response.keep_alive(false);
    response.body() = std::move(answer.body);
    response.prepare_payload();
    http::write(socket, response, error);
    socket.shutdown(tcp::socket::shutdown_send, error);
  }

  void Accept() {
    acceptor.async_accept([this](beast::error_code error, tcp::socket socket) {
      if (error) return;  // closed: stopping
      Serve(std::move(socket));
      Accept();
    });
  }
};

Result<std::unique_ptr<AdminServer>> AdminServer::Start(const std::string& listen,
                                                       AdminHandler handler,
                                                       std::string bearer_token) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) return InvalidArgument("admin listen '" + listen + "' must be host:port");
  auto impl = std::make_unique<Impl>();
  impl->handler = std::move(handler);
  impl->bearer_token = std::move(bearer_token);
  beast::error_code error;
  std::string host = listen.substr(0, colon);
  if (host == "localhost") host = "127.0.0.1";
  const auto address = asio::ip::make_address(host, error);
  if (error) return InvalidArgument("admin listen '" + listen + "': " + error.message());
  unsigned long port = 0;
  try {
    port = std::stoul(listen.substr(colon + 1));
  } catch (const std::exception&) {
    return InvalidArgument("admin listen '" + listen + "': bad port");
  }
  if (port > 65535) return InvalidArgument("admin listen '" + listen + "': bad port");
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
  impl->acceptor.open(endpoint.protocol(), error);
  if (!error) impl->acceptor.set_option(asio::socket_base::reuse_address(true), error);
  if (!error) impl->acceptor.bind(endpoint, error);
  if (!error) impl->acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) return Unavailable("cannot bind admin server to " + listen + ": " + error.message());
  const auto bound = impl->acceptor.local_endpoint();
  std::unique_ptr<AdminServer> server(new AdminServer(std::move(impl)));
  server->address_ = bound.address().to_string() + ":" + std::to_string(bound.port());
  server->impl_->Accept();
  server->impl_->thread = std::thread([raw = server->impl_.get()] { raw->io.run(); });
  return server;
}

AdminServer::AdminServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

AdminServer::~AdminServer() {
  asio::post(impl_->io, [impl = impl_.get()] {
    beast::error_code ignored;
    impl->acceptor.close(ignored);
  });
  // A request waiting for the hub thread is answered here, as the hub no longer runs.
  {
    std::lock_guard lock(impl_->mutex);
    for (auto& [request, promise] : impl_->waiting) {
      promise.set_value({503, R"({"error":"the hub is stopping"})"});
    }
    impl_->waiting.clear();
  }
  impl_->io.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

void AdminServer::RunPending() {
  std::deque<std::pair<AdminRequest, std::promise<AdminResponse>>> batch;
  {
    std::lock_guard lock(impl_->mutex);
    batch.swap(impl_->waiting);
  }
  for (auto& [request, promise] : batch) {
    AdminResponse response;
    try {
      response = impl_->handler(request);
    } catch (const std::exception& e) {
      spdlog::error("admin {} {}: {}", request.method, request.path, e.what());
      response = {500, R"({"error":"internal error"})"};
    }
    promise.set_value(std::move(response));
  }
}

}  // namespace gallery::admin
