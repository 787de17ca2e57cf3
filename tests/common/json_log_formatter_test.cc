#include "hub/common/json_log_formatter.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <spdlog/details/log_msg.h>

namespace gallery {
namespace {

nlohmann::json Format(std::string_view message, spdlog::level::level_enum level) {
  spdlog::details::log_msg msg(spdlog::string_view_t("hubd"), level,
                               spdlog::string_view_t(message.data(), message.size()));
  JsonLogFormatter formatter;
  spdlog::memory_buf_t out;
  formatter.format(msg, out);
  const std::string line(out.data(), out.size());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line per message";
  return nlohmann::json::parse(line);  // throws, failing the test, when not valid JSON
}

TEST(JsonLogFormatterTest, EachLineIsOneJsonObjectWithTimeLevelLoggerAndMessage) {
  const auto line = Format("record asc:1 from asc journaled", spdlog::level::info);
  EXPECT_EQ(line["level"], "info");
  EXPECT_EQ(line["logger"], "hubd");
  EXPECT_EQ(line["message"], "record asc:1 from asc journaled");
  const std::string time = line["time"];
  ASSERT_EQ(time.size(), 27u) << time;  // 2026-11-26T18:30:00.123456Z
  EXPECT_EQ(time[10], 'T');
  EXPECT_EQ(time.back(), 'Z');
}

TEST(JsonLogFormatterTest, QuotesBackslashesAndControlCharactersAreEscaped) {
  const std::string message = "rule \"gp\\x\" failed\n\tat line 3\x01";
  EXPECT_EQ(Format(message, spdlog::level::warn)["message"], message);
}

TEST(JsonLogFormatterTest, Utf8IsKeptAndInvalidBytesBecomeReplacementCharacters) {
  EXPECT_EQ(Format("Zoë Ångström", spdlog::level::info)["message"], "Zoë Ångström");
  EXPECT_EQ(Format("bad \xff byte", spdlog::level::err)["message"], "bad \xef\xbf\xbd byte");
  EXPECT_EQ(Format("cut \xc3", spdlog::level::err)["message"], "cut \xef\xbf\xbd");
}

}  // namespace
}  // namespace gallery
