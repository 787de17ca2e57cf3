#include "hub/cli/audit_command.h"

#include "hub/audit/chain_verify.h"
#include "hub/audit/subject_pseudonym.h"
#include "hub/cli/report_store.h"
#include "hub/cli/subject_report.h"
#include "hub/common/nhs_number.h"
#include "hub/config/hub_config.h"

namespace gallery::cli {
namespace {

constexpr const char* kUsage =
    "usage: hubctl audit verify --config FILE [--store PATH] [--head HASH]\n"
    "       hubctl audit subject ID --config FILE [--store PATH] [--format text|json|csv]\n";

struct AuditArgs {
  std::vector<std::string> positional;
  std::string config;
  std::string store;
  std::string head;
  std::string format = "text";
};

bool Parse(const std::vector<std::string>& args, AuditArgs& parsed, std::ostream& err) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    std::string* value = arg == "--config"   ? &parsed.config
                         : arg == "--store"  ? &parsed.store
                         : arg == "--head"   ? &parsed.head
                         : arg == "--format" ? &parsed.format
                                             : nullptr;
    if (value != nullptr && i + 1 < args.size()) {
      *value = args[++i];
    } else if (arg.starts_with("--")) {
      err << "hubctl: unknown option '" << arg << "'\n";
      return false;
    } else {
      parsed.positional.push_back(arg);
    }
  }
  if (parsed.config.empty()) {
    err << "hubctl: --config FILE is required\n";
    return false;
  }
  if (parsed.format != "text" && parsed.format != "json" && parsed.format != "csv") {
    err << "hubctl: --format must be text, json or csv\n";
    return false;
  }
  return true;
}

int Verify(store::Store& store, const std::string& head, std::ostream& out, std::ostream& err) {
  auto report = audit::VerifyChain(store, head);
  if (!report.ok()) {
    err << "hubctl: " << report.status().ToString() << "\n";
    return 1;
  }
  if (report->broken) {
    out << "audit log BROKEN at entry " << report->broken->seq << ": " << report->broken->what
        << "\n";
    return 1;
  }
  out << "audit log ok: " << report->length << " entries, head "
      << (report->head_hash.empty() ? "(none)" : report->head_hash) << "\n";
  return 0;
}

int Subject(store::Store& store, const config::HubConfig& config, const std::string& id,
            const std::string& format, std::ostream& out, std::ostream& err) {
  const std::string key = id.starts_with("local:") ? id : NormaliseNhsNumber(id);
  if (!key.starts_with("local:") && !ValidateNhsNumber(key).ok()) {
    err << "hubctl: the subject must be an NHS number (10 digits, valid check digit) or "
           "local:<agency>:<value>\n";
    return 2;
  }
  auto pseudonym = audit::SubjectPseudonym::Open(config.audit_subject_key_file, false);
  if (!pseudonym.ok()) {
    err << "hubctl: " << pseudonym.status().ToString() << "\n";
    return 1;
  }
  auto events = FindSubjectEvents(store, pseudonym->Of(key));
  if (!events.ok()) {
    err << "hubctl: " << events.status().ToString() << "\n";
    return 1;
  }
  PrintSubjectEvents(*events, key, format, out);
  return 0;
}

}  // namespace

int RunAuditCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  AuditArgs parsed;
  if (!Parse(args, parsed, err) || parsed.positional.empty()) {
    err << kUsage;
    return 2;
  }
  const std::string& command = parsed.positional[0];
  const bool verify = command == "verify" && parsed.positional.size() == 1;
  const bool subject = command == "subject" && parsed.positional.size() == 2;
  if (!verify && !subject) {
    err << kUsage;
    return 2;
  }
  auto config = config::LoadHubConfig(parsed.config);
  if (!config.ok()) {
    err << config.status().message() << "\n";
    return 2;
  }
  auto store = OpenReportStore(*config, parsed.store);
  if (!store.ok()) {
    err << "hubctl: " << store.status().ToString() << "\n";
    return 1;
  }
  if (verify) return Verify(**store, parsed.head, out, err);
  return Subject(**store, *config, parsed.positional[1], parsed.format, out, err);
}

}  // namespace gallery::cli
