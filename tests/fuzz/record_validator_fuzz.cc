// Records as the hub checks them before journaling (hub/ingest/record_validator), with
// the default limits and with small ones, so the limit paths are reached too.
#include "gallery/v1/record.pb.h"
#include "hub/ingest/record_validator.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  gallery::fuzz::SilenceProtobufLogs();
  gallery::v1::Record record;
  if (!record.ParseFromArray(data, static_cast<int>(size))) return 0;
  (void)gallery::ingest::ValidateRecord(record);
  (void)gallery::ingest::ValidateRecord(record, gallery::RecordLimits{2, 3, 16});
  return 0;
}
