#include "hub/config/hub_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

namespace gallery::config {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

// Line numbers in the tests below refer to this document.
constexpr char kGood[] = R"(hub:
  id: demo-hub
  endpoint: "tcp://127.0.0.1:7450"
  store: state/hub.db
  rules: ../../routing-rules
  log_level: debug
delivery:
  window: 500
  heartbeat_interval_ms: 250
  session_timeout_ms: 2000
  ack_timeout_ms: 10000
limits:
  max_frame_bytes: 2097152
agencies:
  - id: gp-riverside
    name: Riverside Surgery
    kind: gp-practice
    ods: A81001
  - id: asc-county
    name: County Adult Social Care
    kind: adult-social-care
)";

// The good document with `from` (which must occur once) replaced by `to`.
std::string With(std::string_view from, std::string_view to) {
  std::string text = kGood;
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

Result<HubConfig> Parse(std::string_view yaml) {
  return ParseHubConfig(yaml, "hub.yaml", "/srv/gallery/deploy/demo");
}

// The error message of a parse expected to fail.
std::string ErrorOf(std::string_view yaml) {
  auto config = Parse(yaml);
  EXPECT_FALSE(config.ok());
  if (config.ok()) return "";
  EXPECT_EQ(config.status().code(), Code::kInvalidArgument);
  return config.status().message();
}

TEST(HubConfigTest, ParsesAGoodConfigAndResolvesPathsAgainstItsFolder) {
  auto config = Parse(kGood);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->hub_id, "demo-hub");
  EXPECT_EQ(config->endpoint, "tcp://127.0.0.1:7450");
  EXPECT_EQ(config->store_path, "/srv/gallery/deploy/demo/state/hub.db");
  EXPECT_EQ(config->rules_dir, "/srv/gallery/routing-rules");
  EXPECT_EQ(config->log_level, "debug");
  EXPECT_EQ(config->window, 500u);
  EXPECT_EQ(config->heartbeat_interval_ms, 250u);
  EXPECT_EQ(config->session_timeout_ms, 2000u);
  EXPECT_EQ(config->ack_timeout_ms, 10000u);
  EXPECT_EQ(config->max_frame_bytes, 2097152u);
  ASSERT_EQ(config->agencies.size(), 2u);
  EXPECT_EQ(config->agencies[0].id, "gp-riverside");
  EXPECT_EQ(config->agencies[0].name, "Riverside Surgery");
  EXPECT_EQ(config->agencies[0].kind, "gp-practice");
  EXPECT_EQ(config->agencies[0].ods_code, "A81001");
  EXPECT_EQ(config->agencies[1].ods_code, "");
}

TEST(HubConfigTest, AppliesDefaultsForOptionalKeys) {
  auto config = Parse(R"(hub:
  endpoint: "ipc:///run/gallery/hub.sock"
  store: /var/lib/gallery/hub.db
  rules: /etc/gallery/rules
agencies:
  - {id: asc-county, name: County, kind: adult-social-care}
)");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->hub_id, "gallery-hub");
  EXPECT_EQ(config->store_path, "/var/lib/gallery/hub.db");  // absolute paths are kept
  EXPECT_EQ(config->rules_dir, "/etc/gallery/rules");
  EXPECT_EQ(config->log_level, "info");
  EXPECT_EQ(config->log_format, "text");
  EXPECT_EQ(config->window, 1000u);
  EXPECT_EQ(config->heartbeat_interval_ms, 1000u);
  EXPECT_EQ(config->session_timeout_ms, 5000u);
  EXPECT_EQ(config->ack_timeout_ms, 30000u);
  EXPECT_EQ(config->max_frame_bytes, 1u << 20);
  EXPECT_EQ(config->store_backend, "journal");  // a plain path is the journal's directory
  EXPECT_EQ(config->store_dsn, "");
  EXPECT_EQ(config->max_delivery_attempts, 10u);
  EXPECT_EQ(config->retention_hours, 168u);
  EXPECT_EQ(config->admin_listen, "127.0.0.1:0");
}

