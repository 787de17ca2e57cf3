// The byte encoding inside journal entries: varints, zigzag integers and length-prefixed
// strings, as protobuf's wire format writes them, without its message objects.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace gallery::store {

// Appends encodings to a string. Not thread-safe.
class Encoder {
 public:
  explicit Encoder(std::string& out) : out_(out) {}

  void Varint(uint64_t value) {
    char bytes[10];
    size_t n = 0;
    while (value >= 0x80) {
      bytes[n++] = static_cast<char>(value | 0x80);
      value >>= 7;
    }
    bytes[n++] = static_cast<char>(value);
    out_.append(bytes, n);
  }
  void Signed(int64_t value) {
    Varint((static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63));
  }
  void Bytes(std::string_view bytes) {
    Varint(bytes.size());
    out_.append(bytes);
  }

 private:
  std::string& out_;
};

// Reads what Encoder wrote from a view. Once a read runs past the end, every later read
// fails too and ok() is false: callers check once, at the end. Not thread-safe.
class Decoder {
 public:
  explicit Decoder(std::string_view in) : in_(in) {}

  uint64_t Varint() {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (in_.empty()) return Fail();
      const auto byte = static_cast<uint8_t>(in_.front());
      in_.remove_prefix(1);
      value |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    return Fail();
  }
  int64_t Signed() {
    const uint64_t raw = Varint();
    return static_cast<int64_t>((raw >> 1) ^ (~(raw & 1) + 1));
  }
  std::string_view Bytes() {
    const uint64_t size = Varint();
    if (!ok_ || size > in_.size()) {
      Fail();
      return {};
    }
    std::string_view bytes = in_.substr(0, size);
    in_.remove_prefix(size);
    return bytes;
  }
  // A count of items each at least one byte long: bounded by what is left, so that a
  // corrupt count cannot make the caller reserve gigabytes.
  uint64_t Count() {
    const uint64_t count = Varint();
    if (count > in_.size()) return Fail();
    return count;
  }

  bool ok() const { return ok_; }
  bool done() const { return in_.empty(); }

 private:
  uint64_t Fail() {
    ok_ = false;
    in_ = {};
    return 0;
  }

  std::string_view in_;
  bool ok_ = true;
};

}  // namespace gallery::store
