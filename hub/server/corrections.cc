#include "hub/server/corrections.h"

#include <spdlog/spdlog.h>

#include "hub/server/ingest.h"

namespace gallery::server {
namespace {

// The id a correction names; empty for an ordinary record.
const std::string& CorrectedId(const v1::Record& record) {
  return record.amends().empty() ? record.retracts() : record.amends();
}

}  // namespace

Result<CorrectedRecords> CorrectedRecords::Find(const std::vector<PendingPublish>& batch,
                                                store::Store& store) {
  CorrectedRecords out;
  std::vector<std::string> ids;
  for (const PendingPublish& publish : batch) {
    if (publish.duplicate) continue;
    const std::string& id = CorrectedId(*publish.record);
    if (!id.empty() && out.named_.insert(id).second) ids.push_back(id);
  }
  if (ids.empty()) return out;
  GALLERY_ASSIGN_OR_RETURN(std::vector<store::DisclosedRecord> found, store.Disclosures(ids));
  for (store::DisclosedRecord& record : found) {
    std::string id = record.record_id;
    out.found_.emplace(std::move(id), std::move(record));
  }
  return out;
}

void CorrectedRecords::NoteJournaled(const store::NewRecord& journaled) {
  if (named_.empty() || !named_.contains(journaled.record_id)) return;
  store::DisclosedRecord& noted = found_[journaled.record_id];
  noted.record_id = journaled.record_id;
  noted.source_agency = journaled.source_agency;
  noted.payload = journaled.payload;
  noted.recipients.clear();
  for (const store::NewDelivery& delivery : journaled.deliveries) {
    noted.recipients.push_back({delivery.recipient, delivery.withheld});
  }
}

const store::DisclosedRecord* CorrectedRecords::Original(const v1::Record& correction) const {
  const std::string& id = CorrectedId(correction);
  if (id.empty()) return nullptr;
  auto it = found_.find(id);
  return it == found_.end() ? nullptr : &it->second;
}

std::vector<router::EarlierRecipient> EarlierRecipients(const store::DisclosedRecord& original) {
  v1::Record contents;
  bool known = !original.payload.empty();
  if (known && !contents.ParseFromString(original.payload)) {
    spdlog::error("record {}: journaled payload does not parse; its corrections carry only "
                  "what always travels",
                  original.record_id);
    known = false;
  }
  std::vector<router::EarlierRecipient> out;
  for (const store::DisclosedRecord::Recipient& recipient : original.recipients) {
    router::NoteEarlierRecipient(known ? &contents : nullptr, recipient.agency,
                                 recipient.withheld, out);
  }
  return out;
}

}  // namespace gallery::server