TEST(HubConfigTest, StoreMayBeAMapNamingTheBackend) {
  auto sqlite = Parse(With("  store: state/hub.db", "  store: {backend: sqlite, path: state/hub.db}"));
  ASSERT_TRUE(sqlite.ok()) << sqlite.status().ToString();
  EXPECT_EQ(sqlite->store_backend, "sqlite");
  EXPECT_EQ(sqlite->store_path, "/srv/gallery/deploy/demo/state/hub.db");
  EXPECT_EQ(sqlite->store_dsn, "");

  auto postgres = Parse(With("  store: state/hub.db",
                             "  store:\n    backend: postgresql\n"
                             "    dsn: \"host=127.0.0.1 port=5433 dbname=gallery user=gallery\""));
  ASSERT_TRUE(postgres.ok()) << postgres.status().ToString();
  EXPECT_EQ(postgres->store_backend, "postgresql");
  EXPECT_EQ(postgres->store_dsn, "host=127.0.0.1 port=5433 dbname=gallery user=gallery");
  EXPECT_EQ(postgres->store_path, "");

  auto journal = Parse(With("  store: state/hub.db", "  store: {backend: journal, path: state/journal}"));
  ASSERT_TRUE(journal.ok()) << journal.status().ToString();
  EXPECT_EQ(journal->store_backend, "journal");
  EXPECT_EQ(journal->store_path, "/srv/gallery/deploy/demo/state/journal");

  auto plain = Parse(kGood);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->store_backend, "journal");
}

TEST(HubConfigTest, StoreMapErrorsArePositioned) {
  const auto store = [](std::string_view value) {
    return ErrorOf(With("  store: state/hub.db", std::string("  store: ") + std::string(value)));
  };
  EXPECT_EQ(store("{backend: sqlite, path: a.db, mode: wal}"),
            "hub.yaml:4:40: unknown key 'mode' (expected: backend, path, dsn, sync)");
  EXPECT_EQ(store("{backend: mysql, dsn: x}"),
            "hub.yaml:4:20: unknown store backend 'mysql' (expected one of: journal, sqlite, postgresql)");
  EXPECT_EQ(store("{backend: postgresql}"), "hub.yaml:4:3: 'store' is missing required key 'dsn'");
  EXPECT_EQ(store("{backend: sqlite}"), "hub.yaml:4:3: 'store' is missing required key 'path'");
  EXPECT_EQ(store("{backend: journal}"), "hub.yaml:4:3: 'store' is missing required key 'path'");
  EXPECT_EQ(store("{backend: journal, path: j, dsn: \"host=db\"}"),
            "hub.yaml:4:38: 'dsn' does not apply to store backend 'journal' (use 'path')");
  EXPECT_EQ(store("{path: a.db}"), "hub.yaml:4:3: 'store' is missing required key 'backend'");
  EXPECT_EQ(store("{backend: postgresql, dsn: \"\"}"),
            "hub.yaml:4:32: 'dsn' must not be empty");
  EXPECT_EQ(store("{backend: sqlite, path: a.db, dsn: \"host=db\"}"),
            "hub.yaml:4:40: 'dsn' does not apply to store backend 'sqlite' (use 'path')");
  EXPECT_EQ(store("{backend: postgresql, path: a.db, dsn: \"host=db\"}"),
            "hub.yaml:4:32: 'path' does not apply to store backend 'postgresql' (use 'dsn')");
  EXPECT_EQ(store("[a.db]"),
            "hub.yaml:4:10: 'store' must be a path or a map with keys: backend, path, dsn, sync");
  EXPECT_EQ(store("{backend: sqlite, path: a.db, sync: false}"),
            "hub.yaml:4:46: 'sync' applies only to store backend 'journal'");
  EXPECT_EQ(store("{backend: journal, path: j, sync: no}"),
            "hub.yaml:4:44: 'sync' must be true or false");
}

