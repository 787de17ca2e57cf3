// InboxWriter: appends an agency's deliveries to its inbox folder as JSON lines.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <unordered_set>

#include "gallery/v1/wire.pb.h"
#include "hub/common/result.h"

namespace gallery::sink {

// Not thread-safe. Writes `<inbox>/deliveries.jsonl`, one gallery.v1.Deliver per line in
// the protobuf JSON mapping. A record id already in the inbox is not written again, so a
// redelivery after a crash between write and ack leaves one line per record.
class InboxWriter {
 public:
  // Creates the folder if needed and reads the record ids already there, cutting off a
  // last line torn by a crash (it was never synced, so never acked). kUnavailable when the
  // folder or file cannot be opened; kDataLoss when an existing whole line is unreadable.
  static Result<std::unique_ptr<InboxWriter>> Open(const std::string& inbox_dir);
  ~InboxWriter();

  // Appends `deliver` unless its record id is already in the inbox. Returns true when
  // written, false when a duplicate. Not durable until Sync().
  Result<bool> Append(const v1::Deliver& deliver);

  // Flushes and fdatasyncs the file: only then may the deliveries be acked.
  Status Sync();

  const std::string& path() const { return path_; }

 private:
  InboxWriter(std::string path, std::FILE* file, std::unordered_set<std::string> seen);

  std::string path_;
  std::FILE* file_;
  std::unordered_set<std::string> seen_;
};

}  // namespace gallery::sink
