// FhirClient: sends FHIR REST interactions to the recipient's server over plain HTTP/1.1
// (Boost.Beast), keeping the connection alive between requests.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "hub/common/result.h"

namespace gallery::fhir_out {

// "http://host:port/path": where the server's resource types live ([base]/Observation).
struct BaseUrl {
  std::string host;
  uint16_t port = 80;
  std::string path;  // "" or "/fhir/r4", without a trailing '/'
};

// `url` as a BaseUrl. kInvalidArgument "--fhir-base must be http://HOST[:PORT][/PATH]"
// otherwise (https included: the recipient's server is reached over plain HTTP). Pure.
Result<BaseUrl> ParseBaseUrl(const std::string& url);

struct FhirAnswer {
  int status = 0;
  std::string body;
  std::string retry_after;  // the Retry-After header, if any
};

// Not thread-safe: one request at a time.
class FhirClient {
 public:
  FhirClient(BaseUrl base, std::chrono::milliseconds timeout);
  ~FhirClient();
  FhirClient(const FhirClient&) = delete;
  FhirClient& operator=(const FhirClient&) = delete;

  // Sends `method` [base]/`target` with `body` (application/fhir+json; none when empty)
  // and returns the server's answer, whatever its status. kUnavailable when the server
  // cannot be reached, drops the connection or does not answer within the timeout (which
  // covers connecting, sending and reading). A kept-alive connection that turns out to be
  // closed is replaced at once, once. Blocks up to twice the timeout.
  Result<FhirAnswer> Send(const std::string& method, const std::string& target,
                          const std::string& body);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gallery::fhir_out
