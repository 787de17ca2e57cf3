#include "hub/admin/dashboard_assets.h"

namespace gallery::admin {
namespace {

constexpr std::string_view kPagePrefix = "/dashboard";

std::string_view ContentTypeOf(std::string_view name) {
  if (name.ends_with(".html")) return "text/html; charset=utf-8";
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (name.ends_with(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

}  // namespace

std::optional<DashboardAsset> FindDashboardAsset(std::string_view path) {
  std::string_view name;
  if (path == "/" || path == kPagePrefix || path == "/dashboard/") {
    name = "/index.html";
  } else if (path.starts_with(kPagePrefix) && path[kPagePrefix.size()] == '/') {
    name = path.substr(kPagePrefix.size());
  } else {
    return std::nullopt;
  }
  for (const EmbeddedFile& file : DashboardFiles()) {
    if (file.name == name) return DashboardAsset{file.body, ContentTypeOf(name)};
  }
  return std::nullopt;
}

}  // namespace gallery::admin
