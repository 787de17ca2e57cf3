#include "tests/adapters/fhir/out/scripted_fhir_server.h"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace gallery::fhir_out::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

class ScriptedFhirServer::Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(ScriptedFhirServer& server, asio::ip::tcp::socket socket)
      : server_(server), stream_(std::move(socket)) {}

  void Read() {
    request_ = {};
    http::async_read(stream_, buffer_, request_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (!ec) self->Answer();
                     });
  }

 private:
  void Answer() {
    SeenRequest seen{std::string(request_.method_string()), std::string(request_.target()),
                     request_.body()};
    int number = 0;
    {
      std::lock_guard lock(server_.mu_);
      server_.seen_.push_back(seen);
      number = static_cast<int>(server_.seen_.size());
    }
    const ScriptedAnswer answer = server_.script_(seen, number);
    if (answer.drop) {
      beast::error_code ignored;
      stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
      stream_.close();
      return;
    }
    response_ = {static_cast<http::status>(answer.status), 11};
    response_.set(http::field::content_type, "application/fhir+json");
    if (!answer.retry_after.empty()) response_.set(http::field::retry_after, answer.retry_after);
    response_.body() = answer.body;
    response_.keep_alive(true);
    response_.prepare_payload();
    http::async_write(stream_, response_,
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        if (!ec) self->Read();
                      });
  }

  ScriptedFhirServer& server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
};

ScriptedFhirServer::ScriptedFhirServer(Script script)
    : script_(std::move(script)),
      acceptor_(io_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
  port_ = acceptor_.local_endpoint().port();
  Accept();
  thread_ = std::thread([this] { io_.run(); });
}

ScriptedFhirServer::~ScriptedFhirServer() {
  io_.stop();
  thread_.join();
}

void ScriptedFhirServer::Accept() {
  acceptor_.async_accept([this](beast::error_code ec, asio::ip::tcp::socket socket) {
    if (ec) return;
    {
      std::lock_guard lock(mu_);
      ++connections_;
    }
    std::make_shared<Connection>(*this, std::move(socket))->Read();
    Accept();
  });
}

std::vector<SeenRequest> ScriptedFhirServer::seen() const {
  std::lock_guard lock(mu_);
  return seen_;
}

int ScriptedFhirServer::connections() const {
  std::lock_guard lock(mu_);
  return connections_;
}

}  // namespace gallery::fhir_out::testing
