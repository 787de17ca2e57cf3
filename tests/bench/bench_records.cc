#include "tests/bench/bench_records.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "tests/bench/bench_stats.h"

namespace gallery::bench {
namespace {

// Valid (modulus-11) NHS numbers from the 999 test range.
constexpr std::array<std::string_view, 9> kNhsNumbers = {"9990000018", "9990000026", "9990000034",
                                                         "9990000042", "9990000050", "9990000069",
                                                         "9990000077", "9990000085", "9990000093"};

constexpr std::string_view kIdPrefix = "bench:";
constexpr std::array<std::string_view, kPhases> kPhaseTags = {"tput", "lat"};

// Kinds of bench-r1, bench-r2, bench-r3, and so on in turn.
constexpr std::array<std::string_view, 3> kRecipientKinds = {"gp-practice", "community-health",
                                                             "adult-social-care"};

constexpr std::string_view kBenchHeading = "Bench";
// Padding goes in fields of at most this size, under the hub's max_string_bytes (256 KiB).
constexpr size_t kPaddingChunk = 64 * 1024;
constexpr std::string_view kSentAtField = "SentAtNs";

v1::Section& AddSection(v1::Record& record, std::string_view heading) {
  v1::Section& section = *record.add_sections();
  section.set_heading(std::string(heading));
  return section;
}

v1::Field& AddField(v1::Section& section, std::string_view name) {
  v1::Field& field = *section.add_fields();
  field.set_name(std::string(name));
  return field;
}

// `text` as a double-quoted YAML scalar.
std::string YamlQuoted(std::string_view text) {
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + '"';
}

}  // namespace

std::string RecipientId(int number) { return "bench-r" + std::to_string(number); }

std::string ConfigYaml(uint32_t window, const StoreChoice& store, int recipients,
                       const std::vector<Agency>& more_agencies) {
  // The backend is always named: a bare path means different backends to different hubs.
  const std::string store_yaml =
      store.backend == "postgresql" ? "{backend: postgresql, dsn: " + YamlQuoted(store.dsn) + "}"
      : store.backend == "journal"
          ? std::string(store.sync ? "{backend: journal, path: journal}"
                                   : "{backend: journal, path: journal, sync: false}")
          : std::string("{backend: sqlite, path: hub.db}");
  std::string yaml = "hub:\n"
                     "  id: bench-hub\n"
                     "  endpoint: \"tcp://127.0.0.1:*\"\n"
                     "  store: " +
                     store_yaml +
                     "\n"
                     "  rules: rules\n"
                     // Info, for the line giving the rule count it loaded (no record logs).
                     "  log_level: info\n"
                     "delivery:\n"
                     "  window: " +
                     std::to_string(window) +
                     "\n"
                     // The benchmarks' figures are for plain ZeroMQ; CURVE's cost is not
                     // measured here.
                     "security:\n"
                     "  allow_plaintext: true\n"
                     "agencies:\n"
                     "  - {id: bench-source, name: Bench Source, kind: hospital}\n";
  for (int n = 1; n <= recipients; ++n) {
    const std::string_view kind =
        kRecipientKinds[static_cast<size_t>(n - 1) % kRecipientKinds.size()];
    yaml += "  - {id: " + RecipientId(n) + ", name: R" + std::to_string(n) +
            ", kind: " + std::string(kind);
    // The records' registered GP is bench-r1's B00001; other practices need codes of their own.
    if (kind == "gp-practice") {
      char ods[16];
      std::snprintf(ods, sizeof(ods), "B%05d", n);
      yaml += ", ods: " + std::string(ods);
    }
    yaml += "}\n";
  }
  for (const Agency& agency : more_agencies) {
    yaml += "  - {id: " + agency.id + ", name: " + agency.name + ", kind: " + agency.kind;
    if (!agency.ods_code.empty()) yaml += ", ods: " + agency.ods_code;
    yaml += "}\n";
  }
  return yaml;
}

std::string RulesYaml(int recipients) {
  std::string to;
  for (int n = 1; n <= recipients; ++n) to += (n > 1 ? ", " : "") + RecipientId(n);
  const std::string whom = recipients == 3 ? "all three" : "every recipient";
  return "protocol: bench\n"
         "version: 1\n"
         "description: Everything but internal notes, from the bench source to " +
         whom +
         ".\n"
         "rules:\n"
         "  - id: bench-all\n"
         "    from: [bench-source]\n"
         "    types: [bench.record]\n"
         "    to: [" +
         to +
         "]\n"
         "    include: [\"*\"]\n"
         "    exclude: [\"Notes/Internal\"]\n";
}

std::string RecordId(Phase phase, uint64_t seq) {
  char digits[24];
  std::snprintf(digits, sizeof(digits), "%06llu", static_cast<unsigned long long>(seq));
  std::string id(kIdPrefix);
  id += kPhaseTags[static_cast<size_t>(phase)];
  id += ':';
  id += digits;
  return id;
}

std::optional<ParsedId> ParseRecordId(std::string_view record_id) {
  if (!record_id.starts_with(kIdPrefix)) return std::nullopt;
  record_id.remove_prefix(kIdPrefix.size());
  for (size_t p = 0; p < kPhaseTags.size(); ++p) {
    const std::string_view tag = kPhaseTags[p];
    if (record_id.size() <= tag.size() + 1 || !record_id.starts_with(tag) ||
        record_id[tag.size()] != ':') {
      continue;
    }
    const std::string_view digits = record_id.substr(tag.size() + 1);
    uint64_t seq = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seq);
    if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
    return ParsedId{static_cast<Phase>(p), seq};
  }
  return std::nullopt;
}

