#include "adapters/fhir/http_server.h"

#include <spdlog/spdlog.h>

#include <array>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>

#include "adapters/common/tcp_acceptor.h"

namespace gallery::fhir {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

// One client. Requests are read and answered one after the other (no pipelining).
class HttpServer::Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(HttpServer& server, tcp::socket socket) : server_(server), stream_(std::move(socket)) {
    boost::system::error_code ec;
    const auto remote = stream_.socket().remote_endpoint(ec);
    peer_ = ec ? "?" : remote.address().to_string() + ":" + std::to_string(remote.port());
  }

  const std::string& peer() const { return peer_; }

  void Start() { Read(); }

  void Close() {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

 private:
  void Read() {
    parser_.emplace();
    parser_->body_limit(server_.options_.max_body_bytes);
    stream_.expires_after(server_.options_.request_timeout);
    auto self = shared_from_this();
    http::async_read_header(stream_, buffer_, *parser_,
                            [this, self](beast::error_code ec, size_t) { OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (closed_) return;
    // Beast checks Content-Length against the body limit as soon as the header is read.
    if (ec == http::error::body_limit) {
      Answer413();
      return;
    }
    if (ec) {
      Failed(ec);
      return;
    }
    const auto& header = parser_->get();
    if (const auto length = parser_->content_length();
        length && *length > server_.options_.max_body_bytes) {
      Answer413();
      return;
    }
    // curl and others wait for "100 Continue" before sending a large body.
    if (beast::iequals(header[http::field::expect], "100-continue")) {
      continue_.emplace(http::status::continue_, header.version());
      auto self = shared_from_this();
      http::async_write(stream_, *continue_, [this, self](beast::error_code wec, size_t) {
        if (closed_) return;
        if (wec) {
          Failed(wec);
          return;
        }
        ReadBody();
      });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    auto self = shared_from_this();
    http::async_read(stream_, buffer_, *parser_, [this, self](beast::error_code ec, size_t) {
      if (closed_) return;
      if (ec == http::error::body_limit) {
        Answer413();
      } else if (ec) {
        Failed(ec);
      } else {
        Dispatch();
      }
    });
  }

  void Failed(beast::error_code ec) {
    if (ec == beast::error::timeout) {
      spdlog::info("{}: closing: no complete request within {} ms", peer_,
                   server_.options_.request_timeout.count());
    } else if (ec != http::error::end_of_stream && ec != asio::error::eof) {
      spdlog::debug("{}: {}", peer_, ec.message());
    }
    Finish();
  }

  void Answer413() {
    HttpAnswer answer =
        RefusalAnswer(Refuse(413, "too-costly", "",
                             "the body is larger than the limit of " +
                                 std::to_string(server_.options_.max_body_bytes) + " bytes"),
                      0);
    spdlog::warn("{}: request refused (413): body over the limit", peer_);
    keep_alive_ = false;
    drain_after_write_ = true;
    Write(std::move(answer), parser_->get().version());
  }

  // After a 413 the client may still be sending its body; closing at once would reset the
  // connection and could destroy the answer before the client reads it. So stop sending,
  // read and drop what still comes, for a short while, then close.
  void Drain() {
    boost::system::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.expires_after(std::chrono::seconds(2));
    auto self = shared_from_this();
    stream_.async_read_some(asio::buffer(scratch_), [this, self](beast::error_code rec, size_t) {
      if (closed_) return;
      if (rec) {
        Finish();
        return;
      }
      Drain();
    });
  }

  void Dispatch() {
    const auto& request = parser_->get();
    keep_alive_ = request.keep_alive();
    const unsigned version = request.version();
    // Waiting for the hub is bounded by the bridge's confirm timeout, not this one.
    stream_.expires_never();
    auto self = shared_from_this();
    server_.handler_.Handle(std::string(request.method_string()), std::string(request.target()),
                            std::string(request[http::field::content_type]), request.body(), peer_,
                            [this, self, version](HttpAnswer answer) {
                              if (closed_) return;
                              Write(std::move(answer), version);
                            });
  }

  void Write(HttpAnswer answer, unsigned version) {
    response_.emplace(static_cast<http::status>(answer.status), version);
    response_->set(http::field::server, "gallery-adapter-fhir");
    response_->set(http::field::content_type, "application/fhir+json; charset=utf-8");
    if (!answer.location.empty()) response_->set(http::field::location, answer.location);
    if (answer.retry_after_seconds > 0) {
      response_->set(http::field::retry_after, std::to_string(answer.retry_after_seconds));
    }
    response_->body() = std::move(answer.body);
    response_->keep_alive(keep_alive_);
    response_->prepare_payload();
    stream_.expires_after(server_.options_.request_timeout);
    auto self = shared_from_this();
    http::async_write(stream_, *response_, [this, self](beast::error_code ec, size_t) {
      if (closed_) return;
      if (!ec && drain_after_write_) {
        Drain();
        return;
      }
      if (ec || !keep_alive_) {
        if (ec) spdlog::debug("{}: write failed: {}", peer_, ec.message());
        Finish();
        return;
      }
      Read();
    });
  }

  void Finish() {
    Close();
    server_.connections_.erase(shared_from_this());
  }

  HttpServer& server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::empty_body>> continue_;
  std::optional<http::response<http::string_body>> response_;
  std::string peer_;
  std::array<char, 16384> scratch_{};
  bool keep_alive_ = true;
  bool drain_after_write_ = false;
  bool closed_ = false;
};

HttpServer::HttpServer(asio::io_context& io, HttpOptions options, RequestHandler& handler)
    : io_(io), options_(std::move(options)), handler_(handler), acceptor_(io) {}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Start() {
  auto port = adapters::OpenAcceptor(acceptor_, options_.host, options_.port);
  if (!port.ok()) return port.status();
  port_ = *port;
  Accept();
  return OkStatus();
}

void HttpServer::Accept() {
  acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
    if (stopped_) return;
    if (!ec) {
      auto connection = std::make_shared<Connection>(*this, std::move(socket));
      spdlog::debug("{}: connected", connection->peer());
      connections_.insert(connection);
      connection->Start();
    } else if (ec != asio::error::operation_aborted) {
      spdlog::warn("accept failed: {}", ec.message());
    }
    Accept();
  });
}

void HttpServer::Stop() {
  if (stopped_) return;
  stopped_ = true;
  boost::system::error_code ec;
  acceptor_.close(ec);
  for (const auto& connection : connections_) connection->Close();
  connections_.clear();
}

}  // namespace gallery::fhir
