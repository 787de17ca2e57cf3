// The SDK reads Deliver and DeliverBatch frames entry by entry, as protobuf would parse them.
#include "adapters/sdk/deliver_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gallery/v1/wire.pb.h"

namespace gallery::sdk {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

v1::Deliver MakeDeliver(uint64_t id, bool redelivered) {
  v1::Deliver deliver;
  deliver.set_delivery_id(id);
  deliver.set_redelivered(redelivered);
  deliver.add_rule_ids("rule-a");
  deliver.add_rule_ids("rule-b");
  v1::Record& record = *deliver.mutable_record();
  record.set_record_id("src:" + std::to_string(id));
  auto* field = record.add_sections()->add_fields();
  field->set_name("Notes");
  field->set_text(std::string(500, 'x'));
  return deliver;
}

std::vector<Delivery> ReadAll(const std::string& bytes) {
  std::vector<Delivery> out;
  DeliverReader reader;
  EXPECT_TRUE(IsDeliveryFrame(bytes));
  if (!reader.Reset(bytes)) return out;
  Delivery delivery;
  while (reader.Next(delivery)) out.push_back(delivery);
  return out;
}

TEST(DeliverReaderTest, ReadsASingleDeliver) {
  v1::Frame frame;
  *frame.mutable_deliver() = MakeDeliver(17, true);
  const auto read = ReadAll(frame.SerializeAsString());
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0].delivery_id, 17u);
  EXPECT_TRUE(read[0].redelivered);
  EXPECT_THAT(read[0].rule_ids, ElementsAre("rule-a", "rule-b"));
  EXPECT_EQ(read[0].record.SerializeAsString(), frame.deliver().record().SerializeAsString());
}

TEST(DeliverReaderTest, ReadsEveryEntryOfABatchInOrder) {
  v1::Frame frame;
  for (uint64_t id = 1; id <= 300; ++id) {
    *frame.mutable_deliver_batch()->add_deliveries() = MakeDeliver(id, id % 3 == 0);
  }
  frame.mutable_deliver_batch()->mutable_deliveries(1)->clear_rule_ids();
  const auto read = ReadAll(frame.SerializeAsString());
  ASSERT_EQ(read.size(), 300u);
  for (uint64_t id = 1; id <= 300; ++id) {
    EXPECT_EQ(read[id - 1].delivery_id, id);
    EXPECT_EQ(read[id - 1].redelivered, id % 3 == 0);
    EXPECT_EQ(read[id - 1].record.record_id(), "src:" + std::to_string(id));
  }
  EXPECT_THAT(read[1].rule_ids, IsEmpty());  // nothing left over from the entry before
}

TEST(DeliverReaderTest, SkipsFieldsItDoesNotKnow) {
  v1::Frame frame;
  v1::Deliver& deliver = *frame.mutable_deliver_batch()->add_deliveries();
  deliver = MakeDeliver(5, false);
  auto* unknown = deliver.GetReflection()->MutableUnknownFields(&deliver);
  unknown->AddVarint(90, 7);
  unknown->AddFixed32(91, 7);
  unknown->AddFixed64(92, 7);
  unknown->AddLengthDelimited(93, "future");
  auto* batch_unknown =
      frame.GetReflection()->MutableUnknownFields(frame.mutable_deliver_batch());
  batch_unknown->AddLengthDelimited(94, "future");
  const auto read = ReadAll(frame.SerializeAsString());
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0].delivery_id, 5u);
  EXPECT_EQ(read[0].record.record_id(), "src:5");
}

TEST(DeliverReaderTest, OtherFramesAreNotDeliveries) {
  v1::Frame frame;
  frame.mutable_confirm()->set_sequence(1);
  const std::string bytes = frame.SerializeAsString();
  EXPECT_FALSE(IsDeliveryFrame(bytes));
  DeliverReader reader;
  EXPECT_FALSE(reader.Reset(bytes));
  EXPECT_FALSE(reader.Reset(""));
}

TEST(DeliverReaderTest, AMalformedEntryEndsTheFrame) {
  v1::Frame frame;
  for (uint64_t id = 1; id <= 2; ++id) {
    *frame.mutable_deliver_batch()->add_deliveries() = MakeDeliver(id, false);
  }
  std::string bytes = frame.SerializeAsString();
  DeliverReader reader;
  // Cut short: the frame's own length no longer matches.
  EXPECT_FALSE(reader.Reset(bytes.substr(0, bytes.size() - 10)));
  // A record that is not a Record: the entry, and the frame, end there.
  v1::Frame bad;
  v1::Deliver& deliver = *bad.mutable_deliver_batch()->add_deliveries();
  deliver.set_delivery_id(1);
  deliver.GetReflection()->MutableUnknownFields(&deliver)->AddLengthDelimited(2, "\xff");
  const std::string bad_bytes = bad.SerializeAsString();  // must outlive the reading
  ASSERT_TRUE(reader.Reset(bad_bytes));
  Delivery delivery;
  EXPECT_FALSE(reader.Next(delivery));
}

}  // namespace
}  // namespace gallery::sdk
