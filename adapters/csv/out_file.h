// OutFile: the CSV file adapter-csv-out is filling: written as DIR/.FILE.part, synced
// before deliveries are acked, and renamed to DIR/FILE when its hour ends or it is full.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "hub/common/result.h"
#include "hub/common/status.h"

namespace gallery::csv {

struct OutFileOptions {
  std::string dir;                  // where files go; must exist
  std::string prefix;               // FILE is "<prefix>-YYYYMMDD-HH-NNN.csv" (UTC hour)
  std::vector<std::string> header;  // the header row; the first column is the record id
  size_t rows_per_file = 0;         // 0: roll only when the hour changes
};

// Not thread-safe. Time is passed in (seconds since the epoch): the caller owns the clock.
class OutFile {
 public:
  // Takes over the part file a previous run left in `options.dir` (cutting a last row torn
  // by a crash, which was never synced and so never acked) and learns its record ids; a
  // part of an earlier hour or with another header is rolled first. kUnavailable on I/O
  // errors. Blocks on I/O.
  static Result<std::unique_ptr<OutFile>> Open(OutFileOptions options, int64_t now);
  ~OutFile();

  // Appends `row` (one cell per header column, row[0] the record id), opening a part when
  // none is open. Returns false, writing nothing, when the current file has that record
  // id already (a redelivery of a delivery not acked before a crash). Not durable until
  // Sync(). kUnavailable on write errors.
  Result<bool> Append(const std::vector<std::string>& row, int64_t now);

  // Makes every appended row durable (fdatasync): only then may they be acked.
  Status Sync();

  // True when the current file must be rolled before the next Append: its hour is over
  // or it holds rows_per_file rows.
  bool RollDue(int64_t now) const;

  // Syncs and renames the current part to its final name (a part without rows is removed).
  // Callers ack what they appended before rolling. kUnavailable on failure.
  Status Roll();

  // The current part's path, or "" when none is open.
  const std::string& part_path() const { return part_path_; }
  // Files rolled by this object, in order.
  const std::vector<std::string>& rolled() const { return rolled_; }

 private:
  explicit OutFile(OutFileOptions options) : options_(std::move(options)) {}
  Status Start(int64_t now);
  Status Adopt(const std::string& part_name);

  OutFileOptions options_;
  int fd_ = -1;
  std::string part_path_;
  std::string final_path_;
  int64_t hour_ = 0;  // the UTC hour (seconds / 3600) the part belongs to
  size_t rows_ = 0;
  std::unordered_set<std::string> ids_;
  std::vector<std::string> rolled_;
};

// The length of the longest prefix of `text` made of whole CSV records (each ending with
// a line break outside quotes): what survives of a file torn mid-row. Pure.
size_t WholeRecordsLength(std::string_view text);

}  // namespace gallery::csv
