// MllpClient: one MLLP connection to a recipient's system (Boost.Asio), carrying one
// message at a time and returning the first framed answer.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>  // Boost 1.74's Asio uses std::exchange without including <utility>
#include <vector>

#include <boost/asio.hpp>

#include "adapters/hl7v2/mllp_framing.h"

namespace gallery::hl7v2 {

struct MllpExchange {
  bool answered = false;
  std::string answer;  // answered: the first framed message that came back
  std::string error;   // otherwise: what failed ("no answer within 10000 ms", ...)
};

// Not thread-safe: use it from the thread that runs `io`. Handlers run inside io.run*().
class MllpClient {
 public:
  MllpClient(boost::asio::io_context& io, std::string host, uint16_t port, size_t max_answer_bytes);
  ~MllpClient();
  MllpClient(const MllpClient&) = delete;
  MllpClient& operator=(const MllpClient&) = delete;

  // Sends `payload` framed, connecting first when there is no connection, and calls
  // `done` once: with the first answer, or with an error when connecting, sending or
  // reading fails or no answer has come `timeout` after the call. After an error the
  // connection is closed, so the next Exchange connects afresh. One exchange at a time.
  void Exchange(std::string payload, std::chrono::milliseconds timeout,
                std::function<void(MllpExchange)> done);

  // Closes the connection (a pending exchange is abandoned without calling `done`).
  void Close();

 private:
  void Connect(uint64_t generation);
  void Write(uint64_t generation);
  void Read(uint64_t generation);
  void Finish(MllpExchange result);

  boost::asio::io_context& io_;
  std::string host_;
  uint16_t port_;
  size_t max_answer_bytes_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer timer_;
  MllpDecoder decoder_;
  std::string outgoing_;
  std::array<char, 4096> read_buffer_{};
  std::vector<MllpMessage> answers_;
  std::function<void(MllpExchange)> done_;
  // Bumped when an exchange ends, so that completions of its operations are ignored.
  uint64_t generation_ = 0;
};

}  // namespace gallery::hl7v2
