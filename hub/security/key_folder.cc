#include "hub/security/key_folder.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "hub/security/curve_key.h"

namespace gallery::security {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kValidUntil = "valid_until:";

std::string_view Trim(std::string_view s) {
  const size_t begin = s.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return {};
  const size_t end = s.find_last_not_of(" \t\r");
  return s.substr(begin, end - begin + 1);
}

// Adds one file's key to `keys`, or its problems to `errors`.
void ReadPublicKeyFile(const fs::path& path, std::vector<AgencyKey>& keys,
                       std::vector<std::string>& errors) {
  const std::string file = path.string();
  const std::string name = path.filename().string();
  AgencyKey key;
  key.agency = name.substr(0, name.find('.'));
  key.origin = file + ":1";
  std::ifstream in(path);
  if (!in.is_open()) {
    errors.push_back(file + ": cannot open");
    return;
  }
  const size_t errors_before = errors.size();
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string_view text = Trim(line);
    const std::string where = file + ":" + std::to_string(number) + ": ";
    if (number == 1) {
      if (IsZ85Key(text)) {
        key.public_key = std::string(text);
      } else {
        errors.push_back(where + "expected a Z85 CURVE public key (40 characters)");
      }
    } else if (text.empty()) {
      continue;
    } else if (number == 2 && text.starts_with(kValidUntil)) {
      const std::string_view date = Trim(text.substr(kValidUntil.size()));
      key.refused_from = ParseValidUntil(date);
      if (!key.refused_from) errors.push_back(where + "valid_until must be a date YYYY-MM-DD");
    } else {
      errors.push_back(where + "unexpected line (expected only 'valid_until: YYYY-MM-DD' "
                               "after the key)");
    }
  }
  if (key.public_key.empty() && errors.size() == errors_before) {
    errors.push_back(file + ":1: empty key file");
  }
  if (errors.size() == errors_before) keys.push_back(std::move(key));
}

}  // namespace

Result<std::vector<AgencyKey>> LoadKeyFolder(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return NotFound("agency key folder '" + dir + "' is not a folder");
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && name.ends_with(".pub") && name.front() != '.') {
      files.push_back(entry.path());
    }
  }
  if (ec) return FailedPrecondition("cannot list agency key folder '" + dir + "': " + ec.message());
  std::sort(files.begin(), files.end());
  std::vector<AgencyKey> keys;
  std::vector<std::string> errors;
  for (const fs::path& file : files) ReadPublicKeyFile(file, keys, errors);
  if (!errors.empty()) {
    std::string joined;
    for (const std::string& error : errors) joined += (joined.empty() ? "" : "\n") + error;
    return InvalidArgument(joined);
  }
  return keys;
}

}  // namespace gallery::security
