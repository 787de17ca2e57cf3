// The CSV adapter (adapters/csv): a mapping, then the CSV it maps, separated by
// kSeparator. Without one, the whole input is tried as a mapping.
#include "adapters/csv/csv_mapping.h"
#include "adapters/csv/csv_reader.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gallery::csv;
  const std::string_view input = gallery::fuzz::AsText(data, size);
  const auto parts = gallery::fuzz::SplitMappingAndData(input);
  auto mapping = CsvMapping::Parse(parts ? parts->first : input, "m.yaml");
  if (!parts || !mapping.ok()) return 0;
  auto table = CsvTable::Parse(parts->second, "t.csv", mapping->csv_options());
  if (!table.ok()) return 0;
  auto mapper = mapping->Bind(*table);
  if (!mapper.ok()) return 0;
  for (const CsvRow& row : table->rows()) (void)mapper->MapRow(row);
  return 0;
}
