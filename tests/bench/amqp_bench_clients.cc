#include "tests/bench/amqp_bench_clients.h"

#include <sys/time.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <string_view>

namespace gallery::bench {
namespace {

// The bench's own headers: the phase, the sequence number and the send time (steady clock),
// read by the consumers; the body is the record's bytes, as e2e_bench publishes them.
constexpr const char* kPhaseHeader = "bench-phase";
constexpr const char* kSeqHeader = "bench-seq";
constexpr const char* kSentHeader = "bench-sent-ns";
constexpr uint64_t kAckBatch = 256;

amqp_bytes_t Bytes(std::string_view s) {
  return amqp_bytes_t{s.size(), const_cast<char*>(s.data())};
}

bool KeyIs(const amqp_bytes_t& key, std::string_view name) {
  return key.len == name.size() && std::memcmp(key.bytes, name.data(), name.size()) == 0;
}

timeval Timeval(std::chrono::microseconds wait) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(wait.count() / 1000000);
  tv.tv_usec = static_cast<suseconds_t>(wait.count() % 1000000);
  return tv;
}

}  // namespace

Result<std::unique_ptr<AmqpPublisher>> AmqpPublisher::Open(int port, bool persistent,
                                                           uint64_t in_flight,
                                                           Clock::time_point deadline) {
  auto session = AmqpSession::Open(port, std::chrono::seconds(10));
  if (!session.ok()) return session.status();
  if (persistent) {
    amqp_confirm_select((*session)->state(), kAmqpChannel);
    if (Status s = (*session)->LastReply("amqp: confirm.select"); !s.ok()) return s;
  }
  return std::unique_ptr<AmqpPublisher>(
      new AmqpPublisher(std::move(session).value(), persistent, in_flight, deadline));
}

AmqpPublisher::AmqpPublisher(std::unique_ptr<AmqpSession> session, bool persistent,
                             uint64_t in_flight, Clock::time_point deadline)
    : session_(std::move(session)),
      confirms_(persistent),
      window_(in_flight),
      deadline_(deadline) {}

bool AmqpPublisher::Send(Phase phase, uint64_t seq) {
  while (confirms_ && in_flight() >= window_) {
    if (Clock::now() >= deadline_) {
      error_ = "confirm window still full at the hard limit";
      return false;
    }
    if (!Pump(std::chrono::milliseconds(1))) return false;
  }
  const int64_t now = NowNs();
  records_.Make(phase, seq, now).SerializeToString(&body_);
  std::array<amqp_table_entry_t, 5> headers{};
  headers[0].key = amqp_cstring_bytes(kSourceHeader);
  headers[0].value.kind = AMQP_FIELD_KIND_UTF8;
  headers[0].value.value.bytes = Bytes(kSourceAgency);
  headers[1].key = amqp_cstring_bytes(kTypeHeader);
  headers[1].value.kind = AMQP_FIELD_KIND_UTF8;
  headers[1].value.value.bytes = Bytes(kRecordType);
  headers[2].key = amqp_cstring_bytes(kPhaseHeader);
  headers[2].value.kind = AMQP_FIELD_KIND_I32;
  headers[2].value.value.i32 = static_cast<int32_t>(phase);
  headers[3].key = amqp_cstring_bytes(kSeqHeader);
  headers[3].value.kind = AMQP_FIELD_KIND_I64;
  headers[3].value.value.i64 = static_cast<int64_t>(seq);
  headers[4].key = amqp_cstring_bytes(kSentHeader);
  headers[4].value.kind = AMQP_FIELD_KIND_I64;
  headers[4].value.value.i64 = now;
  amqp_basic_properties_t props{};
  props._flags = AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_HEADERS_FLAG;
  props.delivery_mode = confirms_ ? 2 : 1;
  props.headers.num_entries = static_cast<int>(headers.size());
  props.headers.entries = headers.data();
  const int rc =
      amqp_basic_publish(session_->state(), kAmqpChannel, amqp_cstring_bytes(kAmqpExchange),
                         amqp_empty_bytes, 0, 0, &props, Bytes(body_));
  if (rc != AMQP_STATUS_OK) {
    error_ = std::string("basic.publish: ") + amqp_error_string2(rc);
    return false;
  }
  ++sent_;
  return true;
}

bool AmqpPublisher::Confirm(uint64_t tag, bool multiple) {
  if (tag == 0 || tag > sent_) {
    error_ = "confirm of delivery tag " + std::to_string(tag) + ", never sent";
    return false;
  }
  if (tag >= confirmed_tags_.size())
    confirmed_tags_.resize(std::max(tag + 1, 2 * confirmed_tags_.size()), false);
  const uint64_t from = multiple ? confirmed_below_ : tag;
  for (uint64_t t = from; t <= tag; ++t) {
    if (!confirmed_tags_[t]) {
      confirmed_tags_[t] = true;
      ++confirmed_;
    }
  }
  while (confirmed_below_ < confirmed_tags_.size() && confirmed_tags_[confirmed_below_]) {
    ++confirmed_below_;
  }
  return true;
}

