#include "adapters/csv/read_file.h"

#include <filesystem>
#include <fstream>
#include <system_error>

namespace gallery::csv {

Result<std::string> ReadFileCapped(const std::string& path, size_t max_bytes) {
  std::error_code ec;
  // A directory or device would "open" as a stream and then fail or never end, so only
  // regular files are read.
  if (!std::filesystem::is_regular_file(path, ec)) {
    return NotFound(path + ": not a readable file" + (ec ? " (" + ec.message() + ")" : ""));
  }
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) return NotFound(path + ": cannot read the size (" + ec.message() + ")");
  // Checking the size first means an oversized file is refused before any allocation.
  if (size > max_bytes) {
    return InvalidArgument(path + ": larger than the limit of " + std::to_string(max_bytes) +
                           " bytes");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(path + ": cannot open");
  std::string bytes(static_cast<size_t>(size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (static_cast<std::uintmax_t>(in.gcount()) != size) {
    return DataLoss(path + ": short read (file changed while reading?)");
  }
  return bytes;
}

}  // namespace gallery::csv