TEST(HubConfigTest, JournalSyncIsOnUnlessTurnedOff) {
  auto synced = Parse(kGood);
  ASSERT_TRUE(synced.ok()) << synced.status().ToString();
  EXPECT_TRUE(synced->store_sync);
  std::string unsynced_yaml = kGood;
  const std::string store_line = unsynced_yaml.substr(unsynced_yaml.find("  store:"));
  unsynced_yaml.replace(unsynced_yaml.find("  store:"), store_line.find('\n'),
                        "  store: {backend: journal, path: journal, sync: false}");
  auto unsynced = Parse(unsynced_yaml);
  ASSERT_TRUE(unsynced.ok()) << unsynced.status().ToString();
  EXPECT_FALSE(unsynced->store_sync);
}

TEST(HubConfigTest, MaxDeliveryAttemptsIsParsedAndRangeChecked) {
  auto config = Parse(With("  window: 500", "  window: 500\n  max_attempts: 3"));
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->max_delivery_attempts, 3u);
  EXPECT_EQ(ErrorOf(With("  window: 500", "  window: 500\n  max_attempts: 0")),
            "hub.yaml:9:17: 'max_attempts' must be between 1 and 1000 (got 0)");
  EXPECT_EQ(ErrorOf(With("  window: 500", "  window: 500\n  max_attempts: 1001")),
            "hub.yaml:9:17: 'max_attempts' must be between 1 and 1000 (got 1001)");
  EXPECT_TRUE(Parse(With("  window: 500", "  window: 500\n  max_attempts: 1000")).ok());
}

TEST(HubConfigTest, RetentionIsParsedAndRangeChecked) {
  auto config = Parse(std::string(kGood) + "retention:\n  payload_hours: 24\n");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->retention_hours, 24u);
  auto zero = Parse(std::string(kGood) + "retention:\n  payload_hours: 0\n");
  ASSERT_TRUE(zero.ok());
  EXPECT_EQ(zero->retention_hours, 0u);
  EXPECT_TRUE(Parse(std::string(kGood) + "retention:\n  payload_hours: 87600\n").ok());
  EXPECT_EQ(ErrorOf(std::string(kGood) + "retention:\n  payload_hours: 87601\n"),
            "hub.yaml:23:18: 'payload_hours' must be between 0 and 87600 (got 87601)");
  EXPECT_EQ(ErrorOf(std::string(kGood) + "retention:\n  payload_days: 7\n"),
            "hub.yaml:23:3: unknown key 'payload_days' (expected: payload_hours)");
  EXPECT_EQ(ErrorOf(std::string(kGood) + "retention: 7\n"),
            "hub.yaml:22:12: 'retention' must be a map");
}

TEST(HubConfigTest, AlertThresholdsAreParsedAndRangeChecked) {
  auto defaults = Parse(kGood);
  ASSERT_TRUE(defaults.ok()) << defaults.status().ToString();
  EXPECT_EQ(defaults->recipient_stalled_after_s, 900u);
  EXPECT_EQ(defaults->agency_disconnected_after_s, 900u);
  auto config = Parse(std::string(kGood) +
                      "alerts:\n  recipient_stalled_after_s: 2\n  agency_disconnected_after_s: 60\n");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->recipient_stalled_after_s, 2u);
  EXPECT_EQ(config->agency_disconnected_after_s, 60u);
  EXPECT_EQ(ErrorOf(std::string(kGood) + "alerts:\n  recipient_stalled_after_s: 0\n"),
            "hub.yaml:23:30: 'recipient_stalled_after_s' must be between 1 and 604800 (got 0)");
  EXPECT_EQ(ErrorOf(std::string(kGood) + "alerts:\n  stalled_after: 5\n"),
            "hub.yaml:23:3: unknown key 'stalled_after' (expected: recipient_stalled_after_s, "
            "agency_disconnected_after_s)");
}

