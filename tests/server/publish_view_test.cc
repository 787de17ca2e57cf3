// The hub journals a record as its publisher serialized it only when the Publish frame
// holds nothing but the sequence and that record.
#include "hub/server/publish_view.h"

#include <gtest/gtest.h>

#include "gallery/v1/wire.pb.h"

namespace gallery::server {
namespace {

v1::Frame PublishOf(uint64_t sequence) {
  v1::Frame frame;
  frame.mutable_publish()->set_sequence(sequence);
  v1::Record& record = *frame.mutable_publish()->mutable_record();
  record.set_record_id("src:1");
  record.set_source_agency("src");
  record.add_sections()->set_heading(std::string(300, 'h'));
  return frame;
}

TEST(PublishViewTest, FindsTheRecordsBytesInAPlainPublish) {
  for (uint64_t sequence : {uint64_t{0}, uint64_t{1}, uint64_t{1} << 40}) {
    const v1::Frame frame = PublishOf(sequence);
    const std::string bytes = frame.SerializeAsString();
    const auto record = PublishedRecordBytes(bytes);
    ASSERT_TRUE(record.has_value()) << sequence;
    EXPECT_EQ(*record, frame.publish().record().SerializeAsString());
  }
}

TEST(PublishViewTest, AnEmptyRecordIsFoundEmpty) {
  v1::Frame frame;
  frame.mutable_publish()->set_sequence(3);
  frame.mutable_publish()->mutable_record();
  const auto record = PublishedRecordBytes(frame.SerializeAsString());
  ASSERT_TRUE(record.has_value());
  EXPECT_TRUE(record->empty());
}

TEST(PublishViewTest, OtherFramesAndExtraFieldsAreNotTrusted) {
  v1::Frame ack;
  ack.mutable_ack()->add_delivery_ids(1);
  EXPECT_FALSE(PublishedRecordBytes(ack.SerializeAsString()));

  const std::string publish = PublishOf(1).SerializeAsString();
  // A second Frame.publish would be merged into the first by a parser.
  std::string twice = publish;
  twice += "\x1a";  // another Frame.publish after the first
  twice += static_cast<char>(2);
  twice += "\x08\x02";
  EXPECT_FALSE(PublishedRecordBytes(twice));

  v1::Frame unknown = PublishOf(1);
  unknown.mutable_publish()->GetReflection()->MutableUnknownFields(unknown.mutable_publish())
      ->AddVarint(99, 1);
  EXPECT_FALSE(PublishedRecordBytes(unknown.SerializeAsString()));
}

TEST(PublishViewTest, CutShortOrMalformedBytesAreNotTrusted) {
  const std::string publish = PublishOf(1).SerializeAsString();
  EXPECT_FALSE(PublishedRecordBytes(publish.substr(0, publish.size() - 1)));
  EXPECT_FALSE(PublishedRecordBytes(""));
  const std::string endless_length("\x1a\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 11);
  EXPECT_FALSE(PublishedRecordBytes(endless_length));
}

}  // namespace
}  // namespace gallery::server
