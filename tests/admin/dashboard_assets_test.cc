// The dashboard's embedded files: found by path with their content types, served without a
// token by a real AdminServer, and every answer carrying the page's security policy.
#include "hub/admin/dashboard_assets.h"

#include <chrono>
#include <future>
#include <string>
#include <utility>  // before Boost.Asio 1.74, whose awaitable.hpp uses std::exchange unincluded

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hub/admin/admin_server.h"

namespace gallery::admin {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

TEST(DashboardAssetsTest, PageAndFilesAreFoundWithTheirContentTypes) {
  for (const char* page : {"/", "/dashboard", "/dashboard/"}) {
    auto asset = FindDashboardAsset(page);
    ASSERT_TRUE(asset.has_value()) << page;
    EXPECT_THAT(std::string(asset->content_type), StartsWith("text/html"));
    EXPECT_THAT(std::string(asset->body), HasSubstr("<title>Gallery hub"));
  }
  auto script = FindDashboardAsset("/dashboard/dashboard.js");
  ASSERT_TRUE(script.has_value());
  EXPECT_THAT(std::string(script->content_type), StartsWith("text/javascript"));
  EXPECT_THAT(std::string(script->body), HasSubstr("/admin/overview"));
  auto style = FindDashboardAsset("/dashboard/dashboard.css");
  ASSERT_TRUE(style.has_value());
  EXPECT_THAT(std::string(style->content_type), StartsWith("text/css"));
}

TEST(DashboardAssetsTest, OtherPathsAreNotAssets) {
  for (const char* path : {"/dashboard/missing.js", "/dashboardx", "/dashboard/../index.html",
                           "/index.html", "/admin/overview", "/metrics", ""}) {
    EXPECT_FALSE(FindDashboardAsset(path).has_value()) << path;
  }
}

struct Answer {
  int status = 0;
  std::string content_type;
  std::string policy;
  std::string body;
};

Answer Get(const std::string& address, const std::string& target) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  boost::asio::io_context io;
  boost::asio::ip::tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  stream.expires_after(std::chrono::seconds(5));
  const auto colon = address.rfind(':');
  stream.connect(resolver.resolve(address.substr(0, colon), address.substr(colon + 1)));
  http::request<http::empty_body> request{http::verb::get, target, 11};
  request.set(http::field::host, address);
  http::write(stream, request);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(stream, buffer, response);
  return {static_cast<int>(response.result_int()), std::string(response[http::field::content_type]),
          std::string(response["Content-Security-Policy"]), response.body()};
}

// Answers `target` through `server`, running its handlers here as the hub thread would.
Answer Fetch(AdminServer& server, const std::string& target) {
  auto answer = std::async(std::launch::async, [&] { return Get(server.address(), target); });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (answer.wait_for(std::chrono::milliseconds(5)) != std::future_status::ready &&
         std::chrono::steady_clock::now() < deadline) {
    server.RunPending();
  }
  return answer.get();
}

TEST(DashboardAssetsTest, ServedWithoutTokenUnderAPolicyThatForbidsOtherSources) {
  auto server = AdminServer::Start(
      "127.0.0.1:0",
      [](const AdminRequest& request) -> AdminResponse {
        if (auto asset = FindDashboardAsset(request.path)) {
          return {200, std::string(asset->body), std::string(asset->content_type)};
        }
        return {200, R"({"secret":true})"};
      },
      "a-token-of-at-least-16-characters");
  ASSERT_TRUE(server.ok()) << server.status().ToString();

  const Answer page = Fetch(**server, "/");
  EXPECT_EQ(page.status, 200);
  EXPECT_THAT(page.content_type, StartsWith("text/html"));
  EXPECT_THAT(page.policy, HasSubstr("default-src 'none'"));
  EXPECT_THAT(page.policy, HasSubstr("connect-src 'self'"));
  EXPECT_THAT(page.policy, Not(HasSubstr("http")));

  const Answer script = Fetch(**server, "/dashboard/dashboard.js");
  EXPECT_EQ(script.status, 200);
  EXPECT_THAT(script.content_type, StartsWith("text/javascript"));

  const Answer api = Fetch(**server, "/admin/overview");
  EXPECT_EQ(api.status, 401);
  EXPECT_THAT(api.body, Not(HasSubstr("secret")));
  EXPECT_THAT(api.policy, HasSubstr("default-src 'none'"));
}

}  // namespace
}  // namespace gallery::admin