bool AmqpPublisher::Pump(std::chrono::microseconds wait) {
  amqp_connection_state_t state = session_->state();
  timeval tv = Timeval(wait);
  // Waits for the first frame, then takes every one already read without waiting.
  for (int frames = 0; frames < 100000; ++frames) {
    amqp_frame_t frame;
    const int rc = amqp_simple_wait_frame_noblock(state, &frame, &tv);
    if (rc == AMQP_STATUS_TIMEOUT) return true;
    if (rc != AMQP_STATUS_OK) {
      error_ = std::string("reading confirms: ") + amqp_error_string2(rc);
      return false;
    }
    if (frame.frame_type == AMQP_FRAME_METHOD) {
      const amqp_method_t& m = frame.payload.method;
      if (m.id == AMQP_BASIC_ACK_METHOD) {
        const auto* ack = static_cast<const amqp_basic_ack_t*>(m.decoded);
        if (!Confirm(ack->delivery_tag, ack->multiple != 0)) return false;
      } else if (m.id == AMQP_BASIC_NACK_METHOD) {
        error_ = "the node refused a record (basic.nack)";
        return false;
      } else if (m.id == AMQP_CHANNEL_CLOSE_METHOD || m.id == AMQP_CONNECTION_CLOSE_METHOD) {
        amqp_rpc_reply_t reply{};
        reply.reply_type = AMQP_RESPONSE_SERVER_EXCEPTION;
        reply.reply = m;
        error_ = AmqpReplyStatus(reply, "publisher").ToString();
        return false;
      }
    }
    tv = timeval{};
    if (!amqp_frames_enqueued(state) && !amqp_data_in_buffer(state)) return true;
  }
  return true;
}

bool AmqpPublisher::Drain() {
  while (in_flight() > 0) {
    if (Clock::now() >= deadline_ || !Pump(std::chrono::milliseconds(1))) return false;
  }
  return true;
}

Result<std::unique_ptr<AmqpConsumer>> AmqpConsumer::Open(int port, const std::string& queue,
                                                         uint16_t prefetch,
                                                         std::unique_ptr<DeliveryTally> tally,
                                                         Clock::time_point deadline) {
  auto session = AmqpSession::Open(port, std::chrono::seconds(10));
  if (!session.ok()) return session.status();
  amqp_connection_state_t state = (*session)->state();
  amqp_basic_qos(state, kAmqpChannel, 0, prefetch, 0);
  if (Status s = (*session)->LastReply("amqp: basic.qos"); !s.ok()) return s;
  amqp_basic_consume(state, kAmqpChannel, Bytes(queue), amqp_empty_bytes, 0, /*no_ack=*/0, 0,
                     amqp_empty_table);
  if (Status s = (*session)->LastReply("amqp: basic.consume " + queue); !s.ok()) return s;
  return std::unique_ptr<AmqpConsumer>(
      new AmqpConsumer(std::move(session).value(), std::move(tally), deadline));
}

AmqpConsumer::AmqpConsumer(std::unique_ptr<AmqpSession> session,
                           std::unique_ptr<DeliveryTally> tally, Clock::time_point deadline)
    : session_(std::move(session)),
      tally_(std::move(tally)),
      deadline_(deadline),
      thread_([this] { Run(); }) {}

void AmqpConsumer::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  session_.reset();
}

void AmqpConsumer::Run() {
  amqp_connection_state_t state = session_->state();
  uint64_t unacked = 0, last_tag = 0;
  auto ack = [&]() -> bool {
    if (const int rc = amqp_basic_ack(state, kAmqpChannel, last_tag, /*multiple=*/1);
        rc != AMQP_STATUS_OK) {
      error_ = std::string("basic.ack: ") + amqp_error_string2(rc);
      return false;
    }
    tally_->Acked();
    unacked = 0;
    return true;
  };
  while (!stop_ && Clock::now() < deadline_) {
    if (unacked > 0 &&
        (unacked >= kAckBatch || (!amqp_frames_enqueued(state) && !amqp_data_in_buffer(state)))) {
      if (!ack()) return;
    }
    amqp_maybe_release_buffers(state);
    timeval tv = Timeval(std::chrono::milliseconds(50));
    amqp_envelope_t envelope;
    const amqp_rpc_reply_t reply = amqp_consume_message(state, &envelope, &tv, 0);
    if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION &&
        reply.library_error == AMQP_STATUS_TIMEOUT) {
      continue;
    }
    if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION &&
        reply.library_error == AMQP_STATUS_UNEXPECTED_STATE) {
      // A frame other than a delivery (none is expected here): read it and carry on.
      amqp_frame_t frame;
      if (amqp_simple_wait_frame_noblock(state, &frame, &tv) != AMQP_STATUS_OK) {
        error_ = "unexpected frame from the node";
        return;
      }
      continue;
    }
    if (reply.reply_type != AMQP_RESPONSE_NORMAL) {
      error_ = AmqpReplyStatus(reply, "basic.consume").ToString();
      return;
    }
    std::optional<int64_t> phase, seq, sent;
    const amqp_table_t& headers = envelope.message.properties.headers;
    if (envelope.message.properties._flags & AMQP_BASIC_HEADERS_FLAG) {
      for (int i = 0; i < headers.num_entries; ++i) {
        const amqp_table_entry_t& e = headers.entries[i];
        if (KeyIs(e.key, kPhaseHeader) && e.value.kind == AMQP_FIELD_KIND_I32)
          phase = e.value.value.i32;
        if (KeyIs(e.key, kSeqHeader) && e.value.kind == AMQP_FIELD_KIND_I64)
          seq = e.value.value.i64;
        if (KeyIs(e.key, kSentHeader) && e.value.kind == AMQP_FIELD_KIND_I64)
          sent = e.value.value.i64;
      }
    }
    last_tag = envelope.delivery_tag;
    ++unacked;
    if (phase && seq && sent && *phase >= 0 && *phase < kPhases && *seq >= 0) {
      tally_->Delivered(static_cast<Phase>(*phase), static_cast<uint64_t>(*seq), *sent);
    } else {
      tally_->Unknown();
    }
    amqp_destroy_envelope(&envelope);
  }
  if (unacked > 0) (void)ack();
}

}  // namespace gallery::bench
