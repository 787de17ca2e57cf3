// The benchmark's world: its hub config and rule file, and the ~1 KB records it publishes,
// each carrying its send time so that subscribers can measure publish-to-delivery latency.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gallery/v1/record.pb.h"

namespace gallery::bench {

inline constexpr std::string_view kSourceAgency = "bench-source";
inline constexpr std::array<std::string_view, 3> kRecipients = {"bench-r1", "bench-r2", "bench-r3"};
inline constexpr std::string_view kRecordType = "bench.record";
// The one field the bench rule excludes: it must never reach a recipient.
inline constexpr std::string_view kExcludedHeading = "Notes";
inline constexpr std::string_view kExcludedField = "Internal";

// The two phases; a record's id says which one sent it.
enum class Phase { kThroughput = 0, kLatency = 1 };
inline constexpr int kPhases = 2;

// Where hubd keeps its journal: the embedded store (SQLite, file "hub.db" beside the
// config) or a PostgreSQL database, named by a libpq connection string.
struct StoreChoice {
  std::string backend = "sqlite";  // "sqlite", "journal" or "postgresql", as hub.store's
                                   // `backend`
  std::string dsn;                 // for postgresql
};

// hubd's config: the agencies above, the store `store` (by default "hub.db" beside the
// file), rules folder "rules" beside the file, delivery window `window`. Thread-safe.
std::string ConfigYaml(uint32_t window, const StoreChoice& store = {});

// One protocol letting bench.record from bench-source reach the three recipients, every
// path included except Notes/Internal. Thread-safe.
std::string RulesYaml();

// "bench:tput:000042" or "bench:lat:000042".
std::string RecordId(Phase phase, uint64_t seq);

// The phase and sequence number encoded by RecordId, or nullopt for a foreign id.
struct ParsedId {
  Phase phase;
  uint64_t seq;
};
std::optional<ParsedId> ParseRecordId(std::string_view record_id);

// Builds records from one template, so that each costs a copy and two field writes.
// Not thread-safe; one per publishing thread.
class RecordFactory {
 public:
  RecordFactory();

  // A valid bench.record with id RecordId(phase, seq), NHS number cycling through a list of
  // valid test numbers, and its send time field set to `sent_at_ns` (steady clock).
  const v1::Record& Make(Phase phase, uint64_t seq, int64_t sent_at_ns);

  // Serialized size of the last record made, in bytes.
  size_t last_size() const { return record_.ByteSizeLong(); }

 private:
  v1::Record record_;
  v1::Field* sent_at_ = nullptr;  // points into record_
  v1::Field* seq_ = nullptr;      // points into record_
};

// The send time a delivered record carries, or nullopt when the field is missing.
std::optional<int64_t> SentAtNs(const v1::Record& record);

// True when `record` still carries Notes/Internal, i.e. redaction let it through.
bool CarriesExcludedField(const v1::Record& record);

}  // namespace gallery::bench
