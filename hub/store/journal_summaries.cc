// JournalStore's reports: every record with its decisions (Summaries, ReceivedSince) and
// the registry's facts, read back from the segments (reports are rare; the hub keeps no
// copy of them in memory).
#include <algorithm>
#include <cstdint>
#include <unordered_map>

#include "hub/store/journal_store.h"

namespace gallery::store {
namespace {

// Where a delivery's disclosure is in the summaries: record index, disclosure index.
using DisclosureAt = std::pair<size_t, size_t>;

// Builds the summaries of the records received at or after `since_us`; with `received`,
// also keeps each one's time of receipt and payload as received.
class SummaryBuilder {
 public:
  SummaryBuilder(std::vector<RecordSummary>& out, int64_t since_us = INT64_MIN,
                 std::vector<std::pair<int64_t, std::string>>* received = nullptr)
      : out_(out), since_us_(since_us), received_(received) {}

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
        // A record received before `since_us` is left out, and so are its retries.
        if (original == ids.end()) return since_us_ != INT64_MIN;
        const auto [record, disclosure] = original->second;
        RecordSummary::Disclosed again = out_[record].disclosures[disclosure];
        again.acked = false;
        out_[record].disclosures.push_back(std::move(again));
        ids[retry.delivery_id] = {record, out_[record].disclosures.size() - 1};
        return true;
      }
      case EntryKind::kDrop:
      case EntryKind::kPurge:
      case EntryKind::kRegistryFacts:
      case EntryKind::kAudit:
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
    if (entry.received_at_us < since_us_) return true;
    if (received_ != nullptr) received_->emplace_back(entry.received_at_us, entry.payload);
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
  const int64_t since_us_;
  std::vector<std::pair<int64_t, std::string>>* received_;
  std::unordered_map<std::string, std::unordered_map<uint64_t, DisclosureAt>> deliveries_;
  std::unordered_map<uint64_t, std::pair<std::string, uint64_t>> letters_;
};

// Feeds every entry of every whole commit, in journal order, to `visit`; false from it
// means the entry is undecodable.
template <typename Visit>
Status ScanJournal(const auto& segments, Visit visit) {
  for (const auto& [number, segment] : segments) {
    GALLERY_ASSIGN_OR_RETURN(MappedFile file, MappedFile::Open(segment.path));
    // Whole commits only: what this store has seen, not what a writer may be appending.
    const std::string_view data = file.data().substr(0, segment.size);
    Frame frame;
    for (size_t offset = 0; ReadFrame(data, offset, frame) == FrameRead::kOk;
         offset += frame.size) {
      if (!visit(frame)) {
        return DataLoss("store file " + segment.path + ": undecodable entry at offset " +
                        std::to_string(offset));
      }
    }
  }
  return OkStatus();
}

}  // namespace

Result<std::vector<RecordSummary>> JournalStore::Summaries() {
  std::vector<RecordSummary> out;
  out.reserve(records_.size());
  SummaryBuilder builder(out);
  GALLERY_RETURN_IF_ERROR(
      ScanJournal(segments_, [&](const Frame& frame) { return builder.Add(frame); }));
  builder.Finish();
  return out;
}

Result<std::vector<ReceivedRecord>> JournalStore::ReceivedSince(int64_t since_us) {
  std::vector<RecordSummary> summaries;
  std::vector<std::pair<int64_t, std::string>> received;
  SummaryBuilder builder(summaries, since_us, &received);
  GALLERY_RETURN_IF_ERROR(
      ScanJournal(segments_, [&](const Frame& frame) { return builder.Add(frame); }));
  builder.Finish();
  std::vector<ReceivedRecord> out;
  out.reserve(summaries.size());
  for (size_t i = 0; i < summaries.size(); ++i) {
    // Retention marks a record purged before its payload leaves the disk.
    if (Slot(summaries[i].seq).purged) received[i].second.clear();
    out.push_back({std::move(summaries[i]), received[i].first, std::move(received[i].second)});
  }
  return out;
}

Result<std::vector<std::string>> JournalStore::RegistryFacts() {
  std::vector<std::string> out;
  std::string buffer;
  std::vector<std::string_view> facts;
  for (const Location& at : fact_entries_) {
    GALLERY_ASSIGN_OR_RETURN(Frame frame, ReadEntry(at, buffer));
    uint64_t seq = 0;
    if (frame.kind != EntryKind::kRegistryFacts || !DecodeRegistryFacts(frame.body, seq, facts)) {
      return DataLoss("store file " + segments_[at.segment].path +
                      ": undecodable registry facts at offset " + std::to_string(at.offset));
    }
    out.insert(out.end(), facts.begin(), facts.end());
  }
  return out;
}

}  // namespace gallery::store
