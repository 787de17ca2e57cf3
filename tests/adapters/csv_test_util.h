// Helpers shared by the CSV adapter tests: where test data lives and how to read it.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace gallery::csv::test_util {

// Byte-exact upstream fixtures (see tests/testdata/csv/upstream/SOURCES.md).
inline std::string UpstreamPath(const std::string& name) {
  return std::string(GALLERY_SOURCE_DIR) + "/tests/testdata/csv/upstream/" + name;
}

// This project's own small CSV inputs and mappings.
inline std::string TestDataPath(const std::string& name) {
  return std::string(GALLERY_SOURCE_DIR) + "/tests/testdata/csv/" + name;
}

inline std::string SourcePath(const std::string& relative) {
  return std::string(GALLERY_SOURCE_DIR) + "/" + relative;
}

inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "cannot open " << path;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace gallery::csv::test_util
