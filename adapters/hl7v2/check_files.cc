#include "adapters/hl7v2/check_files.h"

#include <algorithm>

#include "adapters/csv/read_file.h"
#include "adapters/hl7v2/message_mapper.h"
#include "adapters/hl7v2/parser.h"
#include "hub/ingest/record_validator.h"

namespace gallery::hl7v2 {

int CheckFiles(const Hl7Mapping& mapping, const std::vector<std::string>& files,
               std::string& report) {
  int exit_code = 0;
  for (const std::string& file : files) {
    auto bytes = csv::ReadFileCapped(file, kMaxCheckFileBytes);
    if (!bytes.ok()) {
      report += file + ": " + bytes.status().message() + "\n";
      exit_code = 2;
      continue;
    }
    auto messages = ParseAll(*bytes);
    if (!messages.ok()) {
      report += file + ": refused: " + messages.status().message() + "\n";
      exit_code = std::max(exit_code, 1);
      continue;
    }
    size_t mapped = 0;
    for (size_t i = 0; i < messages->size(); ++i) {
      const std::string where = file + ": message " + std::to_string(i + 1);
      const Result<Message>& message = (*messages)[i];
      Result<v1::Record> record = message.ok() ? mapping.Map(*message) : message.status();
      Status valid = record.status();
      if (record.ok()) {
        if (Status hub = ingest::ValidateRecord(*record); !hub.ok()) {
          valid = InvalidArgument("message " + std::to_string(i + 1) +
                                  ": the hub would refuse the record: " + hub.message());
        }
      }
      if (!valid.ok()) {
        report += where + ": refused: " + valid.message() + "\n";
        continue;
      }
      ++mapped;
      report += where + " (" + MessageType(*message) + ", control " + ControlId(*message) +
                "): record " + record->record_id() + "\n";
    }
    const size_t refused = messages->size() - mapped;
    report += file + ": " + std::to_string(messages->size()) + " messages, " +
              std::to_string(mapped) + " mapped, " + std::to_string(refused) + " refused\n";
    if (refused > 0) exit_code = std::max(exit_code, 1);
  }
  return exit_code;
}

}  // namespace gallery::hl7v2
