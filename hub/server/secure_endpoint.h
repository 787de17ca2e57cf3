// The hub endpoint's authentication: the ZAP handler and the CURVE server key, set up in the
// one order that is safe, and the agency keys read again on a reload.
#pragma once

#include <memory>

#include <zmq.hpp>

#include "hub/common/result.h"
#include "hub/config/hub_config.h"
#include "hub/security/key_table.h"
#include "hub/security/zap_handler.h"

namespace gallery::server {

// Loads the agency keys, starts the ZAP handler on `context`, makes `socket` a CURVE server
// with the hub's secret key (or, with security.allow_plaintext, leaves it plain and warns),
// and only then binds config.endpoint. kInvalidArgument for a missing or malformed key
// setting or file (naming it), kUnavailable when the endpoint cannot be bound. Blocks on
// file I/O.
Result<std::unique_ptr<security::ZapHandler>> BindSecureEndpoint(
    zmq::context_t& context, zmq::socket_t& socket, const config::HubConfig& config,
    security::ZapHandler::OnRefusal on_refusal);

// The agency keys as they are now: the config file's `public_keys` read again (when
// `running` was loaded from a file) and the key folder. The error of LoadHubConfig or
// LoadAgencyKeys otherwise; the caller keeps its table. Blocks on file I/O.
Result<std::shared_ptr<const security::KeyTable>> ReloadAgencyKeys(
    const config::HubConfig& running);

}  // namespace gallery::server
