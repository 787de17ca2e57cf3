// Opening a listening TCP socket for an adapter's listener (MLLP, HTTP): the bind step
// both servers share, with the error texts operators see when it fails.
#pragma once

#include <cstdint>
#include <string>

// Boost 1.74's Asio uses std::exchange without including <utility>.
#include <utility>  // NOLINT(build/include_order)
#include <boost/asio.hpp>

#include "hub/common/result.h"

namespace gallery::adapters {

// Opens `acceptor` (not yet open) on host:port with SO_REUSEADDR, binds and listens.
// Returns the bound port (the chosen one when `port` is 0). kInvalidArgument
// "'HOST' is not an IP address"; kUnavailable "cannot listen on HOST:PORT: REASON" when the
// address cannot be bound. Call on the acceptor's io_context thread; does not block.
Result<uint16_t> OpenAcceptor(boost::asio::ip::tcp::acceptor& acceptor, const std::string& host,
                              uint16_t port);

}  // namespace gallery::adapters
