// The terminal view of hubd's /admin/overview document, for hubctl status and hubctl top:
// plain text in aligned columns.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace gallery::cli {

// Renders `overview` (the document of GET /admin/overview, hub/README.md). `colour` marks
// alerts by severity with ANSI colours, for a terminal only. Missing or mistyped fields
// show as empty or 0, never throw. Pure.
std::string RenderStatus(const nlohmann::json& overview, bool colour);

}  // namespace gallery::cli
