#include "adapters/sink/inbox_writer.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace gallery::sink {
namespace {

namespace fs = std::filesystem;

class InboxWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("gallery-inbox-test-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static v1::Deliver Delivery(uint64_t id, const std::string& record_id) {
    v1::Deliver deliver;
    deliver.set_delivery_id(id);
    deliver.mutable_record()->set_record_id(record_id);
    return deliver;
  }

  std::string Contents() const {
    std::ifstream in(dir_ / "deliveries.jsonl");
    std::stringstream out;
    out << in.rdbuf();
    return out.str();
  }

  fs::path dir_;
};

TEST_F(InboxWriterTest, ARecordAlreadyInTheInboxIsNotWrittenAgain) {
  auto writer = InboxWriter::Open(dir_.string());
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  EXPECT_TRUE(*(*writer)->Append(Delivery(1, "r1")));
  EXPECT_FALSE(*(*writer)->Append(Delivery(2, "r1")));
  ASSERT_TRUE((*writer)->Sync().ok());
  writer = InboxWriter::Open(dir_.string());
  ASSERT_TRUE(writer.ok());
  EXPECT_FALSE(*(*writer)->Append(Delivery(3, "r1")));
}

TEST_F(InboxWriterTest, ALastLineTornByACrashIsCutOffAndTheInboxOpens) {
  {
    auto writer = InboxWriter::Open(dir_.string());
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE(*(*writer)->Append(Delivery(1, "r1")));
    ASSERT_TRUE((*writer)->Sync().ok());
  }
  const std::string whole = Contents();
  { std::ofstream(dir_ / "deliveries.jsonl", std::ios::app) << R"({"delivery_id":"2","record":{"rec)"; }

  auto writer = InboxWriter::Open(dir_.string());
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  EXPECT_EQ(Contents(), whole);
  // The torn delivery was never acked, so it comes again and is written whole.
  EXPECT_TRUE(*(*writer)->Append(Delivery(2, "r2")));
  ASSERT_TRUE((*writer)->Sync().ok());
  const std::string after = Contents();
  EXPECT_EQ(std::count(after.begin(), after.end(), '\n'), 2);
}

TEST_F(InboxWriterTest, AnUnreadableWholeLineIsDataLossNamingTheLine) {
  fs::create_directories(dir_);
  { std::ofstream(dir_ / "deliveries.jsonl") << "not json\n"; }
  auto writer = InboxWriter::Open(dir_.string());
  ASSERT_FALSE(writer.ok());
  EXPECT_EQ(writer.status().code(), Code::kDataLoss);
  EXPECT_NE(writer.status().message().find("deliveries.jsonl:1"), std::string::npos);
}

}  // namespace
}  // namespace gallery::sink
