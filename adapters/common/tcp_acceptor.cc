#include "adapters/common/tcp_acceptor.h"

namespace gallery::adapters {

namespace asio = boost::asio;
using asio::ip::tcp;

Result<uint16_t> OpenAcceptor(tcp::acceptor& acceptor, const std::string& host, uint16_t port) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) return InvalidArgument("'" + host + "' is not an IP address");
  const tcp::endpoint endpoint(address, port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Unavailable("cannot listen on " + host + ":" + std::to_string(port) + ": " +
                       ec.message());
  }
  return acceptor.local_endpoint().port();
}

}  // namespace gallery::adapters