TEST(HubConfigTest, AdminListenIsAnIpv4OrLocalhostAndAPort) {
  const auto admin = [](std::string_view listen) {
    return std::string(kGood) + "admin:\n  listen: \"" + std::string(listen) + "\"\n";
  };
  for (std::string_view good : {"localhost:0", "127.0.0.1:65535"}) {
    auto config = Parse(admin(good));
    ASSERT_TRUE(config.ok()) << good << ": " << config.status().ToString();
    EXPECT_EQ(config->admin_listen, good);
  }
  for (std::string_view bad : {"example.org:80", "127.0.0.1", "256.1.1.1:80", ":80",
                               "127.0.0.1:-1", "[::1]:80", "127.0.0.1:", "127.0.0.1:8o"}) {
    EXPECT_EQ(ErrorOf(admin(bad)),
              "hub.yaml:23:11: 'listen' must be <host>:<port> with an IPv4 address or "
              "'localhost' as host (got '" + std::string(bad) + "')");
  }
  EXPECT_EQ(ErrorOf(admin("127.0.0.1:65536")),
            "hub.yaml:23:11: 'listen' port must be between 0 and 65535 (got 65536)");
  EXPECT_EQ(ErrorOf(std::string(kGood) + "admin:\n  port: 80\n"),
            "hub.yaml:23:3: unknown key 'port' (expected: listen, token_file)");
}

TEST(HubConfigTest, AdminBoundBeyondLoopbackNeedsATokenFile) {
  const std::string exposed = std::string(kGood) + "admin:\n  listen: \"0.0.0.0:8080\"\n";
  EXPECT_EQ(ErrorOf(exposed),
            "hub.yaml:23:11: 'listen' is not 127.0.0.1 or localhost: set 'token_file' so that "
            "the admin API requires a bearer token");
  // Elsewhere in 127/8 counts as exposed too: only the usual loopback address is exempt.
  EXPECT_THAT(ErrorOf(std::string(kGood) + "admin:\n  listen: \"127.0.0.2:0\"\n"),
              HasSubstr("set 'token_file'"));
  auto config = Parse(exposed + "  token_file: secrets/admin.token\n");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->admin_listen, "0.0.0.0:8080");
  EXPECT_EQ(config->admin_token_file, "/srv/gallery/deploy/demo/secrets/admin.token");
  EXPECT_EQ(Parse(kGood)->admin_token_file, "");
}

TEST(HubConfigTest, InputLimitsAreParsedAndRangeChecked) {
  auto config = Parse(With("  max_frame_bytes: 2097152",
                           "  max_frame_bytes: 2097152\n  max_sections: 10\n"
                           "  max_fields_per_section: 20\n  max_string_bytes: 4096\n"
                           "  max_yaml_bytes: 65536\n  max_yaml_depth: 8\n"
                           "  max_yaml_nodes: 5000"));
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->record_limits.max_sections, 10u);
  EXPECT_EQ(config->record_limits.max_fields_per_section, 20u);
  EXPECT_EQ(config->record_limits.max_string_bytes, 4096u);
  EXPECT_EQ(config->yaml_limits.max_bytes, 65536u);
  EXPECT_EQ(config->yaml_limits.max_depth, 8);
  EXPECT_EQ(config->yaml_limits.max_nodes, 5000u);

  auto defaults = Parse(kGood);
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->record_limits.max_sections, RecordLimits{}.max_sections);
  EXPECT_EQ(defaults->yaml_limits.max_nodes, kMaxYamlNodes);

  EXPECT_EQ(ErrorOf(With("  max_frame_bytes: 2097152", "  max_frame_bytes: 2097152\n  max_sections: 0")),
            "hub.yaml:14:17: 'max_sections' must be between 1 and 100000 (got 0)");
  EXPECT_EQ(ErrorOf(With("  max_frame_bytes: 2097152", "  max_frame_bytes: 2097152\n  max_yaml_depth: 1000")),
            "hub.yaml:14:19: 'max_yaml_depth' must be between 4 and 256 (got 1000)");
  EXPECT_EQ(ErrorOf(With("  max_frame_bytes: 2097152", "  max_frame_bytes: 2097152\n  max_strings: 9")),
            "hub.yaml:14:3: unknown key 'max_strings' (expected: max_frame_bytes, max_sections, "
            "max_fields_per_section, max_string_bytes, max_yaml_bytes, max_yaml_depth, "
            "max_yaml_nodes)");
}

