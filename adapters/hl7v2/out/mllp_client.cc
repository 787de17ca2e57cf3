#include "adapters/hl7v2/out/mllp_client.h"

namespace gallery::hl7v2 {

namespace asio = boost::asio;
using asio::ip::tcp;

MllpClient::MllpClient(asio::io_context& io, std::string host, uint16_t port,
                       size_t max_answer_bytes)
    : io_(io),
      host_(std::move(host)),
      port_(port),
      max_answer_bytes_(max_answer_bytes),
      socket_(io),
      timer_(io),
      decoder_(max_answer_bytes) {}

MllpClient::~MllpClient() { Close(); }

void MllpClient::Close() {
  ++generation_;
  done_ = nullptr;
  timer_.cancel();
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

void MllpClient::Exchange(std::string payload, std::chrono::milliseconds timeout,
                          std::function<void(MllpExchange)> done) {
  const uint64_t generation = ++generation_;
  done_ = std::move(done);
  outgoing_ = MllpFrame(payload);
  timer_.expires_after(timeout);
  timer_.async_wait([this, generation, timeout](const boost::system::error_code& ec) {
    if (ec || generation != generation_) return;
    Finish({false, "", "no answer within " + std::to_string(timeout.count()) + " ms"});
  });
  if (socket_.is_open()) {
    Write(generation);
  } else {
    Connect(generation);
  }
}

void MllpClient::Connect(uint64_t generation) {
  // Resolved afresh on every connect, so a system that moves is found again; a lookup is
  // short next to the retry delays.
  boost::system::error_code ec;
  tcp::resolver resolver(io_);
  const auto endpoints = resolver.resolve(host_, std::to_string(port_), ec);
  if (ec) {
    // Reported from the io loop, like every other outcome.
    asio::post(io_, [this, generation, message = ec.message()] {
      if (generation == generation_)
        Finish({false, "", "cannot resolve " + host_ + ": " + message});
    });
    return;
  }
  asio::async_connect(
      socket_, endpoints,
      [this, generation](const boost::system::error_code& error, const tcp::endpoint&) {
        if (generation != generation_) return;
        if (error) {
          Finish({false, "", "cannot connect: " + error.message()});
          return;
        }
        decoder_ = MllpDecoder(max_answer_bytes_);
        Write(generation);
      });
}

void MllpClient::Write(uint64_t generation) {
  asio::async_write(socket_, asio::buffer(outgoing_),
                    [this, generation](const boost::system::error_code& error, size_t) {
                      if (generation != generation_) return;
                      if (error) {
                        Finish({false, "", "sending failed: " + error.message()});
                        return;
                      }
                      Read(generation);
                    });
}

void MllpClient::Read(uint64_t generation) {
  socket_.async_read_some(
      asio::buffer(read_buffer_),
      [this, generation](const boost::system::error_code& error, size_t n) {
        if (generation != generation_) return;
        if (error) {
          Finish({false, "",
                  error == asio::error::eof ? "the receiver closed the connection"
                                            : "reading failed: " + error.message()});
          return;
        }
        decoder_.Feed(std::string_view(read_buffer_.data(), n), answers_);
        if (answers_.empty()) {
          Read(generation);
          return;
        }
        std::string answer = std::move(answers_.front().payload);
        answers_.clear();
        Finish({true, std::move(answer), ""});
      });
}

void MllpClient::Finish(MllpExchange result) {
  auto done = std::move(done_);
  if (result.answered) {
    ++generation_;
    timer_.cancel();
  } else {
    Close();
  }
  if (done) done(std::move(result));
}

}  // namespace gallery::hl7v2
