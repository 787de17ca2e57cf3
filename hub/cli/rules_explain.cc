#include "hub/cli/rules_explain.h"

#include <fstream>
#include <memory>
#include <sstream>

#include "hub/cli/report_store.h"
#include "hub/governance/explain.h"
#include "hub/governance/finding.h"
#include "hub/governance/json_text.h"
#include "hub/governance/record_json.h"
#include "hub/governance/rule_scope.h"
#include "hub/registry/registry.h"
#include "hub/router/rule_set.h"

namespace gallery::cli {
namespace {

using governance::JsonString;

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out.empty() ? "(none)" : out;
}

std::string JsonList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i == 0 ? "" : ",") + JsonString(items[i]);
  return out + "]";
}

void PrintText(const governance::Explanation& e, std::ostream& out) {
  out << "record " << e.record_id << ": " << e.record_type << " from " << e.source_agency << "\n";
  for (const governance::AgencyOutcome& a : e.agencies) {
    if (!a.receives) {
      out << a.agency << ": WITHHELD [" << a.kind << "] " << a.reason << "\n";
      continue;
    }
    out << a.agency << ": RECEIVES\n";
    if (!a.basis.empty()) {
      out << "  basis: " << a.basis << " (it received record " << e.corrects
          << "; given no more than it had)\n";
    }
    out << "  fields: " << Joined(a.paths) << "\n";
    if (!a.renamed.empty()) out << "  headings renamed: " << Joined(a.renamed) << "\n";
    if (!a.withheld.empty()) out << "  removed: " << Joined(a.withheld) << "\n";
    for (const governance::PermittingRule& r : a.rules) {
      out << "  rule " << r.id << " (" << governance::Where(r.defined_at) << ")"
          << ": protocol " << r.protocol << ", purpose " << r.purpose << ", consent "
          << router::ConsentModeName(r.consent) << "\n";
      out << "    legal basis: "
          << (r.legal_basis.empty() ? "(none given)" : governance::OneLine(r.legal_basis)) << "\n";
      if (r.override_used) {
        out << "    OVERRIDE: shared whatever the subject's consent";
        if (!r.overridden.empty()) {
          out << "; sets aside '" << r.overridden << "' (record " << r.overridden_by_record << ")";
        }
        out << "\n";
      }
    }
  }
}

void PrintJson(const governance::Explanation& e, std::ostream& out) {
  out << "{\"record_id\":" << JsonString(e.record_id)
      << ",\"source_agency\":" << JsonString(e.source_agency)
      << ",\"record_type\":" << JsonString(e.record_type)
      << ",\"corrects\":" << JsonString(e.corrects) << ",\"agencies\":[";
  for (size_t i = 0; i < e.agencies.size(); ++i) {
    const governance::AgencyOutcome& a = e.agencies[i];
    out << (i == 0 ? "" : ",") << "{\"agency\":" << JsonString(a.agency);
    if (!a.receives) {
      out << ",\"outcome\":\"withheld\",\"kind\":" << JsonString(a.kind)
          << ",\"reason\":" << JsonString(a.reason) << "}";
      continue;
    }
    out << ",\"outcome\":\"receives\",\"fields\":" << JsonList(a.paths)
        << ",\"headings_renamed\":" << JsonList(a.renamed)
        << ",\"removed\":" << JsonList(a.withheld) << ",\"basis\":" << JsonString(a.basis)
        << ",\"rules\":[";
    for (size_t k = 0; k < a.rules.size(); ++k) {
      const governance::PermittingRule& r = a.rules[k];
      out << (k == 0 ? "" : ",") << "{\"id\":" << JsonString(r.id)
          << ",\"defined_at\":" << JsonString(governance::Where(r.defined_at))
          << ",\"protocol\":" << JsonString(r.protocol) << ",\"purpose\":" << JsonString(r.purpose)
          << ",\"legal_basis\":" << JsonString(r.legal_basis)
          << ",\"consent\":" << JsonString(router::ConsentModeName(r.consent))
          << ",\"override\":" << (r.override_used ? "true" : "false")
          << ",\"overridden\":" << JsonString(r.overridden)
          << ",\"overridden_by_record\":" << JsonString(r.overridden_by_record) << "}";
    }
    out << "]}";
  }
  out << "]}\n";
}

}  // namespace

int RunRulesExplain(const RulesOptions& options, const config::HubConfig& config, std::ostream& out,
                    std::ostream& err) {
  auto rules = router::RuleSet::LoadDirectory(options.rules, config.agencies);
  if (!rules.ok()) {
    err << rules.status().message() << "\n";
    return 1;
  }
  std::ifstream in(options.record, std::ios::binary);
  if (!in.is_open()) {
    err << "hubctl: cannot read record file '" << options.record << "'\n";
    return 1;
  }
  std::ostringstream text;
  text << in.rdbuf();
  auto record = governance::ParseRecordJson(text.str(), options.record);
  if (!record.ok()) {
    err << "hubctl: " << record.status().message() << "\n";
    return 1;
  }
  if (!options.to.empty()) {
    if (config.FindAgency(options.to) == nullptr) {
      err << "hubctl: --to: unknown agency '" << options.to << "' (not in the hub config)\n";
      return 1;
    }
    if (options.to == record->source_agency()) {
      err << "hubctl: --to: " << options.to
          << " is the record's source, and no agency receives its own records\n";
      return 1;
    }
  }
  std::unique_ptr<router::SubjectState> state;
  std::unique_ptr<store::Store> store;
  if (options.no_store) {
    state = std::make_unique<router::NoSubjectState>();
  } else {
    auto opened = OpenReportStore(config, options.store);
    if (!opened.ok()) {
      err << "hubctl: " << opened.status().ToString() << " (--no-store explains without it)\n";
      return 1;
    }
    store = std::move(opened).value();
    auto registry = registry::Registry::Load(*store, config.agencies);
    if (!registry.ok()) {
      err << "hubctl: " << registry.status().ToString() << "\n";
      return 1;
    }
    state = std::move(registry).value();
  }
  // A correction also reaches the agencies that received the record it corrects.
  std::vector<router::EarlierRecipient> earlier;
  if (store != nullptr && (!record->amends().empty() || !record->retracts().empty())) {
    const std::vector<std::string> corrected = {
        record->amends().empty() ? record->retracts() : record->amends()};
    auto found = store->Disclosures(corrected);
    if (!found.ok()) {
      err << "hubctl: " << found.status().ToString() << "\n";
      return 1;
    }
    for (const store::DisclosedRecord& original : *found) {
      const Status refused = router::CheckCorrectionSource(*record, original.record_id,
                                                           original.source_agency);
      if (!refused.ok()) {
        if (options.format == "json") {
          out << "{\"record_id\":" << JsonString(record->record_id())
              << ",\"refused\":" << JsonString(refused.message()) << "}\n";
        } else {
          out << "record " << record->record_id() << ": REFUSED: " << refused.message() << "\n";
        }
        return 0;
      }
      v1::Record contents;
      const bool known = !original.payload.empty() && contents.ParseFromString(original.payload);
      for (const auto& recipient : original.recipients) {
        router::NoteEarlierRecipient(known ? &contents : nullptr, recipient.agency,
                                     recipient.withheld, earlier);
      }
    }
  }
  const governance::Explanation explanation =
      governance::ExplainRecord(**rules, *record, *state, options.to, earlier);
  if (options.format == "json") {
    PrintJson(explanation, out);
  } else {
    PrintText(explanation, out);
  }
  return 0;
}

}  // namespace gallery::cli