// Found by tests/fuzz/hub_config_fuzz.cc: yaml-cpp threw from a missing key's IsMap().
TEST(HubConfigTest, AHubWithoutAStoreIsAnErrorNotACrash) {
  EXPECT_EQ(ErrorOf("hub:\n  endpoint: \"tcp://127.0.0.1:1\"\n  rules: r\n"
                    "agencies:\n  - {id: a, name: A, kind: housing}\n"),
            "hub.yaml:1:1: 'hub' is missing required key 'store'");
}

TEST(HubConfigTest, AnAliasBombIsRefusedWithItsPosition) {
  std::string bomb = "x0: &x0 [lol]\n";
  for (int level = 1; level <= 12; ++level) {
    const std::string previous = "*x" + std::to_string(level - 1);
    bomb += "x" + std::to_string(level) + ": &x" + std::to_string(level) + " [" + previous +
            ", " + previous + ", " + previous + ", " + previous + "]\n";
  }
  EXPECT_THAT(ErrorOf(std::string(kGood) + bomb),
              HasSubstr("nodes with aliases expanded (an alias bomb?)"));
  EXPECT_THAT(ErrorOf(std::string(kGood) + bomb), ::testing::StartsWith("hub.yaml:"));
}

TEST(HubConfigTest, FindAgencyReturnsTheAgencyOrNull) {
  auto config = Parse(kGood);
  ASSERT_TRUE(config.ok());
  const Agency* agency = config->FindAgency("asc-county");
  ASSERT_NE(agency, nullptr);
  EXPECT_EQ(agency->kind, "adult-social-care");
  EXPECT_EQ(config->FindAgency("gp-hillview"), nullptr);
}

TEST(HubConfigTest, AnAgencyMayGiveAContactPoint) {
  auto config = Parse(With("    kind: adult-social-care",
                           "    kind: adult-social-care\n    contact: Duty desk, 0300 123 4000"));
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->FindAgency("asc-county")->contact, "Duty desk, 0300 123 4000");
  EXPECT_EQ(config->FindAgency("gp-riverside")->contact, "");
  EXPECT_EQ(ErrorOf(With("    kind: adult-social-care", "    kind: adult-social-care\n    contact: \"\"")),
            "hub.yaml:22:5: 'contact' must not be empty");
}

TEST(HubConfigTest, UnknownKeysAreRejectedWithPositionAndExpectedKeys) {
  EXPECT_EQ(ErrorOf(With("  log_level: debug", "  log_levle: debug")),
            "hub.yaml:6:3: unknown key 'log_levle' (expected: id, endpoint, store, rules, "
            "log_level, log_format)");
  EXPECT_EQ(ErrorOf(With("    ods: A81001", "    ods: A81001\n    odss: A81009")),
            "hub.yaml:19:5: unknown key 'odss' (expected: id, name, kind, ods, contact, "
            "public_keys)");
  EXPECT_EQ(ErrorOf(std::string(kGood) + "metrics: {}\n"),
            "hub.yaml:22:1: unknown key 'metrics' (expected: hub, delivery, limits, retention, "
            "admin, alerts, security, audit, agencies)");
}

TEST(HubConfigTest, LogFormatIsTextOrJson) {
  auto config = Parse(With("  log_level: debug", "  log_level: debug\n  log_format: json"));
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->log_format, "json");
  EXPECT_EQ(ErrorOf(With("  log_level: debug", "  log_level: debug\n  log_format: xml")),
            "hub.yaml:7:15: 'log_format' must be one of: text, json");
}

TEST(HubConfigTest, MissingRequiredKeysAreNamedWhereTheirMapStarts) {
  EXPECT_EQ(ErrorOf(With("  endpoint: \"tcp://127.0.0.1:7450\"\n", "")),
            "hub.yaml:1:1: 'hub' is missing required key 'endpoint'");
  EXPECT_EQ(ErrorOf(With("    kind: adult-social-care\n", "")),
            "hub.yaml:19:5: agency is missing required key 'kind'");
  EXPECT_EQ(ErrorOf("agencies:\n  - {id: a, name: A, kind: housing}\n"),
            "hub.yaml:1:1: missing required key 'hub'");
  const std::string no_agencies = std::string(kGood).substr(0, std::string(kGood).find("agencies"));
  EXPECT_EQ(ErrorOf(no_agencies), "hub.yaml:1:1: missing required key 'agencies'");
  EXPECT_EQ(ErrorOf(With("  store: state/hub.db", "  store:")),
            "hub.yaml:4:3: 'store' must not be empty");
}

