// JournalStore::Summaries: every record with its decisions, read back from the segments
// (reports are rare; the hub keeps no copy of them in memory).
#include <algorithm>
#include <unordered_map>

#include "hub/store/journal_store.h"

namespace gallery::store {
namespace {

// Where a delivery's disclosure is in the summaries: record index, disclosure index.
using DisclosureAt = std::pair<size_t, size_t>;

class SummaryBuilder {
 public:
  explicit SummaryBuilder(std::vector<RecordSummary>& out) : out_(out) {}

  bool Add(const Frame& frame) {
    switch (frame.kind) {
      case EntryKind::kRecord:
        return AddRecord(frame.body);
      case EntryKind::kAcks:
        return AddAcks(frame.body);
      case EntryKind::kDeadLetter: {
        DeadLetterEntry letter;
        if (!DecodeDeadLetter(frame.body, letter)) return false;
        letters_[letter.letter_id] = {std::string(letter.recipient), letter.delivery_id};
        return true;
      }
      case EntryKind::kRetry: {
        // A retry is a delivery of its own, disclosed again under a new id.
        LetterOutcomeEntry retry;
        if (!DecodeLetterOutcome(frame.body, retry)) return false;
        auto letter = letters_.find(retry.letter_id);
        if (letter == letters_.end()) return false;
        auto& ids = deliveries_[letter->second.first];
        auto original = ids.find(letter->second.second);
        if (original == ids.end()) return false;
        const auto [record, disclosure] = original->second;
        RecordSummary::Disclosed again = out_[record].disclosures[disclosure];
        again.acked = false;
        out_[record].disclosures.push_back(std::move(again));
        ids[retry.delivery_id] = {record, out_[record].disclosures.size() - 1};
        return true;
      }
      case EntryKind::kDrop:
      case EntryKind::kPurge:
        return true;
    }
    return false;
  }

  void Finish() {
    for (auto& summary : out_) {
      std::stable_sort(summary.disclosures.begin(), summary.disclosures.end(),
                       [](const auto& a, const auto& b) { return a.recipient < b.recipient; });
      std::sort(summary.withholdings.begin(), summary.withholdings.end(),
                [](const auto& a, const auto& b) { return a.agency < b.agency; });
    }
  }

 private:
  bool AddRecord(std::string_view body) {
    RecordEntry entry;
    if (!DecodeRecord(body, entry)) return false;
    RecordSummary& summary = out_.emplace_back();
    summary.seq = entry.seq;
    summary.record_id = entry.record_id;
    summary.source_agency = entry.source_agency;
    summary.record_type = entry.record_type;
    summary.registered_gp_ods = entry.registered_gp_ods;
    summary.rule_set_hash = entry.rule_set_hash;
    for (const auto& delivery : entry.deliveries) {
      summary.disclosures.push_back(
          {std::string(delivery.recipient),
           std::vector<std::string>(delivery.rule_ids.begin(), delivery.rule_ids.end()),
           std::vector<std::string>(delivery.withheld.begin(), delivery.withheld.end()), false});
      deliveries_[std::string(delivery.recipient)][delivery.delivery_id] = {
          out_.size() - 1, summary.disclosures.size() - 1};
    }
    for (const auto& [agency, reason] : entry.withholdings) {
      summary.withholdings.push_back({std::string(agency), std::string(reason)});
    }
    return true;
  }

  bool AddAcks(std::string_view body) {
    AcksEntry acks;
    if (!DecodeAcks(body, acks)) return false;
    for (const auto& [recipient, ids] : acks.recipients) {
      auto known = deliveries_.find(std::string(recipient));
      if (known == deliveries_.end()) continue;
      for (uint64_t id : ids) {
        auto it = known->second.find(id);
        if (it != known->second.end())
          out_[it->second.first].disclosures[it->second.second].acked = true;
      }
    }
    return true;
  }

  std::vector<RecordSummary>& out_;
  std::unordered_map<std::string, std::unordered_map<uint64_t, DisclosureAt>> deliveries_;
  std::unordered_map<uint64_t, std::pair<std::string, uint64_t>> letters_;
};

}  // namespace

Result<std::vector<RecordSummary>> JournalStore::Summaries() {
  std::vector<RecordSummary> out;
  out.reserve(records_.size());
  SummaryBuilder builder(out);
  for (const auto& [number, segment] : segments_) {
    GALLERY_ASSIGN_OR_RETURN(MappedFile file, MappedFile::Open(segment.path));
    // Whole commits only: what this store has seen, not what a writer may be appending.
    const std::string_view data = file.data().substr(0, segment.size);
    Frame frame;
    for (size_t offset = 0; ReadFrame(data, offset, frame) == FrameRead::kOk;
         offset += frame.size) {
      if (!builder.Add(frame)) {
        return DataLoss("store file " + segment.path + ": undecodable entry at offset " +
                        std::to_string(offset));
      }
    }
  }
  builder.Finish();
  return out;
}

}  // namespace gallery::store
