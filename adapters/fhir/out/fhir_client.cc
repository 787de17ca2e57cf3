#include "adapters/fhir/out/fhir_client.h"

#include <optional>

// Boost 1.74's Asio uses std::exchange without including <utility>.
#include <utility>  // NOLINT(build/include_order)

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "adapters/common/flag_parsing.h"

namespace gallery::fhir_out {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

constexpr size_t kMaxAnswerBytes = size_t{8} << 20;

}  // namespace

Result<BaseUrl> ParseBaseUrl(const std::string& url) {
  const Status bad = InvalidArgument("--fhir-base must be http://HOST[:PORT][/PATH]");
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) return bad;
  std::string rest = url.substr(kScheme.size());
  BaseUrl out;
  const size_t slash = rest.find('/');
  if (slash != std::string::npos) {
    out.path = rest.substr(slash);
    rest.resize(slash);
  }
  while (!out.path.empty() && out.path.back() == '/') out.path.pop_back();
  if (out.path.find_first_of("?# ") != std::string::npos) return bad;
  const size_t colon = rest.rfind(':');
  out.host = rest.substr(0, colon);
  if (colon != std::string::npos) {
    auto port = adapters::ParseNumber(rest.substr(colon + 1), 1, 65535);
    if (!port) return bad;
    out.port = static_cast<uint16_t>(*port);
  }
  if (out.host.empty() || out.host.find('@') != std::string::npos) return bad;
  return out;
}

class FhirClient::Impl {
 public:
  Impl(BaseUrl base, std::chrono::milliseconds timeout)
      : base_(std::move(base)), timeout_(timeout), stream_(io_) {}

  Result<FhirAnswer> Send(const std::string& method, const std::string& target,
                          const std::string& body) {
    http::request<http::string_body> request{http::string_to_verb(method),
                                             base_.path + "/" + target, 11};
    request.set(http::field::host, base_.host + ":" + std::to_string(base_.port));
    request.set(http::field::user_agent, "adapter-fhir-out");
    request.set(http::field::accept, "application/fhir+json");
    request.keep_alive(true);
    if (!body.empty()) {
      request.set(http::field::content_type, "application/fhir+json");
      request.body() = body;
    }
    request.prepare_payload();
    const bool reused = connected_;
    auto answer = Exchange(request);
    // A server may close an idle kept-alive connection at any time: that is no failure of
    // the request, so it goes again at once on a new connection.
    if (!answer.ok() && reused) answer = Exchange(request);
    return answer;
  }

 private:
  Result<FhirAnswer> Exchange(const http::request<http::string_body>& request) {
    beast::error_code error;
    std::optional<http::response_parser<http::string_body>> parser(std::in_place);
    parser->body_limit(kMaxAnswerBytes);
    beast::flat_buffer buffer;
    const char* step = "connect";
    auto read_done = [&](beast::error_code ec, size_t) { error = ec; };
    auto write_done = [&](beast::error_code ec, size_t) {
      error = ec;
      if (ec) return;
      step = "read the answer";
      http::async_read(stream_, buffer, *parser, read_done);
    };
    auto send = [&] {
      step = "send";
      http::async_write(stream_, request, write_done);
    };
    stream_.expires_after(timeout_);
    if (connected_) {
      send();
    } else {
      asio::ip::tcp::resolver resolver(io_);
      auto endpoints = resolver.resolve(base_.host, std::to_string(base_.port), error);
      if (error) return Unavailable("cannot resolve " + base_.host + ": " + error.message());
      stream_.async_connect(endpoints, [&](beast::error_code ec, const auto&) {
        error = ec;
        if (!ec) send();
      });
    }
    io_.restart();
    io_.run();
    if (error) {
      Close();
      return Unavailable(std::string("cannot ") + step + " to " + base_.host + ":" +
                         std::to_string(base_.port) + ": " + error.message());
    }
    connected_ = true;
    const auto& response = parser->get();
    FhirAnswer answer{static_cast<int>(response.result_int()), response.body(),
                      std::string(response[http::field::retry_after])};
    if (!response.keep_alive()) Close();
    return answer;
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    stream_.close();
    connected_ = false;
  }

  BaseUrl base_;
  std::chrono::milliseconds timeout_;
  asio::io_context io_;
  beast::tcp_stream stream_;
  bool connected_ = false;
};

FhirClient::FhirClient(BaseUrl base, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>(std::move(base), timeout)) {}
FhirClient::~FhirClient() = default;

Result<FhirAnswer> FhirClient::Send(const std::string& method, const std::string& target,
                                    const std::string& body) {
  return impl_->Send(method, target, body);
}

}  // namespace gallery::fhir_out