TEST(HubConfigTest, WrongTypesAreRejected) {
  EXPECT_EQ(ErrorOf(With("  window: 500", "  window: lots")),
            "hub.yaml:8:11: 'window' must be a whole number");
  EXPECT_EQ(ErrorOf(With("  window: 500", "  window: 5.5")),
            "hub.yaml:8:11: 'window' must be a whole number");
  EXPECT_EQ(ErrorOf(With("  rules: ../../routing-rules", "  rules: [a, b]")),
            "hub.yaml:5:10: 'rules' must be a single value");
  EXPECT_EQ(ErrorOf(With("limits:\n  max_frame_bytes: 2097152", "limits: 7")),
            "hub.yaml:12:9: 'limits' must be a map");
  EXPECT_THAT(ErrorOf("hub: [1]\nagencies: none\n"),
              AllOf(HasSubstr("hub.yaml:1:6: 'hub' must be a map"),
                    HasSubstr("hub.yaml:2:11: 'agencies' must list at least one agency")));
  EXPECT_EQ(ErrorOf(With("  - id: asc-county\n    name: County Adult Social Care\n"
                         "    kind: adult-social-care\n",
                         "  - asc-county\n")),
            "hub.yaml:19:5: each agency must be a map with keys: id, name, kind, ods");
}

TEST(HubConfigTest, NumbersOutOfRangeAreRejectedNamingTheRange) {
  EXPECT_EQ(ErrorOf(With("  window: 500", "  window: 0")),
            "hub.yaml:8:11: 'window' must be between 1 and 100000 (got 0)");
  EXPECT_EQ(ErrorOf(With("  window: 500", "  window: 100001")),
            "hub.yaml:8:11: 'window' must be between 1 and 100000 (got 100001)");
  EXPECT_EQ(ErrorOf(With("  heartbeat_interval_ms: 250", "  heartbeat_interval_ms: 99")),
            "hub.yaml:9:26: 'heartbeat_interval_ms' must be between 100 and 60000 (got 99)");
  EXPECT_EQ(ErrorOf(With("  session_timeout_ms: 2000", "  session_timeout_ms: 600001")),
            "hub.yaml:10:23: 'session_timeout_ms' must be between 1 and 600000 (got 600001)");
  EXPECT_EQ(ErrorOf(With("  ack_timeout_ms: 10000", "  ack_timeout_ms: -5")),
            "hub.yaml:11:19: 'ack_timeout_ms' must be between 100 and 3600000 (got -5)");
  EXPECT_EQ(ErrorOf(With("  max_frame_bytes: 2097152", "  max_frame_bytes: 67108865")),
            "hub.yaml:13:20: 'max_frame_bytes' must be between 1024 and 67108864 "
            "(got 67108865)");
  EXPECT_EQ(ErrorOf(With("  max_frame_bytes: 2097152", "  max_frame_bytes: 99999999999999999999")),
            "hub.yaml:13:20: 'max_frame_bytes' must be a whole number");
  // The bounds themselves are allowed.
  EXPECT_TRUE(Parse(With("  max_frame_bytes: 2097152", "  max_frame_bytes: 67108864")).ok());
  EXPECT_TRUE(Parse(With("  window: 500", "  window: 1")).ok());
}

TEST(HubConfigTest, SessionTimeoutMustExceedTheHeartbeat) {
  EXPECT_EQ(ErrorOf(With("  session_timeout_ms: 2000", "  session_timeout_ms: 250")),
            "hub.yaml:10:23: 'session_timeout_ms' (250) must be greater than "
            "'heartbeat_interval_ms' (250)");
  // With the default session timeout (5000) the heartbeat is blamed.
  EXPECT_EQ(ErrorOf(With("  heartbeat_interval_ms: 250\n  session_timeout_ms: 2000",
                         "  heartbeat_interval_ms: 6000")),
            "hub.yaml:9:26: 'session_timeout_ms' (5000) must be greater than "
            "'heartbeat_interval_ms' (6000)");
}

