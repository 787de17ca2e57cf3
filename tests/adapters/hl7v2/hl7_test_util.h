// Helpers shared by the HL7 v2 adapter tests: where test data lives, and parsing a message
// written inline.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "adapters/hl7v2/parser.h"

namespace gallery::hl7v2::test_util {

// Byte-exact upstream fixtures (see tests/testdata/hl7v2/upstream/SOURCES.md).
inline std::string UpstreamPath(const std::string& name) {
  return std::string(GALLERY_SOURCE_DIR) + "/tests/testdata/hl7v2/upstream/" + name;
}

inline std::string SourcePath(const std::string& relative) {
  return std::string(GALLERY_SOURCE_DIR) + "/" + relative;
}

// The demo region's acute hospital mapping.
inline std::string DemoMappingPath() {
  return SourcePath("deploy/demo/mappings/hl7v2/hosp-general-adt.yaml");
}

inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "cannot open " << path;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Parses `text`, which must hold exactly one message; a test failure otherwise.
inline Message ParseOne(const std::string& text) {
  auto all = ParseAll(text);
  EXPECT_TRUE(all.ok()) << all.status().ToString();
  if (!all.ok() || all->size() != 1) {
    ADD_FAILURE() << "expected one message";
    return Message();
  }
  EXPECT_TRUE(all->front().ok()) << all->front().status().ToString();
  return all->front().ok() ? std::move(all->front()).value() : Message();
}

}  // namespace gallery::hl7v2::test_util
