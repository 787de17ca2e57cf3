// Frames as a subscriber reads them (adapters/sdk/deliver_reader): every entry of a
// Deliver or DeliverBatch, however malformed the frame.
#include "adapters/sdk/deliver_reader.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  gallery::fuzz::SilenceProtobufLogs();
  const std::string_view frame = gallery::fuzz::AsText(data, size);
  if (!gallery::sdk::IsDeliveryFrame(frame)) return 0;
  gallery::sdk::DeliverReader reader;
  if (!reader.Reset(frame)) return 0;
  gallery::sdk::Delivery delivery;
  while (reader.Next(delivery)) {
  }
  return 0;
}