TEST(HubConfigTest, EndpointAndLogLevelAreChecked) {
  EXPECT_EQ(ErrorOf(With("\"tcp://127.0.0.1:7450\"", "\"http://127.0.0.1:7450\"")),
            "hub.yaml:3:13: 'endpoint' must be tcp://<host>:<port> or ipc://<path>");
  EXPECT_EQ(ErrorOf(With("log_level: debug", "log_level: verbose")),
            "hub.yaml:6:14: 'log_level' must be one of: trace, debug, info, warn, error");
  EXPECT_EQ(ErrorOf(With("id: demo-hub", "id: Demo Hub")),
            "hub.yaml:2:7: hub id 'Demo Hub' must match [a-z0-9][a-z0-9-]*");
}

TEST(HubConfigTest, AgencyIdsMustBeSlugs) {
  EXPECT_EQ(ErrorOf(With("id: gp-riverside", "id: GP_Riverside")),
            "hub.yaml:15:9: agency id 'GP_Riverside' must match [a-z0-9][a-z0-9-]*");
  EXPECT_EQ(ErrorOf(With("id: gp-riverside", "id: -riverside")),
            "hub.yaml:15:9: agency id '-riverside' must match [a-z0-9][a-z0-9-]*");
}

TEST(HubConfigTest, DuplicateAgencyIdsNameTheFirstLine) {
  EXPECT_EQ(ErrorOf(With("id: asc-county", "id: gp-riverside")),
            "hub.yaml:19:9: duplicate agency id 'gp-riverside' (first defined on line 15)");
}

TEST(HubConfigTest, UnknownKindsListTheValidOnes) {
  EXPECT_EQ(ErrorOf(With("kind: adult-social-care", "kind: social-care")),
            "hub.yaml:21:11: unknown agency kind 'social-care' (expected one of: gp-practice, "
            "hospital, community-health, mental-health, adult-social-care, "
            "childrens-social-care, housing, police, education, voluntary)");
}

TEST(HubConfigTest, DuplicateAndMalformedOdsCodesAreRejected) {
  EXPECT_EQ(ErrorOf(With("    kind: adult-social-care\n",
                         "    kind: adult-social-care\n    ods: A81001\n")),
            "hub.yaml:22:10: duplicate ODS code 'A81001' (already used by 'gp-riverside' on "
            "line 18)");
  EXPECT_EQ(ErrorOf(With("ods: A81001", "ods: a81001")),
            "hub.yaml:18:10: ODS code 'a81001' must be 3 to 10 upper-case letters or digits");
}

TEST(HubConfigTest, DuplicateKeysAreRejected) {
  EXPECT_EQ(ErrorOf(With("  window: 500", "  window: 500\n  window: 600")),
            "hub.yaml:9:3: duplicate key 'window' (first on line 8)");
}

TEST(HubConfigTest, ReportsEveryErrorNotJustTheFirst) {
  std::string yaml = kGood;
  yaml.replace(yaml.find("  window: 500"), 13, "  window: 0");
  yaml.replace(yaml.find("kind: adult-social-care"), 23, "kind: nope");
  yaml.replace(yaml.find("  log_level: debug"), 18, "  colour: blue");
  const std::string message = ErrorOf(yaml);
  EXPECT_THAT(message, HasSubstr("hub.yaml:6:3: unknown key 'colour'"));
  EXPECT_THAT(message, HasSubstr("hub.yaml:8:11: 'window' must be between 1 and 100000"));
  EXPECT_THAT(message, HasSubstr("hub.yaml:21:11: unknown agency kind 'nope'"));
  EXPECT_EQ(std::count(message.begin(), message.end(), '\n'), 2);
}

