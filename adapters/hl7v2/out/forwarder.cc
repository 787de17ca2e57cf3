#include "adapters/hl7v2/out/forwarder.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>
#include <optional>

#include "adapters/hl7v2/out/ack_reader.h"
#include "adapters/hl7v2/out/obx_value.h"

namespace gallery::hl7v2 {
namespace {

// How long one turn of the MLLP side runs before the hub is looked at again: well under
// the heartbeat interval.
constexpr auto kSlice = std::chrono::milliseconds(20);

std::string NowHl7() {
  google::protobuf::Timestamp now;
  now.set_seconds(static_cast<int64_t>(std::time(nullptr)));
  return Hl7Timestamp(now);
}

sdk::ClientOptions WithWindowOfOne(sdk::ClientOptions client) {
  client.window = 1;
  return client;
}

}  // namespace

Forwarder::Forwarder(const OutArgs& args, const OutMapping& mapping, sdk::ClientOptions client,
                     const std::atomic<bool>& stop)
    : args_(args),
      mapping_(mapping),
      stop_(stop),
      subscriber_(WithWindowOfOne(std::move(client))),
      client_(io_, args.host, args.port, args.max_answer_bytes) {}

Status Forwarder::Run() {
  while (!stop_.load()) {
    if (pending_.empty()) GALLERY_RETURN_IF_ERROR(Pump(std::chrono::milliseconds(200)));
    if (pending_.empty()) continue;
    const sdk::Delivery delivery = std::move(pending_.front());
    pending_.pop_front();
    if (delivery.delivery_id <= last_acked_) {
      // Sent again by the hub after the system had it (an ack lost or overtaken).
      (void)subscriber_.Ack(delivery.delivery_id);
      continue;
    }
    // A copy queued before the hub gave the delivery up: it is a dead letter now.
    if (HubMovedOn(delivery.delivery_id)) continue;
    GALLERY_RETURN_IF_ERROR(Forward(delivery));
  }
  return OkStatus();
}

Status Forwarder::Pump(std::chrono::milliseconds timeout) {
  auto got = subscriber_.Next(timeout, incoming_);
  while (got.ok() && *got) {
    const uint64_t id = incoming_.delivery_id;
    const bool queued = std::any_of(pending_.begin(), pending_.end(),
                                    [id](const sdk::Delivery& d) { return d.delivery_id == id; });
    if (!queued) pending_.push_back(incoming_);
    got = subscriber_.Next(std::chrono::milliseconds(0), incoming_);
  }
  return got.ok() ? OkStatus() : got.status();
}

bool Forwarder::HubMovedOn(uint64_t delivery_id) const {
  return std::any_of(pending_.begin(), pending_.end(),
                     [delivery_id](const sdk::Delivery& d) { return d.delivery_id > delivery_id; });
}

Status Forwarder::Forward(const sdk::Delivery& delivery) {
  const std::string& record_id = delivery.record.record_id();
  auto message = BuildOutbound(mapping_, delivery.record, NowHl7());
  if (!message.ok()) {
    // The mapping has to change first: the hub's backoff and dead letters take it from here.
    spdlog::warn("agency {}: record {} refused: {}", args_.agency, record_id,
                 message.status().message());
    return subscriber_.Nack(delivery.delivery_id, message.status().message());
  }
  auto delay = args_.first_retry;
  for (int attempt = 1;; ++attempt) {
    std::string problem;
    auto outcome = Attempt(delivery, *message, problem);
    if (!outcome.ok()) return outcome.status();
    if (*outcome == Outcome::kAccepted) {
      (void)subscriber_.Ack(delivery.delivery_id);  // a lost ack means a resend, same control id
      last_acked_ = delivery.delivery_id;
      spdlog::info("agency {}: record {} sent as {} (control {}){}", args_.agency, record_id,
                   message->type, message->control_id,
                   attempt > 1 ? " after " + std::to_string(attempt) + " attempts" : "");
      return OkStatus();
    }
    if (*outcome == Outcome::kStopped) return OkStatus();
    if (*outcome == Outcome::kRetry) {
      spdlog::warn("agency {}: record {} (control {}) attempt {}: {}", args_.agency, record_id,
                   message->control_id, attempt, problem);
      if (args_.max_attempts > 0 && attempt >= args_.max_attempts) {
        spdlog::warn("agency {}: record {} refused to the hub after {} attempts", args_.agency,
                     record_id, attempt);
        return subscriber_.Nack(delivery.delivery_id,
                                "the receiving system did not accept it: " + problem);
      }
      outcome = Backoff(delay, delivery.delivery_id);
      if (!outcome.ok()) return outcome.status();
      delay = std::min(delay * 2, args_.max_retry);
    }
    if (*outcome == Outcome::kStopped) return OkStatus();
    if (*outcome == Outcome::kHubMovedOn) {
      spdlog::warn("agency {}: record {} (control {}) left to the hub's dead letters", args_.agency,
                   record_id, message->control_id);
      return OkStatus();
    }
  }
}

Result<Forwarder::Outcome> Forwarder::Attempt(const sdk::Delivery& delivery,
                                              const OutboundMessage& message,
                                              std::string& problem) {
  std::optional<MllpExchange> result;
  client_.Exchange(message.text, args_.ack_timeout,
                   [&result](MllpExchange exchange) { result = std::move(exchange); });
  while (!result) {
    if (stop_.load()) {
      client_.Close();
      return Outcome::kStopped;
    }
    io_.restart();
    io_.run_for(kSlice);
    GALLERY_RETURN_IF_ERROR(Pump(std::chrono::milliseconds(0)));
  }
  if (!result->answered) {
    problem = result->error;
    return Outcome::kRetry;
  }
  const AckReading ack = ReadAck(result->answer, message.control_id);
  if (ack.accepted) return Outcome::kAccepted;
  problem = ack.problem;
  spdlog::debug("agency {}: record {} (control {}): answer text: {}", args_.agency,
                delivery.record.record_id(), message.control_id, ack.detail);
  // The retry starts on a fresh connection, like after a transport failure: a receiver
  // that answered wrongly may be out of step with the stream.
  client_.Close();
  return Outcome::kRetry;
}

Result<Forwarder::Outcome> Forwarder::Backoff(std::chrono::milliseconds delay,
                                              uint64_t delivery_id) {
  const auto until = std::chrono::steady_clock::now() + delay;
  while (true) {
    if (stop_.load()) return Outcome::kStopped;
    if (HubMovedOn(delivery_id)) return Outcome::kHubMovedOn;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return Outcome::kRetry;
    GALLERY_RETURN_IF_ERROR(Pump(std::min(left, std::chrono::milliseconds(100))));
  }
}

}  // namespace gallery::hl7v2
