// The hub's hand-encoded Confirm and Deliver frames, single and batched, read back as the
// protobuf messages of proto/gallery/v1/wire.proto.
#include "hub/server/outgoing_frames.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gallery/v1/wire.pb.h"

namespace gallery::server {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

v1::Record SampleRecord(const std::string& id) {
  v1::Record record;
  record.set_record_id(id);
  record.set_record_type("bench.record");
  auto* field = record.add_sections()->add_fields();
  field->set_name("Notes");
  field->set_text(std::string(200, 'x'));
  return record;
}

v1::Frame Parse(std::string_view bytes) {
  v1::Frame frame;
  EXPECT_TRUE(frame.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())));
  return frame;
}

TEST(OutgoingFrameTest, ASingleConfirmIsTheSameBytesAsTheMessage) {
  OutgoingFrame out;
  out.Start(OutgoingFrame::Kind::kConfirm, false);
  out.AddConfirm(300, "src:1", true);
  v1::Frame expected;
  expected.mutable_confirm()->set_sequence(300);
  expected.mutable_confirm()->set_record_id("src:1");
  expected.mutable_confirm()->set_duplicate(true);
  EXPECT_EQ(out.Finish(), expected.SerializeAsString());
}

TEST(OutgoingFrameTest, ASingleDeliverIsTheSameBytesAsTheMessage) {
  const v1::Record record = SampleRecord("src:7");
  OutgoingFrame out;
  out.Start(OutgoingFrame::Kind::kDeliver, false);
  out.AddDeliver(17, record.SerializeAsString(), {"rule-a", "rule-b"}, true);
  v1::Frame expected;
  auto* deliver = expected.mutable_deliver();
  deliver->set_delivery_id(17);
  *deliver->mutable_record() = record;
  deliver->add_rule_ids("rule-a");
  deliver->add_rule_ids("rule-b");
  deliver->set_redelivered(true);
  EXPECT_EQ(out.Finish(), expected.SerializeAsString());
}

TEST(OutgoingFrameTest, AConfirmBatchHoldsEveryConfirmInOrder) {
  OutgoingFrame out;
  out.Start(OutgoingFrame::Kind::kConfirm, true);
  for (uint64_t sequence = 1; sequence <= 1000; ++sequence) {
    out.AddConfirm(sequence, "src:" + std::to_string(sequence), sequence % 2 == 0);
  }
  EXPECT_EQ(out.entries(), 1000u);
  const v1::Frame frame = Parse(out.Finish());
  ASSERT_TRUE(frame.has_confirm_batch());
  ASSERT_EQ(frame.confirm_batch().confirms_size(), 1000);
  const v1::Confirm& last = frame.confirm_batch().confirms(999);
  EXPECT_EQ(last.sequence(), 1000u);
  EXPECT_EQ(last.record_id(), "src:1000");
  EXPECT_TRUE(last.duplicate());
  EXPECT_FALSE(frame.confirm_batch().confirms(0).duplicate());
}

TEST(OutgoingFrameTest, ADeliverBatchHoldsEveryDeliveryWithItsRecord) {
  OutgoingFrame out;
  out.Start(OutgoingFrame::Kind::kDeliver, true);
  out.AddDeliver(1, SampleRecord("src:1").SerializeAsString(), {"r"}, false);
  out.AddDeliver(2, SampleRecord("src:2").SerializeAsString(), {}, true);
  const v1::Frame frame = Parse(out.Finish());
  ASSERT_TRUE(frame.has_deliver_batch());
  ASSERT_EQ(frame.deliver_batch().deliveries_size(), 2);
  const v1::Deliver& first = frame.deliver_batch().deliveries(0);
  EXPECT_EQ(first.delivery_id(), 1u);
  EXPECT_EQ(first.record().record_id(), "src:1");
  EXPECT_THAT(first.rule_ids(), ElementsAre("r"));
  EXPECT_FALSE(first.redelivered());
  const v1::Deliver& second = frame.deliver_batch().deliveries(1);
  EXPECT_EQ(second.record().sections(0).fields(0).text(), std::string(200, 'x'));
  EXPECT_THAT(second.rule_ids(), IsEmpty());
  EXPECT_TRUE(second.redelivered());
}

TEST(OutgoingFrameTest, StartingAgainForgetsThePreviousFrame) {
  OutgoingFrame out;
  out.Start(OutgoingFrame::Kind::kDeliver, true);
  out.AddDeliver(1, SampleRecord("src:1").SerializeAsString(), {"r"}, false);
  (void)out.Finish();
  out.Start(OutgoingFrame::Kind::kConfirm, false);
  out.AddConfirm(5, "src:5", false);
  const v1::Frame frame = Parse(out.Finish());
  ASSERT_TRUE(frame.has_confirm());
  EXPECT_EQ(frame.confirm().sequence(), 5u);
}

}  // namespace
}  // namespace gallery::server