TEST(HubConfigTest, SyntaxErrorsAndEmptyDocumentsHavePositions) {
  EXPECT_THAT(ErrorOf("hub:\n  id: [unclosed\n"), HasSubstr("hub.yaml:"));
  EXPECT_THAT(ErrorOf("hub:\n  id: [unclosed\n"), Not(HasSubstr("hub.yaml: ")));
  EXPECT_EQ(ErrorOf(""),
            "hub.yaml:1:1: expected a map with keys: hub, delivery, limits, retention, admin, "
            "alerts, security, audit, agencies");
  EXPECT_EQ(ErrorOf("- a\n"),
            "hub.yaml:1:1: expected a map with keys: hub, delivery, limits, retention, admin, "
            "alerts, security, audit, agencies");
}

TEST(HubConfigTest, TheAuditSubjectKeyLivesBesideTheStoreUnlessConfigured) {
  auto sqlite = Parse(With("  store: state/hub.db", "  store: {backend: sqlite, path: state/hub.db}"));
  ASSERT_TRUE(sqlite.ok()) << sqlite.status().ToString();
  EXPECT_EQ(sqlite->audit_subject_key_file, "/srv/gallery/deploy/demo/state/audit-subject.key");
  // The journal's folder is its own: the key goes beside it.
  auto journal = Parse(With("  store: state/hub.db", "  store: state/journal/"));
  ASSERT_TRUE(journal.ok()) << journal.status().ToString();
  EXPECT_EQ(journal->audit_subject_key_file, "/srv/gallery/deploy/demo/state/audit-subject.key");
  auto postgres = Parse(With("  store: state/hub.db",
                             "  store: {backend: postgresql, dsn: \"dbname=gallery\"}"));
  ASSERT_TRUE(postgres.ok()) << postgres.status().ToString();
  EXPECT_EQ(postgres->audit_subject_key_file, "/srv/gallery/deploy/demo/audit-subject.key");
  auto configured = Parse(std::string(kGood) + "audit:\n  subject_key_file: keys/subject.key\n");
  ASSERT_TRUE(configured.ok()) << configured.status().ToString();
  EXPECT_EQ(configured->audit_subject_key_file, "/srv/gallery/deploy/demo/keys/subject.key");
  EXPECT_THAT(ErrorOf(std::string(kGood) + "audit:\n  key: k\n"),
              HasSubstr("unknown key 'key' (expected: subject_key_file)"));
}

class HubConfigFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("hub_config_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_ / "deploy" / "demo");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(HubConfigFileTest, LoadResolvesRelativePathsAgainstTheFileFolder) {
  const std::filesystem::path file = dir_ / "deploy" / "demo" / "hub.yaml";
  std::ofstream(file) << kGood;
  auto config = LoadHubConfig(file.string());
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->store_path, (dir_ / "deploy" / "demo" / "state" / "hub.db").string());
  EXPECT_EQ(config->rules_dir, (dir_ / "routing-rules").string());
}

TEST_F(HubConfigFileTest, ErrorsNameTheFilePath) {
  const std::filesystem::path file = dir_ / "bad.yaml";
  std::ofstream(file) << With("  window: 500", "  window: 0");
  auto config = LoadHubConfig(file.string());
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr(file.string() + ":8:11: 'window'"));
}

TEST_F(HubConfigFileTest, MissingFileIsNotFound) {
  auto config = LoadHubConfig((dir_ / "absent.yaml").string());
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), Code::kNotFound);
  auto folder = LoadHubConfig(dir_.string());
  ASSERT_FALSE(folder.ok());
  EXPECT_EQ(folder.status().code(), Code::kFailedPrecondition);
}

TEST(HubConfigDemoTest, TheDemoRegionConfigLoads) {
  const std::string path = std::string(GALLERY_SOURCE_DIR) + "/deploy/demo/hub.yaml";
  auto config = LoadHubConfig(path);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->agencies.size(), 12u);
  ASSERT_NE(config->FindAgency("gp-hillview"), nullptr);
  EXPECT_EQ(config->FindAgency("gp-hillview")->ods_code, "A81002");
}

}  // namespace
}  // namespace gallery::config
