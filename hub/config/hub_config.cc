#include "hub/config/hub_config.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <system_error>

#include <arpa/inet.h>

#include "hub/common/yaml_util.h"

namespace gallery::config {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kLogLevels[] = {"trace", "debug", "info", "warn", "error"};
constexpr std::string_view kStoreBackends[] = {"journal", "sqlite", "postgresql"};
constexpr uint32_t kMinDeliveryAttempts = 1;
constexpr uint32_t kMaxDeliveryAttempts = 1000;
constexpr uint32_t kMaxRetentionHours = 87600;  // ten years
constexpr uint32_t kMaxPort = 65535;
constexpr uint32_t kMaxAlertAfterS = 7 * 24 * 3600;  // a week

std::string JoinNames(const auto& names) {
  std::string out;
  for (std::string_view n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

bool IsAgencyId(std::string_view id) {
  if (id.empty()) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && !(i > 0 && c == '-')) return false;
  }
  return true;
}

// ODS codes are upper case letters and digits. The router upper-cases the code a record
// carries before looking it up, so a lower-case code here would silently never match.
bool IsOdsCode(std::string_view ods) {
  if (ods.size() < 3 || ods.size() > 10) return false;
  return std::all_of(ods.begin(), ods.end(),
                     [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); });
}

// Turns one document into a HubConfig, collecting every error rather than stopping at the
// first, so that one edit-and-retry cycle fixes them all.
class Parser {
 public:
  Parser(const std::string& file, std::string base_dir)
      : errors_(file), base_dir_(std::move(base_dir)) {}

  Result<HubConfig> Parse(std::string_view yaml) {
    const YAML::Node root = ParseYaml(yaml, errors_);
    if (!errors_.empty()) return InvalidArgument(errors_.Joined());
    if (!root.IsMap()) {
      // An empty document has no position of its own; point at its start.
      errors_.Add(root.Mark().is_null() ? YAML::Mark() : root.Mark(),
                  "expected a map with keys: hub, delivery, limits, retention, admin, alerts, "
                  "security, audit, agencies");
      return InvalidArgument(errors_.Joined());
    }
    CheckKeys(root,
              {"hub", "delivery", "limits", "retention", "admin", "alerts", "security", "audit",
               "agencies"},
              errors_);
    const YAML::Mark root_mark = root.Mark();
    if (auto hub = SubMap(root, "hub", /*required=*/true, root_mark)) {
      ParseHub(*hub, KeyMark(root, "hub").value_or(root_mark));
    }
    if (auto delivery = SubMap(root, "delivery", false, root_mark)) ParseDelivery(*delivery);
    if (auto limits = SubMap(root, "limits", false, root_mark)) ParseLimits(*limits);
    if (auto retention = SubMap(root, "retention", false, root_mark)) ParseRetention(*retention);
    if (auto admin = SubMap(root, "admin", false, root_mark)) ParseAdmin(*admin);
    if (auto alerts = SubMap(root, "alerts", false, root_mark)) ParseAlerts(*alerts);
    if (auto security = SubMap(root, "security", false, root_mark)) {
      ParseSecuritySection(*security, base_dir_, errors_, config_.security);
    }
    ParseAudit(root, root_mark);
    ParseAgencies(root);
    if (!errors_.empty()) return InvalidArgument(errors_.Joined());
    return std::move(config_);
  }

 private:
  // Position of `key` within `map`, for errors about a value that is null or missing.
  static std::optional<YAML::Mark> KeyMark(const YAML::Node& map, std::string_view key) {
    for (const auto& kv : map) {
      if (kv.first.Scalar() == key) return kv.first.Mark();
    }
    return std::nullopt;
  }

  // The map under `key`, or nullopt (reporting why when it is required or not a map).
  std::optional<YAML::Node> SubMap(const YAML::Node& parent, const std::string& key, bool required,
                                   const YAML::Mark& parent_mark) {
    const YAML::Node value = parent[key];
    if (!value.IsDefined() || value.IsNull()) {
      if (required) {
        errors_.Add(KeyMark(parent, key).value_or(parent_mark),
                    "missing required key '" + key + "'");
      }
      return std::nullopt;
    }
    if (!value.IsMap()) {
      errors_.Add(value, "'" + key + "' must be a map");
      return std::nullopt;
    }
    return value;
  }

