#include "hub/cli/subject_report.h"

#include <map>

#include "hub/audit/audit_entry.pb.h"
#include "hub/common/iso8601.h"
#include "hub/governance/json_text.h"

namespace gallery::cli {
namespace {

constexpr size_t kPage = 4096;

using governance::JsonString;

std::string Joined(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

std::string JsonList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const auto& item : items) {
    if (out.size() > 1) out += ", ";
    out += JsonString(item);
  }
  return out + "]";
}

std::string CsvField(std::string_view text) {
  if (text.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// One event per agency disclosed or withheld, or one for a refusal.
void AddInvolvementEvents(const audit_log::v1::Entry& entry, std::vector<SubjectEvent>& events) {
  const auto& query = entry.involvement();
  auto event_for = [&](bool disclosed, const std::string& agency) -> SubjectEvent& {
    SubjectEvent& event = events.emplace_back();
    event.time_us = entry.time_us();
    event.record_type = "involvement-query";
    event.source = query.asker();
    event.purposes = {query.purpose()};
    event.involvement = true;
    event.disclosed = disclosed;
    event.agency = agency;
    return event;
  };
  if (!query.refusal_code().empty()) {
    SubjectEvent& event = event_for(false, "");
    event.refused = true;
    event.reason = query.refusal_code() + ": " + query.refusal_reason();
    return;
  }
  for (const auto& disclosed : query.disclosed()) {
    SubjectEvent& event = event_for(true, disclosed.agency());
    event.rule_ids.assign(disclosed.rule_ids().begin(), disclosed.rule_ids().end());
  }
  for (const auto& withheld : query.withheld()) {
    event_for(false, withheld.agency()).reason = withheld.kind() + ": " + withheld.reason();
  }
}

}  // namespace

Result<std::vector<SubjectEvent>> FindSubjectEvents(store::Store& store,
                                                    std::string_view pseudonym) {
  std::vector<SubjectEvent> events;
  // Each rule's legal basis, per rule set hash, as its RuleSetLoaded entry recorded it.
  std::map<std::string, std::map<std::string, std::string>, std::less<>> legal_bases;
  audit_log::v1::Entry entry;
  for (uint64_t read = 0;;) {
    GALLERY_ASSIGN_OR_RETURN(std::vector<std::string> page, store.AuditEntries(read, kPage));
    for (const std::string& bytes : page) {
      ++read;
      if (!entry.ParseFromString(bytes)) {
        return DataLoss("audit entry " + std::to_string(read) +
                        " cannot be parsed: run hubctl audit verify");
      }
      if (entry.has_rule_set_loaded()) {
        auto& rules = legal_bases[entry.rule_set_loaded().hash()];
        for (const auto& rule : entry.rule_set_loaded().rules())
          rules[rule.id()] = rule.legal_basis();
        continue;
      }
      if (entry.has_involvement() && entry.involvement().subject() == pseudonym) {
        AddInvolvementEvents(entry, events);
        continue;
      }
      if (!entry.has_record() || entry.record().subject() != pseudonym) continue;
      const auto& record = entry.record();
      const auto rules = legal_bases.find(record.rule_set_hash());
      auto event_for = [&](bool disclosed, const std::string& agency) -> SubjectEvent& {
        SubjectEvent& event = events.emplace_back();
        event.time_us = entry.time_us();
        event.record_id = record.record_id();
        event.record_type = record.record_type();
        event.source = record.source_agency();
        event.corrects = record.corrects();
        event.disclosed = disclosed;
        event.agency = agency;
        return event;
      };
      for (const auto& disclosure : record.disclosures()) {
        SubjectEvent& event = event_for(true, disclosure.recipient());
        event.rule_ids.assign(disclosure.rule_ids().begin(), disclosure.rule_ids().end());
        event.purposes.assign(disclosure.purposes().begin(), disclosure.purposes().end());
        event.basis = disclosure.basis();
        for (const std::string& rule : event.rule_ids) {
          std::string basis = "(unknown)";
          if (rules != legal_bases.end()) {
            if (auto it = rules->second.find(rule); it != rules->second.end()) basis = it->second;
          }
          event.legal_bases.push_back(rule + ": " + basis);
        }
        if (disclosure.view() < static_cast<uint32_t>(record.views_size())) {
          const auto& view = record.views(static_cast<int>(disclosure.view()));
          for (int i = 0; i < record.items_size(); ++i) {
            const size_t byte = static_cast<size_t>(i) / 8;
            if (byte < view.disclosed().size() &&
                (static_cast<unsigned char>(view.disclosed()[byte]) >> (i % 8)) & 1) {
              event.fields.push_back(record.items(i));
            }
          }
          event.withheld.assign(view.withheld().begin(), view.withheld().end());
        }
        for (const auto& use : disclosure.overrides()) {
          std::string text = use.rule_id() + " (consent " + use.consent();
          if (!use.consent_record_id().empty())
            text += ", set by record " + use.consent_record_id();
          event.overrides.push_back(text + ")");
        }
      }
      for (const auto& withholding : record.withholdings()) {
        event_for(false, withholding.agency()).reason =
            withholding.kind() + ": " + withholding.reason();
      }
    }
    if (page.size() < kPage) break;
  }
  return events;
}

void PrintSubjectEvents(const std::vector<SubjectEvent>& events, std::string_view subject_id,
                        std::string_view format, std::ostream& out) {
  if (format == "json") {
    out << "{\"subject\": " << JsonString(subject_id) << ", \"events\": [";
    for (size_t i = 0; i < events.size(); ++i) {
      const SubjectEvent& e = events[i];
      out << (i == 0 ? "\n" : ",\n") << "  {\"time\": " << JsonString(Iso8601Utc(e.time_us))
          << ", \"record_id\": " << JsonString(e.record_id)
          << ", \"record_type\": " << JsonString(e.record_type)
          << ", \"source\": " << JsonString(e.source)
          << ", \"outcome\": "
          << (e.refused ? "\"refused\"" : e.disclosed ? "\"disclosed\"" : "\"withheld\"")
          << ", \"agency\": " << JsonString(e.agency) << ", \"rule_ids\": " << JsonList(e.rule_ids)
          << ", \"purposes\": " << JsonList(e.purposes)
          << ", \"legal_basis\": " << JsonList(e.legal_bases)
          << ", \"fields\": " << JsonList(e.fields) << ", \"withheld\": " << JsonList(e.withheld)
          << ", \"overrides\": " << JsonList(e.overrides)
          << ", \"reason\": " << JsonString(e.reason) << ", \"basis\": " << JsonString(e.basis)
          << ", \"corrects\": " << JsonString(e.corrects) << "}";
    }
    out << (events.empty() ? "" : "\n") << "]}\n";
    return;
  }
  if (format == "csv") {
    out << "time,record_id,record_type,source,outcome,agency,rule_ids,purposes,legal_basis,"
           "fields,withheld,overrides,reason,basis,corrects\n";
    for (const SubjectEvent& e : events) {
      out << Iso8601Utc(e.time_us) << ',' << CsvField(e.record_id) << ',' << CsvField(e.record_type)
          << ',' << CsvField(e.source) << ','
          << (e.refused ? "refused" : e.disclosed ? "disclosed" : "withheld") << ','
          << CsvField(e.agency) << ',' << CsvField(Joined(e.rule_ids, ";")) << ','
          << CsvField(Joined(e.purposes, ";")) << ',' << CsvField(Joined(e.legal_bases, ";")) << ','
          << CsvField(Joined(e.fields, ";")) << ',' << CsvField(Joined(e.withheld, ";")) << ','
          << CsvField(Joined(e.overrides, ";")) << ',' << CsvField(e.reason) << ','
          << CsvField(e.basis) << ',' << CsvField(e.corrects) << "\n";
    }
    return;
  }
  out << "subject " << subject_id << ": " << events.size() << " decisions\n";
  for (const SubjectEvent& e : events) {
    if (e.involvement) {
      out << "\n" << Iso8601Utc(e.time_us) << "  involvement query by " << e.source << " for "
          << Joined(e.purposes, ", ") << "\n";
      if (e.refused) {
        out << "  REFUSED: " << e.reason << "\n";
      } else if (e.disclosed) {
        out << "  INVOLVEMENT OF " << e.agency << " DISCLOSED under " << Joined(e.rule_ids, ", ")
            << "\n";
      } else {
        out << "  INVOLVEMENT OF " << e.agency << " WITHHELD: " << e.reason << "\n";
      }
      continue;
    }
    out << "\n"
        << Iso8601Utc(e.time_us) << "  record " << e.record_id << " (" << e.record_type << ") from "
        << e.source << (e.corrects.empty() ? "" : ", correcting record " + e.corrects)
        << "\n";
    if (!e.disclosed) {
      out << "  WITHHELD from " << e.agency << ": " << e.reason << "\n";
      continue;
    }
    if (!e.basis.empty()) {
      out << "  DISCLOSED to " << e.agency << " as " << e.basis
          << " (it received record " << e.corrects << "; given no more than it had)\n";
    } else {
      out << "  DISCLOSED to " << e.agency << " under " << Joined(e.rule_ids, ", ") << " for "
          << Joined(e.purposes, ", ") << "\n"
          << "    legal basis: " << Joined(e.legal_bases, "; ") << "\n";
    }
    out << "    fields: " << (e.fields.empty() ? "(identifiers only)" : Joined(e.fields, ", "))
        << "\n";
    if (!e.withheld.empty()) out << "    withheld: " << Joined(e.withheld, ", ") << "\n";
    if (!e.overrides.empty())
      out << "    consent overridden: " << Joined(e.overrides, "; ") << "\n";
  }
}

}  // namespace gallery::cli
