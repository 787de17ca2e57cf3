// A client for hubd's admin HTTP API, for hubctl.
#pragma once

#include <string>

#include "hub/common/result.h"

namespace gallery::cli {

struct AdminReply {
  int status = 0;
  std::string body;
  std::string www_authenticate;  // a 401's challenge, e.g. Bearer realm="gallery-hubd"
};

// Sends one request to the admin server at `address` ("host:port") and returns its reply,
// with "Authorization: Bearer <bearer_token>" when a token is given. kUnavailable when the
// hub cannot be reached. Blocks up to 15 s.
Result<AdminReply> CallAdmin(const std::string& address, const std::string& method,
                             const std::string& target, const std::string& bearer_token = "");

// Where hubctl reaches the admin API, and with which token.
struct AdminTarget {
  std::string address;  // host:port
  std::string token;    // empty when the API needs none
};

// The admin address and token from hubctl's options: `admin` (host:port) and `token_file`
// win; otherwise they come from the hub config at `config_path` (admin.listen,
// admin.token_file). kInvalidArgument, naming what to give, when neither says.
Result<AdminTarget> ResolveAdminTarget(const std::string& config_path, const std::string& admin,
                                       const std::string& token_file);

}  // namespace gallery::cli
