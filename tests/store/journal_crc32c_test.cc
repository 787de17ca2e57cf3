#include <gtest/gtest.h>

#include <random>
#include <string>

#include "hub/store/crc32c.h"

namespace gallery::store::crc32c {
namespace {

// RFC 3720 (iSCSI), appendix B.4, as leveldb's util/crc32c_test.cc checks them.
TEST(Crc32cTest, MatchesTheStandardVectors) {
  EXPECT_EQ(Value(std::string(32, '\0')), 0x8a9136aau);
  EXPECT_EQ(Value(std::string(32, '\xff')), 0x62a8ab43u);
  std::string ascending(32, '\0');
  std::string descending(32, '\0');
  for (int i = 0; i < 32; ++i) {
    ascending[i] = static_cast<char>(i);
    descending[i] = static_cast<char>(31 - i);
  }
  EXPECT_EQ(Value(ascending), 0x46dd794eu);
  EXPECT_EQ(Value(descending), 0x113fdb5cu);
  EXPECT_EQ(Value("123456789"), 0xe3069283u);
  EXPECT_EQ(Value(""), 0u);
}

TEST(Crc32cTest, PortableAndAcceleratedAgreeOnEveryLengthAndAlignment) {
  std::mt19937 random(42);
  std::string data(4096 + 16, '\0');
  for (char& c : data) c = static_cast<char>(random());
  for (size_t start = 0; start < 16; ++start) {
    for (size_t size : {0, 1, 7, 8, 9, 63, 64, 65, 1000, 4096}) {
      EXPECT_EQ(Extend(0, data.data() + start, size), ExtendPortable(0, data.data() + start, size))
          << "start " << start << " size " << size;
    }
  }
  std::cout << "crc32c: " << (IsAccelerated() ? "SSE4.2" : "portable") << "\n";
}

TEST(Crc32cTest, ExtendingEqualsComputingAtOnce) {
  const std::string hello = "hello ";
  const std::string world = "world";
  EXPECT_EQ(Extend(Value(hello), world.data(), world.size()), Value(hello + world));
}

TEST(Crc32cTest, MaskRoundTripsAndChangesTheValue) {
  const uint32_t crc = Value("foo");
  EXPECT_NE(Mask(crc), crc);
  EXPECT_NE(Mask(Mask(crc)), crc);
  EXPECT_EQ(Unmask(Mask(crc)), crc);
  EXPECT_EQ(Unmask(Unmask(Mask(Mask(crc)))), crc);
}

}  // namespace
}  // namespace gallery::store::crc32c
