#include "adapters/sink/inbox_writer.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <google/protobuf/util/json_util.h>

namespace gallery::sink {

Result<std::unique_ptr<InboxWriter>> InboxWriter::Open(const std::string& inbox_dir) {
  std::error_code error;
  std::filesystem::create_directories(inbox_dir, error);
  if (error) return Unavailable("cannot create inbox " + inbox_dir + ": " + error.message());
  const std::string path = inbox_dir + "/deliveries.jsonl";

  std::unordered_set<std::string> seen;
  std::ifstream existing(path);
  std::string line;
  std::streamoff whole_lines_end = 0;
  for (int number = 1; std::getline(existing, line); ++number) {
    // A last line without its newline was torn by a crash before the sync, so it was
    // never acked: it is cut off below and its delivery will come again.
    if (existing.eof()) break;
    whole_lines_end = existing.tellg();
    if (line.empty()) continue;
    v1::Deliver deliver;
    if (!google::protobuf::util::JsonStringToMessage(line, &deliver).ok()) {
      return DataLoss(path + ":" + std::to_string(number) + ": not a delivery");
    }
    seen.insert(deliver.record().record_id());
  }
  existing.close();
  const auto size = std::filesystem::file_size(path, error);
  if (!error && size > static_cast<uintmax_t>(whole_lines_end)) {
    std::filesystem::resize_file(path, static_cast<uintmax_t>(whole_lines_end), error);
    if (error) return Unavailable("cannot cut the torn last line of " + path + ": " + error.message());
  }

  std::FILE* file = std::fopen(path.c_str(), "a");
  if (file == nullptr) return Unavailable("cannot open " + path + ": " + std::strerror(errno));
  return std::unique_ptr<InboxWriter>(new InboxWriter(path, file, std::move(seen)));
}

InboxWriter::InboxWriter(std::string path, std::FILE* file, std::unordered_set<std::string> seen)
    : path_(std::move(path)), file_(file), seen_(std::move(seen)) {}

InboxWriter::~InboxWriter() { std::fclose(file_); }

Result<bool> InboxWriter::Append(const v1::Deliver& deliver) {
  if (seen_.contains(deliver.record().record_id())) return false;
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  if (!google::protobuf::util::MessageToJsonString(deliver, &json, options).ok()) {
    return Internal("cannot render delivery " + std::to_string(deliver.delivery_id()) + " as JSON");
  }
  json += '\n';
  if (std::fwrite(json.data(), 1, json.size(), file_) != json.size()) {
    return Unavailable("writing " + path_ + ": " + std::strerror(errno));
  }
  seen_.insert(deliver.record().record_id());
  return true;
}

Status InboxWriter::Sync() {
  if (std::fflush(file_) != 0 || ::fdatasync(fileno(file_)) != 0) {
    return Unavailable("syncing " + path_ + ": " + std::strerror(errno));
  }
  return OkStatus();
}

}  // namespace gallery::sink
