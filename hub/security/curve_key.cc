#include "hub/security/curve_key.h"

#include <zmq.h>

#include <array>
#include <filesystem>
#include <fstream>

namespace gallery::security {
namespace {

constexpr size_t kKeyPrefixChars = 8;

std::string_view Trim(std::string_view s) {
  const size_t begin = s.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return {};
  const size_t end = s.find_last_not_of(" \t\r");
  return s.substr(begin, end - begin + 1);
}

}  // namespace

bool IsZ85Key(std::string_view text) {
  if (text.size() != kZ85KeyChars) return false;
  const std::string terminated(text);  // zmq_z85_decode reads up to a NUL
  std::array<uint8_t, 32> key;
  return zmq_z85_decode(key.data(), terminated.c_str()) != nullptr;
}

Result<KeyPair> NewKeyPair() {
  std::array<char, kZ85KeyChars + 1> public_key{};
  std::array<char, kZ85KeyChars + 1> secret_key{};
  if (zmq_curve_keypair(public_key.data(), secret_key.data()) != 0) {
    return Internal(std::string("cannot make a CURVE key pair: ") + zmq_strerror(zmq_errno()));
  }
  return KeyPair{public_key.data(), secret_key.data()};
}

Result<std::string> PublicKeyOf(std::string_view secret_key) {
  if (!IsZ85Key(secret_key)) return InvalidArgument("not a Z85 CURVE key (40 characters)");
  const std::string terminated(secret_key);
  std::array<char, kZ85KeyChars + 1> public_key{};
  if (zmq_curve_public(public_key.data(), terminated.c_str()) != 0) {
    return Internal(std::string("cannot derive a CURVE public key: ") +
                    zmq_strerror(zmq_errno()));
  }
  return std::string(public_key.data());
}

Result<std::string> ReadKeyFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return NotFound("key file '" + path + "' does not exist");
  std::ifstream in(path);
  if (!in.is_open()) return FailedPrecondition("cannot open key file '" + path + "'");
  std::string line;
  std::getline(in, line);
  if (in.bad()) return FailedPrecondition("cannot read key file '" + path + "'");
  const std::string_view key = Trim(line);
  if (!IsZ85Key(key)) {
    return InvalidArgument(path + ":1: expected a Z85 CURVE key (40 characters) on the first line");
  }
  return std::string(key);
}

std::string KeyPrefix(std::string_view z85_key) {
  return std::string(z85_key.substr(0, kKeyPrefixChars));
}

}  // namespace gallery::security