  // A scalar string; `owner` names the enclosing map in the missing-key message.
  std::optional<std::string> String(const YAML::Node& map, const std::string& key, bool required,
                                    std::string_view owner, const YAML::Mark& owner_mark) {
    const YAML::Node value = map[key];
    if (!value.IsDefined()) {
      if (required) {
        errors_.Add(owner_mark, std::string(owner) + " is missing required key '" + key + "'");
      }
      return std::nullopt;
    }
    if (!value.IsNull() && !value.IsScalar()) {
      errors_.Add(value, "'" + key + "' must be a single value");
      return std::nullopt;
    }
    if (value.IsNull() || value.Scalar().empty()) {
      errors_.Add(KeyMark(map, key).value_or(owner_mark), "'" + key + "' must not be empty");
      return std::nullopt;
    }
    return value.Scalar();
  }

  void Number(const YAML::Node& map, const std::string& key, uint32_t min, uint32_t max,
              uint32_t& out) {
    const YAML::Node value = map[key];
    if (!value.IsDefined()) return;
    if (value.IsNull() || !value.IsScalar()) {
      errors_.Add(KeyMark(map, key).value_or(value.Mark()), "'" + key + "' must be a whole number");
      return;
    }
    const std::string& text = value.Scalar();
    int64_t n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size()) {
      errors_.Add(value, "'" + key + "' must be a whole number");
      return;
    }
    if (n < min || n > max) {
      errors_.Add(value, "'" + key + "' must be between " + std::to_string(min) + " and " +
                             std::to_string(max) + " (got " + text + ")");
      return;
    }
    out = static_cast<uint32_t>(n);
  }

  // `audit.subject_key_file`; by default beside the store (its folder's parent for the
  // journal, whose folder is its own), or beside the config for PostgreSQL.
  void ParseAudit(const YAML::Node& root, const YAML::Mark& root_mark) {
    if (auto audit = SubMap(root, "audit", false, root_mark)) {
      CheckKeys(*audit, {"subject_key_file"}, errors_);
      if (auto file = String(*audit, "subject_key_file", false, "'audit'", audit->Mark())) {
        config_.audit_subject_key_file = Resolve(*file);
        return;
      }
    }
    fs::path store = fs::path(config_.store_path).lexically_normal();
    if (!store.has_filename()) store = store.parent_path();  // "journal/"
    const fs::path beside = store.empty() ? fs::path(Resolve(".")) : store.parent_path();
    config_.audit_subject_key_file = (beside / "audit-subject.key").lexically_normal().string();
  }

  std::string Resolve(const std::string& path) const {
    if (base_dir_.empty() || fs::path(path).is_absolute()) return path;
    return (fs::path(base_dir_) / path).lexically_normal().string();
  }

  // `mark` is where "hub:" is written: missing keys are reported there.
  void ParseHub(const YAML::Node& hub, const YAML::Mark& mark) {
    CheckKeys(hub, {"id", "endpoint", "store", "rules", "log_level", "log_format"}, errors_);
    if (auto id = String(hub, "id", false, "'hub'", mark)) {
      if (IsAgencyId(*id)) {
        config_.hub_id = *id;
      } else {
        errors_.Add(hub["id"], "hub id '" + *id + "' must match [a-z0-9][a-z0-9-]*");
      }
    }
    if (auto endpoint = String(hub, "endpoint", true, "'hub'", mark)) {
      const bool known = (endpoint->starts_with("tcp://") || endpoint->starts_with("ipc://")) &&
                         endpoint->size() > 6;
      if (known) {
        config_.endpoint = *endpoint;
      } else {
        errors_.Add(hub["endpoint"], "'endpoint' must be tcp://<host>:<port> or ipc://<path>");
      }
    }
    ParseStore(hub, mark);
    if (auto rules = String(hub, "rules", true, "'hub'", mark)) config_.rules_dir = Resolve(*rules);
    if (auto level = String(hub, "log_level", false, "'hub'", mark)) {
      if (std::find(std::begin(kLogLevels), std::end(kLogLevels), *level) != std::end(kLogLevels)) {
        config_.log_level = *level;
      } else {
        errors_.Add(hub["log_level"], "'log_level' must be one of: " + JoinNames(kLogLevels));
      }
    }
    if (auto format = String(hub, "log_format", false, "'hub'", mark)) {
      if (*format == "text" || *format == "json") {
        config_.log_format = *format;
      } else {
        errors_.Add(hub["log_format"], "'log_format' must be one of: text, json");
      }
    }
  }

  // `hub.store`: a path (the embedded journal's directory) or a map naming the backend and
  // where its data lives.
  void ParseStore(const YAML::Node& hub, const YAML::Mark& hub_mark) {
    const YAML::Node store = hub["store"];
    // IsDefined first: yaml-cpp throws from IsMap on a missing key of a const map.
    if (!store.IsDefined() || !store.IsMap()) {
      if (store.IsDefined() && !store.IsNull() && !store.IsScalar()) {
        errors_.Add(store, "'store' must be a path or a map with keys: backend, path, dsn, sync");
        return;
      }
      if (auto path = String(hub, "store", true, "'hub'", hub_mark)) {
        config_.store_path = Resolve(*path);
      }
      return;
    }
    CheckKeys(store, {"backend", "path", "dsn", "sync"}, errors_);
    const YAML::Mark mark = KeyMark(hub, "store").value_or(store.Mark());
    auto backend = String(store, "backend", true, "'store'", mark);
    if (!backend) return;
    if (std::find(std::begin(kStoreBackends), std::end(kStoreBackends), *backend) ==
        std::end(kStoreBackends)) {
      errors_.Add(store["backend"], "unknown store backend '" + *backend +
                                        "' (expected one of: " + JoinNames(kStoreBackends) + ")");
      return;
    }
    config_.store_backend = *backend;
    // Each backend takes one location key; the other one is a mistake, not a fallback.
    const bool embedded = *backend != "postgresql";
    const std::string wanted = embedded ? "path" : "dsn";
    const std::string other = embedded ? "dsn" : "path";
    if (store[other].IsDefined()) {
      errors_.Add(KeyMark(store, other).value_or(mark),
                  "'" + other + "' does not apply to store backend '" + *backend + "' (use '" +
                      wanted + "')");
    }
    auto where = String(store, wanted, true, "'store'", mark);
    if (!where) return;
    if (embedded) {
      config_.store_path = Resolve(*where);
    } else {
      config_.store_dsn = *where;
    }
    ParseStoreSync(store, *backend);
  }

  // `store.sync: false` turns the journal's fdatasync off: for measuring the hub apart from
  // its disk. SQLite and PostgreSQL keep their own durability settings.
  void ParseStoreSync(const YAML::Node& store, const std::string& backend) {
    const YAML::Node sync = store["sync"];
    if (!sync.IsDefined()) return;
    if (backend != "journal") {
      errors_.Add(sync, "'sync' applies only to store backend 'journal'");
      return;
    }
    const std::string value = sync.IsScalar() ? sync.Scalar() : "";
    if (value != "true" && value != "false") {
      errors_.Add(sync, "'sync' must be true or false");
      return;
    }
    config_.store_sync = value == "true";
  }

  void ParseDelivery(const YAML::Node& delivery) {
    CheckKeys(delivery,
              {"window", "heartbeat_interval_ms", "session_timeout_ms", "ack_timeout_ms",
               "max_attempts"},
              errors_);
    Number(delivery, "window", kMinWindow, kMaxWindow, config_.window);
    Number(delivery, "max_attempts", kMinDeliveryAttempts, kMaxDeliveryAttempts,
           config_.max_delivery_attempts);
    const bool heartbeat_ok = CountErrors([&] {
      Number(delivery, "heartbeat_interval_ms", kMinHeartbeatMs, kMaxHeartbeatMs,
             config_.heartbeat_interval_ms);
    });
    const bool session_ok = CountErrors([&] {
      Number(delivery, "session_timeout_ms", 1, kMaxSessionTimeoutMs, config_.session_timeout_ms);
    });
    Number(delivery, "ack_timeout_ms", kMinAckTimeoutMs, kMaxAckTimeoutMs, config_.ack_timeout_ms);
    // A session must outlive at least one heartbeat, or every peer would time out between
    // beats. Checked only when both values are individually valid, to report one cause.
    if (heartbeat_ok && session_ok && config_.session_timeout_ms <= config_.heartbeat_interval_ms) {
      const YAML::Node session = delivery["session_timeout_ms"];
      const YAML::Node at = session.IsDefined() ? session : delivery["heartbeat_interval_ms"];
      errors_.Add(at, "'session_timeout_ms' (" + std::to_string(config_.session_timeout_ms) +
                          ") must be greater than 'heartbeat_interval_ms' (" +
                          std::to_string(config_.heartbeat_interval_ms) + ")");
    }
  }

  void ParseLimits(const YAML::Node& limits) {
    CheckKeys(limits,
              {"max_frame_bytes", "max_sections", "max_fields_per_section", "max_string_bytes",
               "max_yaml_bytes", "max_yaml_depth", "max_yaml_nodes"},
              errors_);
    Number(limits, "max_frame_bytes", kMinFrameBytes, kMaxFrameBytes, config_.max_frame_bytes);
    RecordLimits& record = config_.record_limits;
    Number(limits, "max_sections", 1, kMaxCountLimit, record.max_sections);
    Number(limits, "max_fields_per_section", 1, kMaxCountLimit, record.max_fields_per_section);
    Number(limits, "max_string_bytes", kMinStringBytes, kMaxFrameBytes, record.max_string_bytes);
    YamlLimits& yaml = config_.yaml_limits;
    uint32_t yaml_bytes = static_cast<uint32_t>(yaml.max_bytes);
    uint32_t yaml_depth = static_cast<uint32_t>(yaml.max_depth);
    uint32_t yaml_nodes = static_cast<uint32_t>(yaml.max_nodes);
    Number(limits, "max_yaml_bytes", kMinYamlBytes, kMaxFrameBytes, yaml_bytes);
    Number(limits, "max_yaml_depth", kMinYamlDepth, kMaxYamlDepthLimit, yaml_depth);
    Number(limits, "max_yaml_nodes", kMinYamlNodes, kMaxYamlNodesLimit, yaml_nodes);
    yaml = YamlLimits{yaml_bytes, static_cast<int>(yaml_depth), yaml_nodes};
  }

  void ParseRetention(const YAML::Node& retention) {
    CheckKeys(retention, {"payload_hours"}, errors_);
    Number(retention, "payload_hours", 0, kMaxRetentionHours, config_.retention_hours);
  }

  void ParseAlerts(const YAML::Node& alerts) {
    CheckKeys(alerts, {"recipient_stalled_after_s", "agency_disconnected_after_s"}, errors_);
    Number(alerts, "recipient_stalled_after_s", 1, kMaxAlertAfterS,
           config_.recipient_stalled_after_s);
    Number(alerts, "agency_disconnected_after_s", 1, kMaxAlertAfterS,
           config_.agency_disconnected_after_s);
  }

  // `admin.listen`: "host:port", the host an IPv4 address or "localhost", port 0 for any.
  // `admin.token_file`: the bearer token's file, required unless the host is 127.0.0.1 or
  // localhost. Any other address, even elsewhere in 127/8, may be reachable by other
  // users' namespaces or forwarded ports, so it is treated as exposed.
  void ParseAdmin(const YAML::Node& admin) {
    CheckKeys(admin, {"listen", "token_file"}, errors_);
    if (admin["token_file"].IsDefined()) {
      if (auto token_file = String(admin, "token_file", false, "'admin'", admin.Mark())) {
        config_.admin_token_file = Resolve(*token_file);
      }
    }
    auto listen = String(admin, "listen", false, "'admin'", admin.Mark());
    if (!listen) return;
    const size_t colon = listen->rfind(':');
    const std::string host = listen->substr(0, colon == std::string::npos ? 0 : colon);
    const std::string port =
        colon == std::string::npos ? std::string() : listen->substr(colon + 1);
    in_addr address;
    const bool host_ok =
        host == "localhost" || (!host.empty() && inet_pton(AF_INET, host.c_str(), &address) == 1);
    const bool port_digits = !port.empty() && port.size() <= 5 &&
                             std::all_of(port.begin(), port.end(),
                                         [](char c) { return c >= '0' && c <= '9'; });
    if (!host_ok || !port_digits) {
      errors_.Add(admin["listen"], "'listen' must be <host>:<port> with an IPv4 address or "
                                   "'localhost' as host (got '" + *listen + "')");
      return;
    }
    if (std::stoul(port) > kMaxPort) {
      errors_.Add(admin["listen"], "'listen' port must be between 0 and " +
                                       std::to_string(kMaxPort) + " (got " + port + ")");
      return;
    }
    config_.admin_listen = *listen;
    const bool loopback = host == "127.0.0.1" || host == "localhost";
    if (!loopback && !admin["token_file"].IsDefined()) {
      errors_.Add(admin["listen"], "'listen' is not 127.0.0.1 or localhost: set 'token_file' so "
                                   "that the admin API requires a bearer token");
    }
  }

  void ParseAgencies(const YAML::Node& root) {
    const YAML::Node list = root["agencies"];
    if (!list.IsDefined()) {
      errors_.Add(root.Mark(), "missing required key 'agencies'");
      return;
    }
    if (!list.IsSequence() || list.size() == 0) {
      errors_.Add(list.IsNull() ? KeyMark(root, "agencies").value_or(root.Mark()) : list.Mark(),
                  "'agencies' must list at least one agency");
      return;
    }
    std::map<std::string, int> id_line;
    std::map<std::string, std::pair<std::string, int>> ods_owner;
    for (const YAML::Node& item : list) {
      if (!item.IsMap()) {
        errors_.Add(item, "each agency must be a map with keys: id, name, kind, ods");
        continue;
      }
      CheckKeys(item, {"id", "name", "kind", "ods", "contact", "public_keys"}, errors_);
      const YAML::Mark mark = item.Mark();
      Agency agency;
      bool ok = true;
      if (auto id = String(item, "id", true, "agency", mark)) {
        agency.id = *id;
        if (!IsAgencyId(*id)) {
          errors_.Add(item["id"], "agency id '" + *id + "' must match [a-z0-9][a-z0-9-]*");
          ok = false;
        } else if (auto [it, inserted] = id_line.emplace(*id, item["id"].Mark().line + 1);
                   !inserted) {
          errors_.Add(item["id"], "duplicate agency id '" + *id + "' (first defined on line " +
                                      std::to_string(it->second) + ")");
          ok = false;
        }
      } else {
        ok = false;
      }
      if (auto name = String(item, "name", true, "agency", mark)) {
        agency.name = *name;
      } else {
        ok = false;
      }
      if (auto kind = String(item, "kind", true, "agency", mark)) {
        agency.kind = *kind;
        if (!IsAgencyKind(*kind)) {
          errors_.Add(item["kind"], "unknown agency kind '" + *kind +
                                        "' (expected one of: " + JoinNames(kAgencyKinds) + ")");
          ok = false;
        }
      } else {
        ok = false;
      }
      if (item["ods"].IsDefined()) {
        if (auto ods = String(item, "ods", false, "agency", mark)) {
          agency.ods_code = *ods;
          if (!IsOdsCode(*ods)) {
            errors_.Add(item["ods"],
                        "ODS code '" + *ods + "' must be 3 to 10 upper-case letters or digits");
            ok = false;
          } else if (auto [it, inserted] = ods_owner.emplace(
                         *ods, std::make_pair(agency.id, item["ods"].Mark().line + 1));
                     !inserted) {
            errors_.Add(item["ods"], "duplicate ODS code '" + *ods + "' (already used by '" +
                                         it->second.first + "' on line " +
                                         std::to_string(it->second.second) + ")");
            ok = false;
          }
        } else {
          ok = false;
        }
      }
      if (item["contact"].IsDefined()) {
        if (auto contact = String(item, "contact", false, "agency", mark)) {
          agency.contact = *contact;
        } else {
          ok = false;
        }
      }
      if (ok && item["public_keys"].IsDefined()) {
        ParseAgencyPublicKeys(item["public_keys"], agency.id, errors_, config_.security.agency_keys);
      }
      if (ok) config_.agencies.push_back(std::move(agency));
    }
  }

  // True when `step` added no error.
  template <typename F>
  bool CountErrors(F step) {
    const size_t before = errors_.messages().size();
    step();
    return errors_.messages().size() == before;
  }

  YamlErrors errors_;
  std::string base_dir_;
  HubConfig config_;
};

}  // namespace

const Agency* HubConfig::FindAgency(std::string_view id) const {
  for (const Agency& agency : agencies) {
    if (agency.id == id) return &agency;
  }
  return nullptr;
}

Result<HubConfig> ParseHubConfig(std::string_view yaml, const std::string& file,
                                 const std::string& base_dir) {
  try {
    return Parser(file, base_dir).Parse(yaml);
  } catch (const YAML::Exception& e) {
    // A node the parser asked for in a way yaml-cpp refuses: a bug here, reported as an
    // error in the file rather than ending the process.
    YamlErrors errors(file);
    errors.Add(e.mark, e.msg);
    return InvalidArgument(errors.Joined());
  }
}

Result<HubConfig> LoadHubConfig(const std::string& path) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (!fs::exists(st)) return NotFound("hub config '" + path + "' does not exist");
  if (fs::is_directory(st)) return FailedPrecondition("hub config '" + path + "' is a folder");
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) return FailedPrecondition("cannot open hub config '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return FailedPrecondition("cannot read hub config '" + path + "'");
  auto config = ParseHubConfig(text.str(), path, fs::path(path).parent_path().string());
  if (config.ok()) config->file = path;
  return config;
}

}  // namespace gallery::config
