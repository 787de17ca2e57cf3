// The benchmark's world: its hub config and rule file, and the ~1 KB records it publishes,
// each carrying its send time so that subscribers can measure publish-to-delivery latency.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gallery/v1/record.pb.h"
#include "hub/common/agency.h"

namespace gallery::bench {

inline constexpr std::string_view kSourceAgency = "bench-source";
inline constexpr std::array<std::string_view, 3> kRecipients = {"bench-r1", "bench-r2", "bench-r3"};
// e2e_bench's --recipients: bench-r1 ... bench-r50.
inline constexpr int kMaxRecipients = 50;
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
  bool sync = true;                // journal only: false writes `sync: false` (no fdatasync)
};

// "bench-r1" ... : the recipient agencies' ids, 1-based.
std::string RecipientId(int number);

// hubd's config: the source and `recipients` recipient agencies (1..kMaxRecipients, kinds
// cycling through gp-practice, community-health and adult-social-care), then
// `more_agencies`; the store `store` (by default "hub.db" beside the file), rules folder
// "rules" beside the file, delivery window `window`. Thread-safe.
std::string ConfigYaml(uint32_t window, const StoreChoice& store = {},
                       int recipients = static_cast<int>(kRecipients.size()),
                       const std::vector<Agency>& more_agencies = {});

// One protocol letting bench.record from bench-source reach bench-r1 ... bench-r<recipients>,
// every path included except Notes/Internal. Thread-safe.
std::string RulesYaml(int recipients = static_cast<int>(kRecipients.size()));

// "bench:tput:000042" or "bench:lat:000042".
std::string RecordId(Phase phase, uint64_t seq);

// The phase and sequence number encoded by RecordId, or nullopt for a foreign id.
struct ParsedId {
  Phase phase;
  uint64_t seq;
};
std::optional<ParsedId> ParseRecordId(std::string_view record_id);

// Records of at least this many bytes can be asked of RecordFactory, and at most the next.
inline constexpr size_t kMinPaddedRecordBytes = 256;
inline constexpr size_t kMaxPaddedRecordBytes = 262144;

// Builds records from one template, so that each costs a copy and two field writes.
// Not thread-safe; one per publishing thread.
class RecordFactory {
 public:
  // `padded_bytes` 0: the ~1.2 KB record of five sections. Otherwise (kMinPaddedRecordBytes
  // ..kMaxPaddedRecordBytes) a leaner record padded with free text in a shared section,
  // "Narrative", to about `padded_bytes` serialized.
  explicit RecordFactory(size_t padded_bytes = 0);

  // A valid bench.record with id RecordId(phase, seq), NHS number cycling through a list of
  // valid test numbers, and its send time field set to `sent_at_ns` (steady clock).
  const v1::Record& Make(Phase phase, uint64_t seq, int64_t sent_at_ns);

  // Serialized size of the last record made, in bytes.
  size_t last_size() const { return record_.ByteSizeLong(); }

 private:
  // Adds a short Notes/Internal and Narrative text fields until the record is about
  // `target_bytes` serialized.
  void Pad(size_t target_bytes);

  v1::Record record_;
  v1::Field* sent_at_ = nullptr;  // points into record_
  v1::Field* seq_ = nullptr;      // points into record_
};

// The send time a delivered record carries, or nullopt when the field is missing.
std::optional<int64_t> SentAtNs(const v1::Record& record);

// True when `record` still carries Notes/Internal, i.e. redaction let it through.
bool CarriesExcludedField(const v1::Record& record);

}  // namespace gallery::bench
