#include "adapters/hl7v2/mllp_server.h"

#include <array>
#include <deque>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "adapters/common/tcp_acceptor.h"

namespace gallery::hl7v2 {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// A sender may send ahead of its ACKs; beyond this many unanswered messages the connection
// is not read until answers catch up, so a flood cannot exhaust memory.
constexpr size_t kMaxPendingMessages = 16;

}  // namespace

// One sender. Messages are answered strictly in arrival order: a sender that pipelines
// gets its ACKs in the order it sent.
class MllpServer::Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(MllpServer& server, tcp::socket socket)
      : server_(server),
        socket_(std::move(socket)),
        timer_(server.io_),
        decoder_(server.options_.max_message_bytes) {
    boost::system::error_code ec;
    const auto remote = socket_.remote_endpoint(ec);
    peer_ = ec ? "?" : remote.address().to_string() + ":" + std::to_string(remote.port());
  }

  const std::string& peer() const { return peer_; }

  void Start() {
    last_read_ = std::chrono::steady_clock::now();
    Read();
    ArmTimer();
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    timer_.cancel();
  }

 private:
  void Read() {
    reading_ = true;
    auto self = shared_from_this();
    socket_.async_read_some(asio::buffer(buffer_), [this, self](boost::system::error_code ec,
                                                                size_t n) {
      if (closed_) return;
      if (ec) {
        if (ec != asio::error::eof) spdlog::debug("{}: read failed: {}", peer_, ec.message());
        Finish();
        return;
      }
      last_read_ = std::chrono::steady_clock::now();
      std::vector<MllpMessage> messages;
      decoder_.Feed(std::string_view(buffer_.data(), n), messages);
      for (auto& m : messages) pending_.push_back(std::move(m));
      Next();
      if (pending_.size() < kMaxPendingMessages) {
        Read();
      } else {
        reading_ = false;
      }
    });
  }

  // Answers the oldest message if none is being answered.
  void Next() {
    if (busy_ || pending_.empty() || closed_) return;
    busy_ = true;
    MllpMessage message = std::move(pending_.front());
    pending_.pop_front();
    auto self = shared_from_this();
    server_.handler_.Handle(message, peer_, [this, self](std::string ack) {
      if (closed_) return;
      outgoing_ = MllpFrame(ack);
      asio::async_write(socket_, asio::buffer(outgoing_),
                        [this, self](boost::system::error_code ec, size_t) {
                          if (closed_) return;
                          if (ec) {
                            spdlog::debug("{}: write failed: {}", peer_, ec.message());
                            Finish();
                            return;
                          }
                          busy_ = false;
                          last_read_ = std::chrono::steady_clock::now();
                          Next();
                          if (!reading_ && pending_.size() < kMaxPendingMessages) Read();
                        });
    });
  }

  // The timeout applies to a silent sender, not to one waiting for our answer.
  void ArmTimer() {
    auto self = shared_from_this();
    timer_.expires_at(last_read_ + server_.options_.read_timeout);
    timer_.async_wait([this, self](boost::system::error_code ec) {
      if (ec || closed_) return;
      const auto idle = std::chrono::steady_clock::now() - last_read_;
      if (!busy_ && pending_.empty() && idle >= server_.options_.read_timeout) {
        spdlog::info("{}: closing after {} ms without data{}", peer_,
                     server_.options_.read_timeout.count(),
                     decoder_.in_message() ? " (in the middle of a message)" : "");
        Finish();
        return;
      }
      if (busy_) last_read_ = std::chrono::steady_clock::now();
      ArmTimer();
    });
  }

  void Finish() {
    Close();
    server_.connections_.erase(shared_from_this());
  }

  MllpServer& server_;
  tcp::socket socket_;
  asio::steady_timer timer_;
  MllpDecoder decoder_;
  std::string peer_;
  std::array<char, 16384> buffer_{};
  std::deque<MllpMessage> pending_;
  std::string outgoing_;
  std::chrono::steady_clock::time_point last_read_;
  bool busy_ = false;     // an answer is being prepared or written
  bool reading_ = false;  // a read is outstanding
  bool closed_ = false;
};

MllpServer::MllpServer(asio::io_context& io, ListenOptions options, InboundHandler& handler)
    : io_(io), options_(std::move(options)), handler_(handler), acceptor_(io) {}

MllpServer::~MllpServer() { Stop(); }

Status MllpServer::Start() {
  auto port = adapters::OpenAcceptor(acceptor_, options_.host, options_.port);
  if (!port.ok()) return port.status();
  port_ = *port;
  Accept();
  return OkStatus();
}

void MllpServer::Accept() {
  acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
    if (stopped_) return;
    if (!ec) {
      auto connection = std::make_shared<Connection>(*this, std::move(socket));
      spdlog::info("{}: connected", connection->peer());
      connections_.insert(connection);
      connection->Start();
    } else if (ec != asio::error::operation_aborted) {
      spdlog::warn("accept failed: {}", ec.message());
    }
    Accept();
  });
}

void MllpServer::Stop() {
  if (stopped_) return;
  stopped_ = true;
  boost::system::error_code ec;
  acceptor_.close(ec);
  for (const auto& connection : connections_) connection->Close();
  connections_.clear();
}

}  // namespace gallery::hl7v2
