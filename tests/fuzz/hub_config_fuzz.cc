// The hub's config file (hub/config): any text gives a config or "file:line:col" errors.
#include "hub/config/hub_config.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)gallery::config::ParseHubConfig(gallery::fuzz::AsText(data, size), "hub.yaml",
                                        "/etc/gallery");
  return 0;
}
