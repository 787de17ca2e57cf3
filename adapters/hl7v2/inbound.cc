#include "adapters/hl7v2/inbound.h"

#include <chrono>
#include <ctime>
#include <memory>
#include <utility>

#include <spdlog/spdlog.h>

#include "adapters/hl7v2/message_mapper.h"
#include "adapters/hl7v2/parser.h"
#include "hub/ingest/record_validator.h"

namespace gallery::hl7v2 {
namespace {

// For logs: control ids and facilities are not personal data, but they are untrusted;
// keep them short and printable.
std::string Printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 64)) out += (c >= 0x20 && c < 0x7F) ? c : '?';
  return out;
}

}  // namespace

Prepared PrepareMessage(const MllpMessage& message, const Hl7Mapping& mapping,
                        size_t max_message_bytes) {
  Prepared out;
  if (message.too_large) {
    out.header = ParseHeaderOnly(message.payload);
    out.reason = "message is larger than the limit of " + std::to_string(max_message_bytes) +
                 " bytes";
    return out;
  }
  auto messages = ParseAll(message.payload);
  if (!messages.ok()) {
    out.header = ParseHeaderOnly(message.payload);
    out.reason = messages.status().message();
    return out;
  }
  if (messages->size() != 1) {
    out.header = ParseHeaderOnly(message.payload);
    out.reason = "a frame must hold one message, this one holds " +
                 std::to_string(messages->size());
    return out;
  }
  Result<Message>& parsed = messages->front();
  if (!parsed.ok()) {
    out.header = ParseHeaderOnly(message.payload);
    out.reason = parsed.status().message();
    return out;
  }
  out.header = std::move(parsed).value();
  auto record = mapping.Map(*out.header);
  if (!record.ok()) {
    out.reason = record.status().message();
    return out;
  }
  if (Status valid = ingest::ValidateRecord(*record); !valid.ok()) {
    out.reason = "message " + std::to_string(out.header->number) +
                 ": the hub would refuse the record: " + valid.message();
    return out;
  }
  out.record = std::move(record).value();
  return out;
}

AckCode AckCodeFor(const Status& status) {
  switch (status.code()) {
    case Code::kOk:
      return AckCode::kAccept;
    case Code::kInvalidArgument:
    case Code::kPermissionDenied:
    case Code::kFailedPrecondition:
      return AckCode::kError;
    default:
      return AckCode::kReject;
  }
}

std::string Hl7Now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y%m%d%H%M%S+0000", &utc);
  return buffer;
}

std::string InboundHandler::NextControlId() {
  // Unique per adapter run and sortable: seconds since the epoch and a sequence, well
  // within MSH-10's 20 characters.
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  return "GA" + std::to_string(seconds) + "-" + std::to_string(++sequence_ % 1000000);
}

void InboundHandler::Handle(const MllpMessage& message, const std::string& peer,
                            std::function<void(std::string)> reply) {
  auto prepared = std::make_shared<Prepared>(PrepareMessage(message, mapping_, max_message_bytes_));
  const Message* header = prepared->header ? &*prepared->header : nullptr;
  const std::string control = header != nullptr ? Printable(ControlId(*header)) : "";
  if (!prepared->record) {
    spdlog::warn("{}: message {} refused (AE): {}", peer, control, prepared->reason);
    reply(BuildAck(header, AckCode::kError, prepared->reason, NextControlId(), Hl7Now()));
    return;
  }
  const std::string record_id = prepared->record->record_id();
  hub_.Publish(std::move(*prepared->record),
               [this, prepared, peer, control, record_id, reply = std::move(reply)](
                   const Status& status, bool duplicate) {
                 const AckCode code = AckCodeFor(status);
                 std::string reason;
                 if (code == AckCode::kAccept) {
                   spdlog::info("{}: message {} from agency {}: record {} {} (AA)", peer, control,
                                mapping_.agency(), record_id,
                                duplicate ? "was already at the hub" : "confirmed");
                 } else {
                   reason = code == AckCode::kError
                                ? "refused by the hub: " + status.ToString()
                                : "hub unavailable, send again later: " + status.ToString();
                   spdlog::warn("{}: message {}: record {} {}: {}", peer, control, record_id,
                                AckCodeName(code), status.ToString());
                 }
                 reply(BuildAck(&*prepared->header, code, reason, NextControlId(), Hl7Now()));
               });
}

}  // namespace gallery::hl7v2
