// Conversion between the wire protocol's codes and gallery::Code (same abseil numbering).
#pragma once

#include "gallery/v1/wire.pb.h"
#include "hub/common/status.h"

namespace gallery {

// Unknown wire values become kUnknown.
inline Code FromWireCode(v1::Code code) {
  switch (code) {
    case v1::INVALID_ARGUMENT: return Code::kInvalidArgument;
    case v1::PERMISSION_DENIED: return Code::kPermissionDenied;
    case v1::RESOURCE_EXHAUSTED: return Code::kResourceExhausted;
    case v1::FAILED_PRECONDITION: return Code::kFailedPrecondition;
    case v1::UNAVAILABLE: return Code::kUnavailable;
    case v1::UNAUTHENTICATED: return Code::kUnauthenticated;
    default: return Code::kUnknown;
  }
}

// Codes without a wire equivalent travel as UNAVAILABLE: the hub's own trouble, retryable.
inline v1::Code ToWireCode(Code code) {
  switch (code) {
    case Code::kInvalidArgument: return v1::INVALID_ARGUMENT;
    case Code::kPermissionDenied: return v1::PERMISSION_DENIED;
    case Code::kResourceExhausted: return v1::RESOURCE_EXHAUSTED;
    case Code::kFailedPrecondition: return v1::FAILED_PRECONDITION;
    case Code::kUnauthenticated: return v1::UNAUTHENTICATED;
    default: return v1::UNAVAILABLE;
  }
}

}  // namespace gallery
