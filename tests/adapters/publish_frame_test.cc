// The SDK's Publish frames, encoded around the record without copying it into a Frame.
#include "adapters/sdk/publish_frame.h"

#include <gtest/gtest.h>

#include "gallery/v1/wire.pb.h"

namespace gallery::sdk {
namespace {

v1::Record SampleRecord() {
  v1::Record record;
  record.set_record_id("src:1");
  record.set_source_agency("src");
  record.set_record_type("bench.record");
  record.mutable_subject()->set_nhs_number("9990000018");
  auto* field = record.add_sections()->add_fields();
  field->set_name("Notes");
  field->set_text(std::string(1000, 'x'));  // past one varint byte of length at each level
  return record;
}

v1::Frame Expected(uint64_t sequence, const v1::Record& record) {
  v1::Frame frame;
  frame.mutable_publish()->set_sequence(sequence);
  *frame.mutable_publish()->mutable_record() = record;
  return frame;
}

TEST(PublishFrameTest, IsTheSameBytesAsTheMessage) {
  const v1::Record record = SampleRecord();
  for (uint64_t sequence : {uint64_t{1}, uint64_t{127}, uint64_t{128}, uint64_t{1} << 40}) {
    EXPECT_EQ(EncodePublishFrame(sequence, record), Expected(sequence, record).SerializeAsString())
        << sequence;
  }
}

TEST(PublishFrameTest, ASequenceOfZeroIsLeftOutAsProtobufDoes) {
  const v1::Record record = SampleRecord();
  EXPECT_EQ(EncodePublishFrame(0, record), Expected(0, record).SerializeAsString());
}

TEST(PublishFrameTest, AnEmptyRecordStillTravelsAsAPresentRecord) {
  v1::Frame frame;
  ASSERT_TRUE(frame.ParseFromString(EncodePublishFrame(3, v1::Record())));
  ASSERT_TRUE(frame.has_publish());
  EXPECT_TRUE(frame.publish().has_record());
  EXPECT_EQ(frame.publish().sequence(), 3u);
}

}  // namespace
}  // namespace gallery::sdk
