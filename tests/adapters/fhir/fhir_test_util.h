// Helpers shared by the FHIR adapter tests: where test data lives, the demo mapping, and
// planning a request written inline.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "adapters/fhir/fhir_mapping.h"
#include "adapters/fhir/request_mapper.h"

namespace gallery::fhir::test_util {

inline std::string SourcePath(const std::string& relative) {
  return std::string(GALLERY_SOURCE_DIR) + "/" + relative;
}

// Byte-exact upstream fixtures (see tests/testdata/fhir/upstream/SOURCES.md).
inline std::string UpstreamPath(const std::string& name) {
  return SourcePath("tests/testdata/fhir/upstream/" + name);
}

// The demo region's hospital FHIR mapping.
inline std::string DemoMappingPath() {
  return SourcePath("deploy/demo/mappings/fhir/hosp-general-fhir.yaml");
}

inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "cannot open " << path;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline FhirMapping LoadMapping(const std::string& path) {
  auto mapping = FhirMapping::Load(path);
  EXPECT_TRUE(mapping.ok()) << mapping.status().ToString();
  if (!mapping.ok()) std::abort();
  return std::move(mapping).value();
}

// A Patient with an NHS number (test range) and the usual demographics.
inline nlohmann::json TestPatient(const std::string& id, const std::string& nhs_number) {
  return nlohmann::json::parse(R"({
    "resourceType": "Patient", "id": ")" +
                               id + R"(",
    "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": ")" +
                               nhs_number + R"("}],
    "name": [{"use": "official", "family": "Smith", "given": ["Ann", "May"]}],
    "gender": "female", "birthDate": "1945-03-12",
    "address": [{"use": "home", "line": ["1 High Street", "Lowtown"], "postalCode": "LT1 2AB"}],
    "telecom": [{"system": "email", "value": "ann@example.org"},
                {"system": "phone", "value": "01632 960001"}],
    "generalPractitioner": [{"identifier": {
        "system": "https://fhir.nhs.uk/Id/ods-organization-code", "value": "a81001"}}]
  })");
}

}  // namespace gallery::fhir::test_util
