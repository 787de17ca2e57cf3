#include "adapters/sdk/publish_frame.h"

#include <google/protobuf/io/coded_stream.h>

namespace gallery::sdk {
namespace {

using google::protobuf::io::CodedOutputStream;

// Tags from proto/gallery/v1/wire.proto: Frame.publish = 3, Publish.sequence = 1 (varint),
// Publish.record = 2 (length-delimited).
constexpr uint32_t kFramePublishTag = (3 << 3) | 2;
constexpr uint32_t kPublishSequenceTag = (1 << 3) | 0;
constexpr uint32_t kPublishRecordTag = (2 << 3) | 2;

}  // namespace

std::string EncodePublishFrame(uint64_t sequence, const v1::Record& record) {
  const size_t record_size = record.ByteSizeLong();
  // proto3: a zero sequence is not written.
  const size_t publish_size = (sequence != 0 ? 1 + CodedOutputStream::VarintSize64(sequence) : 0) +
                              1 + CodedOutputStream::VarintSize64(record_size) + record_size;
  const size_t frame_size = 1 + CodedOutputStream::VarintSize64(publish_size) + publish_size;
  std::string bytes(frame_size, '\0');
  auto* at = reinterpret_cast<uint8_t*>(bytes.data());
  at = CodedOutputStream::WriteTagToArray(kFramePublishTag, at);
  at = CodedOutputStream::WriteVarint64ToArray(publish_size, at);
  if (sequence != 0) {
    at = CodedOutputStream::WriteTagToArray(kPublishSequenceTag, at);
    at = CodedOutputStream::WriteVarint64ToArray(sequence, at);
  }
  at = CodedOutputStream::WriteTagToArray(kPublishRecordTag, at);
  at = CodedOutputStream::WriteVarint64ToArray(record_size, at);
  record.SerializeWithCachedSizesToArray(at);
  return bytes;
}

}  // namespace gallery::sdk
