#include "adapters/csv/ingest_progress.h"

#include <charconv>
#include <fstream>
#include <map>
#include <sstream>

#include "adapters/csv/durable_file.h"

namespace gallery::csv {
namespace {

constexpr std::string_view kFormatLine = "gallery-csv-progress 1";

template <typename T>
bool ParseNumber(const std::string& text, T& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::string SerializeProgress(const IngestProgress& p) {
  std::ostringstream out;
  out << kFormatLine << "\n"
      << "device " << p.identity.device << "\n"
      << "inode " << p.identity.inode << "\n"
      << "size " << p.identity.size << "\n"
      << "mtime_ns " << p.identity.mtime_ns << "\n"
      << "head_hash " << p.identity.head_hash << "\n"
      << "next_row " << p.next_row << "\n"
      << "last_line " << p.last_line << "\n"
      << "rejects_bytes " << p.rejects_bytes << "\n"
      << "complete " << (p.complete ? 1 : 0) << "\n"
      << "refused_whole " << (p.refused_whole ? 1 : 0) << "\n";
  return out.str();
}

Result<IngestProgress> ParseProgress(std::string_view text, const std::string& file) {
  std::istringstream in{std::string(text)};
  std::string line;
  if (!std::getline(in, line) || line != kFormatLine) {
    return DataLoss(file + ":1: not a progress file (expected '" + std::string(kFormatLine) + "')");
  }
  std::map<std::string, std::string> values;
  for (int number = 2; std::getline(in, line); ++number) {
    const size_t space = line.find(' ');
    if (space == std::string::npos) {
      return DataLoss(file + ":" + std::to_string(number) + ": expected 'key value'");
    }
    values[line.substr(0, space)] = line.substr(space + 1);
  }
  IngestProgress p;
  int complete = 0;
  int refused = 0;
  const bool ok = ParseNumber(values["device"], p.identity.device) &&
                  ParseNumber(values["inode"], p.identity.inode) &&
                  ParseNumber(values["size"], p.identity.size) &&
                  ParseNumber(values["mtime_ns"], p.identity.mtime_ns) &&
                  ParseNumber(values["head_hash"], p.identity.head_hash) &&
                  ParseNumber(values["next_row"], p.next_row) &&
                  ParseNumber(values["last_line"], p.last_line) &&
                  ParseNumber(values["rejects_bytes"], p.rejects_bytes) &&
                  ParseNumber(values["complete"], complete) && (complete == 0 || complete == 1) &&
                  ParseNumber(values["refused_whole"], refused) && (refused == 0 || refused == 1);
  if (!ok) return DataLoss(file + ": a key is missing or not a number");
  p.complete = complete == 1;
  p.refused_whole = refused == 1;
  return p;
}

Result<IngestProgress> LoadProgress(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(path + ": no progress");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Unavailable("cannot read " + path);
  return ParseProgress(text.str(), path);
}

Status SaveProgress(const std::string& path, const IngestProgress& progress) {
  return WriteFileDurably(path, SerializeProgress(progress));
}

}  // namespace gallery::csv
