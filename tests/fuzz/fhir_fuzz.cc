// The FHIR adapter (adapters/fhir): a mapping, kSeparator, then a JSON body POSTed to the
// resource type it names (or to the base, for a Bundle). Without a separator, the whole
// input is tried as a mapping.
#include <nlohmann/json.hpp>

#include "adapters/fhir/fhir_mapping.h"
#include "adapters/fhir/json_body.h"
#include "adapters/fhir/request_mapper.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gallery::fhir;
  const std::string_view input = gallery::fuzz::AsText(data, size);
  const auto parts = gallery::fuzz::SplitMappingAndData(input);
  auto mapping = FhirMapping::Parse(parts ? parts->first : input, "m.yaml");
  if (!parts || !mapping.ok()) return 0;
  nlohmann::json body;
  if (ParseJsonBody(parts->second, body).refused()) return 0;
  std::string path = "/";
  if (body.is_object() && body.contains("resourceType") && body["resourceType"].is_string() &&
      body["resourceType"].get<std::string>() != "Bundle") {
    path += body["resourceType"].get<std::string>();
  }
  const KnownResources known = [](const std::string&) { return std::optional<KnownResource>(); };
  (void)PlanRequest(mapping->spec(), "POST", path, &body, known);
  return 0;
}
