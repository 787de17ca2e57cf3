// Frames as the hub reads them off its socket: a Frame is parsed, and a Publish's record
// bytes are located in place (hub/server/publish_view). For a frame that parses (the hub
// refuses the others first), whatever PublishedRecordBytes returns must parse to the very
// record the frame holds, or the hub would journal bytes that differ from what it
// validated and routed.
#include <cstdlib>

#include "gallery/v1/wire.pb.h"
#include "hub/server/publish_view.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  gallery::fuzz::SilenceProtobufLogs();
  gallery::v1::Frame frame;
  if (!frame.ParseFromArray(data, static_cast<int>(size))) return 0;
  const auto record_bytes =
      gallery::server::PublishedRecordBytes(gallery::fuzz::AsText(data, size));
  if (!record_bytes) return 0;
  gallery::v1::Record record;
  if (!frame.has_publish() ||
      !record.ParseFromArray(record_bytes->data(), static_cast<int>(record_bytes->size())) ||
      record.SerializeAsString() != frame.publish().record().SerializeAsString()) {
    std::abort();
  }
  return 0;
}