RecordFactory::RecordFactory(size_t padded_bytes) {
  using google::protobuf::util::TimeUtil;
  record_.set_source_agency(std::string(kSourceAgency));
  record_.set_record_type(std::string(kRecordType));
  *record_.mutable_occurred_at() = TimeUtil::SecondsToTimestamp(1'717'236'000);
  *record_.mutable_recorded_at() = TimeUtil::SecondsToTimestamp(1'717'237'800);

  v1::Subject& subject = *record_.mutable_subject();
  subject.set_registered_gp_ods("B00001");
  v1::Section& bench = AddSection(record_, kBenchHeading);
  seq_ = &AddField(bench, "Seq");
  sent_at_ = &AddField(bench, kSentAtField);
  if (padded_bytes > 0) {
    Pad(padded_bytes);
    return;
  }

  v1::LocalIdentifier& local = *subject.add_local_ids();
  local.set_agency(std::string(kSourceAgency));
  local.set_value("MRN-00482913");
  v1::Demographics& who = *subject.mutable_demographics();
  who.set_given_name("Ada");
  who.set_family_name("Testperson");
  who.set_birth_date("1941-03-17");
  who.set_gender("female");
  who.add_address_lines("12 Orchard Close");
  who.add_address_lines("Little Benchley");
  who.set_postcode("BE1 2NC");
  who.set_phone("01632 960001");

  v1::Section& complaint = AddSection(record_, "Presenting complaint");
  AddField(complaint, "Summary")
      .set_text(
          "Fall at home overnight, found on the floor by a neighbour in the morning. "
          "Reports pain in the left hip and difficulty weight bearing. No loss of "
          "consciousness reported. Third fall in two months according to family.");
  AddField(complaint, "Onset").set_date("2024-06-01");
  v1::Coded& coded = *AddField(complaint, "Diagnosis").mutable_coded();
  coded.set_system("http://snomed.info/sct");
  coded.set_code("217082002");
  coded.set_display("Accidental fall");

  v1::Section& observations = AddSection(record_, "Observations");
  AddField(observations, "Pulse").set_integer(88);
  AddField(observations, "Temperature").set_decimal(36.9);
  AddField(observations, "Blood pressure").set_text("128/82");
  AddField(observations, "Oxygen saturation").set_integer(96);

  v1::Section& home = AddSection(record_, "Home environment");
  AddField(home, "Lives alone").set_boolean(true);
  AddField(home, "Access")
      .set_text(
          "Key safe by the front door; code held by the district nursing team. Two "
          "steps at the entrance, no rail.");
  AddField(home, "Stairs").set_boolean(true);

  v1::Section& notes = AddSection(record_, kExcludedHeading);
  AddField(notes, kExcludedField)
      .set_text(
          "Internal: ward staff concerned about possible self-neglect; discuss at the "
          "multidisciplinary meeting before sharing any further. Not for onward "
          "disclosure outside the hospital.");
  AddField(notes, "Plan")
      .set_text(
          "Discharge with reablement package; physiotherapy review within 72 hours; "
          "falls clinic referral; GP to review medication.");
}

void RecordFactory::Pad(size_t target_bytes) {
  // As Make() will stamp it, so that the padding is measured against the real size.
  Make(Phase::kThroughput, 0, NowNs());
  AddField(AddSection(record_, kExcludedHeading), kExcludedField)
      .set_text("Internal: not for onward disclosure.");
  v1::Section& narrative = AddSection(record_, "Narrative");
  constexpr std::string_view kSentence =
      "Seen at home with her daughter; managing stairs with one stick, meals from a neighbour. ";
  size_t size = record_.ByteSizeLong();
  // A field costs a few bytes of tags and lengths beyond its text: stop short of those.
  constexpr size_t kFieldOverhead = 16;
  for (int part = 1; size + kFieldOverhead < target_bytes; ++part) {
    std::string* text = AddField(narrative, "Text " + std::to_string(part)).mutable_text();
    const size_t want = std::min(kPaddingChunk, target_bytes - size);
    while (text->size() < want) text->append(kSentence.substr(0, want - text->size()));
    size = record_.ByteSizeLong();
    if (size > target_bytes) {
      text->resize(text->size() - std::min(text->size(), size - target_bytes));
    }
    size = record_.ByteSizeLong();
  }
}

const v1::Record& RecordFactory::Make(Phase phase, uint64_t seq, int64_t sent_at_ns) {
  record_.set_record_id(RecordId(phase, seq));
  record_.mutable_subject()->set_nhs_number(std::string(kNhsNumbers[seq % kNhsNumbers.size()]));
  seq_->set_integer(static_cast<int64_t>(seq));
  sent_at_->set_integer(sent_at_ns);
  return record_;
}

std::optional<int64_t> SentAtNs(const v1::Record& record) {
  for (const v1::Section& section : record.sections()) {
    if (section.heading() != kBenchHeading) continue;
    for (const v1::Field& field : section.fields()) {
      if (field.name() == kSentAtField && field.value_case() == v1::Field::kInteger) {
        return field.integer();
      }
    }
  }
  return std::nullopt;
}

bool CarriesExcludedField(const v1::Record& record) {
  for (const v1::Section& section : record.sections()) {
    if (section.heading() != kExcludedHeading) continue;
    for (const v1::Field& field : section.fields()) {
      if (field.name() == kExcludedField) return true;
    }
  }
  return false;
}

}  // namespace gallery::bench
