#include "hub/router/rule_set.h"

#include <sodium.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "hub/router/parties.h"
#include "hub/router/rule_loader.h"

namespace gallery::router {
namespace {

namespace fs = std::filesystem;

// SHA-256 over a sequence of (name, bytes) pairs. Each part is framed by its length, so
// moving bytes from one file's content into the next file's name changes the hash.
class ContentHasher {
 public:
  ContentHasher() {
    // Safe to call repeatedly and from several threads; needed once before using libsodium.
    if (sodium_init() < 0) {
      std::fprintf(stderr, "%s:%d: libsodium failed to initialise\n", __FILE__, __LINE__);
      std::abort();
    }
    crypto_hash_sha256_init(&state_);
  }

  void AddFile(std::string_view name, std::string_view bytes) {
    AddFramed(name);
    AddFramed(bytes);
  }

  std::string HexDigest() {
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&state_, digest);
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
    return hex;
  }

 private:
  void AddFramed(std::string_view part) {
    const std::string length = std::to_string(part.size()) + ":";
    Update(length);
    Update(part);
  }
  void Update(std::string_view bytes) {
    crypto_hash_sha256_update(&state_, reinterpret_cast<const unsigned char*>(bytes.data()),
                              bytes.size());
  }

  crypto_hash_sha256_state state_;
};

// The record-type catalogue kept beside the protocols for checking them; not a protocol.
constexpr std::string_view kCatalogueFile = "catalogue.yaml";

bool IsRuleFile(const fs::directory_entry& entry) {
  const std::string name = entry.path().filename().string();
  if (name.empty() || name.front() == '.') return false;  // editor and VCS leftovers
  if (name == kCatalogueFile) return false;
  const std::string ext = entry.path().extension().string();
  if (ext != ".yaml" && ext != ".yml") return false;
  std::error_code ec;
  return entry.is_regular_file(ec);
}

}  // namespace

RuleSet::RuleSet(LoadedRules loaded, std::vector<Agency> agencies, std::string content_hash)
    : protocols_(std::move(loaded.protocols)),
      rules_(std::move(loaded.rules)),
      involvement_(std::move(loaded.involvement)),
      alerts_(std::move(loaded.involvement_alerts)),
      agencies_(std::move(agencies)),
      content_hash_(std::move(content_hash)) {
  for (uint32_t r = 0; r < alerts_.size(); ++r) {
    for (const std::string& type : alerts_[r].types) {
      std::vector<uint32_t>& rules = alerts_by_type_[type];
      if (rules.empty() || rules.back() != r) rules.push_back(r);
    }
  }
  for (uint32_t a = 0; a < agencies_.size(); ++a) {
    agency_index_.emplace(agencies_[a].id, a);
    if (agencies_[a].kind == "gp-practice" && !agencies_[a].ods_code.empty()) {
      gp_by_ods_.emplace(agencies_[a].ods_code, a);
    }
    by_id_.push_back(a);
  }
  std::sort(by_id_.begin(), by_id_.end(),
            [&](uint32_t x, uint32_t y) { return agencies_[x].id < agencies_[y].id; });
  id_rank_.resize(agencies_.size());
  for (uint32_t k = 0; k < by_id_.size(); ++k) id_rank_[by_id_[k]] = k;

  std::vector<std::vector<uint32_t>> sources;
  sources.reserve(rules_.size());
  resolved_.reserve(rules_.size());
  for (const Rule& rule : rules_) {
    sources.push_back(AgenciesNamed(rule.from, agencies_));
    Resolved r;
    r.to = AgenciesNamed(rule.to, agencies_);
    for (const Party& party : rule.to) {
      if (party.type != Party::Type::kRelationship) continue;
      r.to_registered_gp = r.to_registered_gp || party.value == kRegisteredGp;
      r.to_allocated_worker = r.to_allocated_worker || party.value == kAllocatedWorker;
      r.to_any_relationship = r.to_any_relationship || party.value == kAnyRelationship;
    }
    resolved_.push_back(std::move(r));
  }
  index_ = std::make_unique<const RuleIndex>(rules_, sources, agencies_.size());
  translator_ = std::make_unique<const HeadingTranslator>(protocols_, agencies_);
}

std::span<const uint32_t> RuleSet::AlertRulesFor(std::string_view record_type) const {
  const auto it = alerts_by_type_.find(record_type);
  if (it == alerts_by_type_.end()) return {};
  return it->second;
}

Result<std::shared_ptr<const RuleSet>> RuleSet::LoadString(std::string_view yaml,
                                                           const std::string& file,
                                                           std::vector<Agency> agencies) {
  RuleLoader loader(agencies);
  loader.AddDocument(yaml, file);
  if (!loader.ok()) return InvalidArgument(loader.Errors());
  ContentHasher hasher;
  hasher.AddFile(fs::path(file).filename().string(), yaml);
  return std::shared_ptr<const RuleSet>(
      new RuleSet(std::move(loader).Take(), std::move(agencies), hasher.HexDigest()));
}

Result<std::shared_ptr<const RuleSet>> RuleSet::LoadDirectory(const std::string& dir,
                                                              std::vector<Agency> agencies,
                                                              const YamlLimits& yaml_limits) {
  std::error_code ec;
  const fs::file_status status = fs::status(dir, ec);
  if (!fs::exists(status)) return NotFound("rules folder '" + dir + "' does not exist");
  if (!fs::is_directory(status)) {
    return FailedPrecondition("rules folder '" + dir + "' is not a folder");
  }
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (IsRuleFile(*it)) files.push_back(it->path());
  }
  if (ec) return FailedPrecondition("cannot list rules folder '" + dir + "': " + ec.message());
  // Sorted by name so that errors, duplicate-id reports and the hash do not depend on the
  // order the file system lists them in.
  std::sort(files.begin(), files.end(),
            [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });

  RuleLoader loader(agencies, yaml_limits);
  ContentHasher hasher;
  for (const fs::path& path : files) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    if (in.is_open()) bytes << in.rdbuf();
    if (!in.is_open() || in.bad()) {
      return FailedPrecondition("cannot read rule file '" + path.string() + "'");
    }
    const std::string text = bytes.str();
    // The hash covers names, not folders, so the same files hash alike wherever installed.
    hasher.AddFile(path.filename().string(), text);
    loader.AddDocument(text, path.string());
  }
  if (!loader.ok()) return InvalidArgument(loader.Errors());
  return std::shared_ptr<const RuleSet>(
      new RuleSet(std::move(loader).Take(), std::move(agencies), hasher.HexDigest()));
}

}  // namespace gallery::router
