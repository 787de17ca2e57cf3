// The HL7 v2 adapter (adapters/hl7v2): messages as they arrive over MLLP, parsed and, when
// the input starts with a mapping and kSeparator, mapped to records.
#include "adapters/hl7v2/hl7_mapping.h"
#include "adapters/hl7v2/parser.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gallery::hl7v2;
  const std::string_view input = gallery::fuzz::AsText(data, size);
  const auto parts = gallery::fuzz::SplitMappingAndData(input);
  auto messages = ParseAll(parts ? parts->second : input);
  if (!parts || !messages.ok()) return 0;
  auto mapping = Hl7Mapping::Parse(parts->first, "m.yaml");
  if (!mapping.ok()) return 0;
  for (const auto& message : *messages) {
    if (message.ok()) (void)mapping->Map(*message);
  }
  return 0;
}
