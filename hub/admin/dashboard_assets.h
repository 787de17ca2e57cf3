// The ops dashboard's page, style sheet and script (hub/admin/dashboard/), built into hubd
// so that the admin server serves them with nothing to install or read at run time.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace gallery::admin {

struct EmbeddedFile {
  std::string_view name;  // path under hub/admin/dashboard/ with a leading '/': "/index.html"
  std::string_view body;
};

// Every file of hub/admin/dashboard/, as built (generated: dashboard_files.cc).
std::span<const EmbeddedFile> DashboardFiles();

struct DashboardAsset {
  std::string_view body;
  std::string_view content_type;
};

// The asset an admin request path names: "/" and "/dashboard" the page, "/dashboard/NAME"
// its other files. nullopt for any other path. Thread-safe.
std::optional<DashboardAsset> FindDashboardAsset(std::string_view path);

// The Content-Security-Policy the admin server sends with every answer: the page may load
// its own script, style sheet and API answers from the hub, and nothing from elsewhere.
inline constexpr std::string_view kDashboardContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

}  // namespace gallery::admin
