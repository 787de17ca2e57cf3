// Helpers for mapping tests: map inline CSV text with inline mapping YAML.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "adapters/csv/csv_mapping.h"

namespace gallery::csv::test_util {

// Maps every row of `csv` with `yaml`; an empty vector (and a test failure) when the
// mapping does not load or bind.
inline std::vector<Result<v1::Record>> MapAll(std::string_view yaml, std::string_view csv) {
  std::vector<Result<v1::Record>> out;
  auto mapping = CsvMapping::Parse(yaml, "m.yaml");
  EXPECT_TRUE(mapping.ok()) << mapping.status().ToString();
  if (!mapping.ok()) return out;
  auto table = CsvTable::Parse(csv, "t.csv", mapping->csv_options());
  EXPECT_TRUE(table.ok()) << table.status().ToString();
  if (!table.ok()) return out;
  auto mapper = mapping->Bind(*table);
  EXPECT_TRUE(mapper.ok()) << mapper.status().ToString();
  if (!mapper.ok()) return out;
  for (const CsvRow& row : table->rows()) out.push_back(mapper->MapRow(row));
  return out;
}

inline v1::Record MapOne(std::string_view yaml, std::string_view csv) {
  auto records = MapAll(yaml, csv);
  EXPECT_EQ(records.size(), 1u);
  if (records.empty() || !records[0].ok()) {
    ADD_FAILURE() << (records.empty() ? "no rows" : records[0].status().ToString());
    return {};
  }
  return records[0].value();
}

inline std::string MapError(std::string_view yaml, std::string_view csv) {
  auto records = MapAll(yaml, csv);
  EXPECT_EQ(records.size(), 1u);
  if (records.empty() || records[0].ok()) {
    ADD_FAILURE() << "expected the row to be refused";
    return "";
  }
  EXPECT_EQ(records[0].status().code(), Code::kInvalidArgument);
  return records[0].status().message();
}

}  // namespace gallery::csv::test_util
