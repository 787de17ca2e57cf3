// The admin API's bearer token: read from its file at start, checked on each request.
#pragma once

#include <string>
#include <string_view>

#include "hub/common/result.h"

namespace gallery::admin {

// The token in `path`, without surrounding white space. kNotFound when the file does not
// exist, kFailedPrecondition when it cannot be read, kInvalidArgument when it holds no
// token, or one shorter than 16 characters or with white space inside. Errors name the
// file, never its content. Blocks on file I/O; thread-safe.
Result<std::string> ReadTokenFile(const std::string& path);

// Whether `authorization` (an HTTP Authorization header value) is "Bearer <expected>". The
// time taken depends on the header's length only, not on where it differs from the token.
// Thread-safe.
bool BearerMatches(std::string_view authorization, std::string_view expected);

}  // namespace gallery::admin
