// HubConfig: the hub daemon's settings and the agencies it knows, read from one YAML file.
// Parsing is strict: unknown keys, wrong types and out-of-range numbers are errors.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hub/common/agency.h"
#include "hub/common/record_limits.h"
#include "hub/common/result.h"
#include "hub/common/yaml_util.h"
#include "hub/config/security_config.h"

namespace gallery::config {

// Limits enforced by ParseHubConfig; out-of-range values are rejected, never clamped.
inline constexpr uint32_t kMinWindow = 1;
inline constexpr uint32_t kMaxWindow = 100000;
inline constexpr uint32_t kMinHeartbeatMs = 100;
inline constexpr uint32_t kMaxHeartbeatMs = 60000;
inline constexpr uint32_t kMaxSessionTimeoutMs = 600000;
inline constexpr uint32_t kMinAckTimeoutMs = 100;
inline constexpr uint32_t kMaxAckTimeoutMs = 3600000;
inline constexpr uint32_t kMinFrameBytes = 1024;
inline constexpr uint32_t kMaxFrameBytes = 64u << 20;
inline constexpr uint32_t kMaxCountLimit = 100000;     // max_sections, max_fields_per_section
inline constexpr uint32_t kMinStringBytes = 64;
inline constexpr uint32_t kMinYamlBytes = 1024;
inline constexpr uint32_t kMinYamlDepth = 4;
inline constexpr uint32_t kMaxYamlDepthLimit = 256;
inline constexpr uint32_t kMinYamlNodes = 100;
inline constexpr uint32_t kMaxYamlNodesLimit = 100000000;

// Value type; thread-compatible.
struct HubConfig {
  std::string hub_id = "gallery-hub";
  std::string endpoint;                   // required, "tcp://..." or "ipc://..."
  std::string store_backend = "journal";  // "journal" (embedded, a directory), "sqlite"
                                          // (embedded, one file) or "postgresql"
  std::string store_path;                 // journal, sqlite: required; relative paths
                                          // resolved against the config file's folder
  std::string store_dsn;                  // postgresql: libpq connection string, required
  bool store_sync = true;                 // journal: false skips fdatasync (not durable)
  std::string rules_dir;                  // required; resolved likewise
  std::string log_level = "info";         // trace|debug|info|warn|error
  std::string log_format = "text";        // text (human) or json (one object per line)
  uint32_t window = 1000;                 // default unacked deliveries in flight per
                                          // subscriber (1..100000)
  uint32_t heartbeat_interval_ms = 1000;  // 100..60000
  uint32_t session_timeout_ms = 5000;     // > heartbeat_interval_ms, <= 600000
  uint32_t ack_timeout_ms = 30000;        // 100..3600000
  // `limits:` bounds what agencies and files may send; the hub checks a frame's size
  // before parsing it, each record against `record_limits`, each rule file against
  // `yaml_limits` (the config file itself always against the defaults).
  uint32_t max_frame_bytes = 1 << 20;     // 1024..64MiB
  RecordLimits record_limits;
  YamlLimits yaml_limits;
  // A delivery sent this many times without an ack, or refused by its recipient this many
  // times, goes to the dead letters (1..1000).
  uint32_t max_delivery_attempts = 10;
  // A record's payload is purged this long after its last recipient acked it (0..87600 h);
  // the journal keeps its metadata.
  uint32_t retention_hours = 168;
  // The admin HTTP server: "host:port"; port 0 picks a free one. Loopback by default.
  std::string admin_listen = "127.0.0.1:0";
  // The secret under which the audit log pseudonymizes subjects (hub/audit), 32 bytes,
  // created at first start. Default: audit-subject.key beside the store (hub_config.cc).
  std::string audit_subject_key_file;
  // A file holding the bearer token /metrics and /admin/* require; resolved like store_path.
  // Required when admin_listen is not a loopback address.
  std::string admin_token_file;
  // `alerts:` when the hub's own alerts (/admin/overview) fire, as the Prometheus rules'
  // `for:` does: a recipient whose oldest unacked delivery is older than this is stalled;
  // an agency without a session for this long is disconnected (1..604800 s each).
  uint32_t recipient_stalled_after_s = 900;
  uint32_t agency_disconnected_after_s = 900;
  std::vector<Agency> agencies;           // at least one; ids and ODS codes unique
  // The hub's CURVE key and the agencies' public keys (`security`, `agencies[].public_keys`).
  SecurityConfig security;
  std::string file;                       // the file it was loaded from; "" when parsed

  // The agency with `id`, or nullptr. The pointer lives as long as this config, unchanged.
  const Agency* FindAgency(std::string_view id) const;
};

// Reads and parses the file at `path`; relative paths inside it are resolved against the
// file's folder. Returns kNotFound when the file does not exist, kFailedPrecondition when it
// cannot be read, otherwise as ParseHubConfig. Blocks on file I/O; thread-safe.
Result<HubConfig> LoadHubConfig(const std::string& path);

// Parses `yaml`; `file` names it in errors and `base_dir` anchors relative paths (used as
// is when empty). Returns kInvalidArgument listing every problem found, one
// "file:line:col: message" per line. Never throws; thread-safe.
Result<HubConfig> ParseHubConfig(std::string_view yaml, const std::string& file,
                                 const std::string& base_dir);

}  // namespace gallery::config
