// hubctl: the administration tool for a Gallery hub.
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "hub/cli/admin_client.h"
#include "hub/cli/audit_command.h"
#include "hub/cli/involvement_command.h"
#include "hub/cli/dead_letter_commands.h"
#include "hub/cli/disclosure_report.h"
#include "hub/cli/report_store.h"
#include "hub/cli/keys_command.h"
#include "hub/cli/rules_command.h"
#include "hub/cli/status_command.h"
#include "hub/config/hub_config.h"

namespace {

constexpr const char* kUsage = R"(usage: hubctl COMMAND [options]

Commands:
  disclosures --config FILE [--store PATH]
      For each journaled record: who received it under which rules, what was withheld
      from each recipient, who did not receive it and why; then checks that each GP
      practice received only its own registered patients (exit 1 if not). Read-only.
  pending --config FILE [--store PATH]
      Unacked deliveries per recipient and in total. Read-only.
  rules check DIR --config FILE [--today YYYY-MM-DD] [--soon-days N] [--format text|json]
      Loads the rule files in DIR against the config's agencies, as hubd would, then
      checks them: record types, headings, fields and labels that DIR/catalogue.yaml does
      not list (without that file, one note says they were not checked); rules that can
      never match, or that another rule makes redundant; rules sharing the same records
      under different consent modes; protocols past their review date, due within N days
      (default 30), or missing owners, approval date, review date or legal basis; and each
      consent override (a note). Prints one line per finding,
      "file:line:col: error|warning|note: message [code]", then a summary.
      Exit 0: no errors or warnings (notes allowed); 1: at least one error, including a
      set that does not load (the hub would refuse it); 2: warnings only. Read-only.
  rules explain --rules DIR --record FILE [--to AGENCY] --config FILE [--no-store]
                [--store PATH] [--format text|json]
      Dry run of one record, a gallery.v1.Record in protobuf JSON, through the rules in
      DIR with the hub's consent and relationship state (none with --no-store). For every
      configured agency but the source, or only AGENCY: RECEIVES with the field paths that
      travel (under the headings the recipient reads) and each permitting rule's protocol,
      purpose, legal basis and consent mode, overrides flagged; or WITHHELD with the
      reason and its kind. Names paths, never values. Exit 0; 1 on bad input. Read-only.
  rules diff OLD_DIR NEW_DIR --since DURATION --config FILE [--store PATH]
             [--format text|json]
      Replays the records received in the last DURATION (e.g. 30m, 24h, 7d) through both
      rule sets with the hub's current consent and relationship state, and reports per
      source -> recipient the records newly shared and no longer shared, and per field
      path the records that would newly disclose it or stop disclosing it. Records whose
      payload retention purged cannot be replayed: they are counted as skipped.
      Exit 0: no change; 3: changes; 1: errors (an invalid rule set prints its errors).
      Read-only.
  A mistaken "rules" command line exits 1, since 2 and 3 carry results.
  involvement SUBJECT --as AGENCY --purpose PURPOSE (--config FILE | --admin HOST:PORT)
              [--token-file FILE] [--format text|json]
      Who else is involved: asks the running hub which agencies AGENCY would learn are
      involved with the person (an NHS number or local:<agency>:<value>) for PURPOSE, under
      the involvement rules in force and the hub's current relationship registry, exactly
      as the agency's own query would be answered. Shows the agencies disclosed (contact
      point, since when, permitting rules) and, for review, those withheld and why; or the
      refusal. The hub audits it like the agency's query (channel "admin API").
      Exit 0: answered; 3: refused; 1: the hub could not be asked; 2: bad command line.
  keys new AGENCY [--dir DIR]
      Makes a CURVE key pair: DIR/AGENCY.key (secret, readable by its owner only) and
      DIR/AGENCY.pub (public, for the hub's agency key folder or the agency's public_keys).
      Prints the public key. Never overwrites a key. Name the hub's own pair after its id.
  audit verify --config FILE [--store PATH] [--head HASH]
      Walks the audit log from its first entry and checks that each one is numbered in
      turn and linked by hash to the one before; names the first entry edited, removed,
      inserted or out of order. With --head (a hash from gallery_audit_chain_head_info or
      the hub's "audit log head" log line) also detects entries cut off the end.
      Exit 0: intact; 1: broken, or the store unreadable. Read-only.
  audit subject ID --config FILE [--store PATH] [--format text|json|csv]
      For a subject access request: every disclosure and withholding of the person's
      records (ID: an NHS number, or local:<agency>:<value> for a record without one):
      when, record id and type, source, recipient or agency withheld from, rules,
      purposes, legal basis, fields disclosed and withheld, consent overrides, reasons.
      Found through the audit log's subject pseudonyms (the config's
      audit.subject_key_file). Names fields, never values. Read-only.
  status --admin HOST:PORT
      The hub at a glance, from its /admin/overview: uptime, rule set, audit log state;
      records received, confirmed and rejected, and received per second; each agency and
      whether it is connected; flows source -> recipient with deliveries per second (over
      the last ~10 s); each recipient's backlog (pending, in flight, oldest age); records
      withheld by reason; dead letters; the alerts the hub raises. Plain text in aligned
      columns (colours only on a terminal). Exit 1 when the hub cannot be reached. Read-only.
  top --admin HOST:PORT [--interval SECONDS] [--iterations N]
      status, shown again every SECONDS (default 2) until Ctrl-C, or N times. On a
      terminal it redraws in place; otherwise the views follow one another. Read-only.
  deadletter list --admin HOST:PORT
      Deliveries the hub gave up on: record, recipient, attempts, reason. Read-only.
  deadletter show ID [--contents] --admin HOST:PORT
      One dead letter's metadata and reason; the redacted record only with --contents
      (personal data: the hub logs that it was shown). Read-only.
  deadletter retry ID --admin HOST:PORT
      Puts the delivery back at the end of its recipient's queue. Changes state.
  deadletter drop ID --admin HOST:PORT
      Gives the delivery up for good. Changes state.

--store PATH reads the embedded store at PATH instead of the config's: a journal folder,
or an SQLite file. Reports read beside a running hub, as of when they start.

--admin is the hub's admin server (status, top, deadletter, involvement) (hubd logs it at start; --admin-file writes it). With
--config instead, the config's admin.listen is used when it names a fixed port.
--token-file FILE holds the admin API's bearer token; with --config, the config's
admin.token_file is used when no --token-file is given.
)";

struct Args {
  std::vector<std::string> positional;
  std::string config;
  std::string store;
  std::string admin;
  std::string token_file;
  bool contents = false;
};

bool ParseArgs(int argc, char** argv, Args& args) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if ((arg == "--config" || arg == "--store" || arg == "--admin") && i + 1 < argc) {
      (arg == "--config" ? args.config : arg == "--store" ? args.store : args.admin) = argv[++i];
    } else if (arg == "--token-file" && i + 1 < argc) {
      args.token_file = argv[++i];
    } else if (arg == "--contents") {
      args.contents = true;
    } else if (arg.starts_with("--")) {
      std::cerr << "hubctl: unknown option '" << arg << "'\n";
      return false;
    } else {
      args.positional.push_back(arg);
    }
  }
  return true;
}

int OpenHubStore(const Args& args, const gallery::config::HubConfig& config,
                 std::unique_ptr<gallery::store::Store>& store) {
  // Reports only read: they must not need the lock of the hub that writes the journal.
  auto opened = gallery::cli::OpenReportStore(config, args.store);
  if (!opened.ok()) {
    std::cerr << "hubctl: " << opened.status().ToString() << "\n";
    return 1;
  }
  store = std::move(opened).value();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // The rules commands take options of their own.
  if (argc > 1 && std::string(argv[1]) == "rules") {
    return gallery::cli::RunRulesCommand({argv + 2, argv + argc}, std::cout, std::cerr);
  }
  if (argc > 1 && std::string(argv[1]) == "audit") {
    return gallery::cli::RunAuditCommand({argv + 2, argv + argc}, std::cout, std::cerr);
  }
  if (argc > 1 && std::string(argv[1]) == "involvement") {
    return gallery::cli::RunInvolvementCommand({argv + 2, argv + argc}, std::cout, std::cerr);
  }
  if (argc > 1 && std::string(argv[1]) == "keys") {
    return gallery::cli::RunKeysCommand({argv + 2, argv + argc}, std::cout, std::cerr);
  }
  if (argc > 1 && (std::string(argv[1]) == "status" || std::string(argv[1]) == "top")) {
    return gallery::cli::RunStatusCommand({argv + 2, argv + argc}, std::string(argv[1]) == "top",
                                          ::isatty(STDOUT_FILENO) == 1, std::cout, std::cerr);
  }
  Args args;
  if (!ParseArgs(argc, argv, args) || args.positional.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  if (args.positional[0] == "help") {
    std::cout << kUsage;
    return 0;
  }
  if (args.positional[0] == "deadletter") {
    auto admin = gallery::cli::ResolveAdminTarget(args.config, args.admin, args.token_file);
    if (!admin.ok()) {
      std::cerr << "hubctl: " << admin.status().message() << "\n";
      return 2;
    }
    return gallery::cli::RunDeadLetterCommand({args.positional.begin() + 1, args.positional.end()},
                                              admin->address, args.contents, std::cout, std::cerr,
                                              admin->token);
  }
  if (args.config.empty()) {
    std::cerr << "hubctl: --config FILE is required\n" << kUsage;
    return 2;
  }
  auto config = gallery::config::LoadHubConfig(args.config);
  if (!config.ok()) {
    std::cerr << config.status().message() << "\n";
    return 2;
  }
  const std::string& command = args.positional[0];

  std::unique_ptr<gallery::store::Store> store;
  if (command == "disclosures") {
    if (int rc = OpenHubStore(args, *config, store); rc != 0) return rc;
    auto summaries = store->Summaries();
    if (!summaries.ok()) {
      std::cerr << "hubctl: " << summaries.status().ToString() << "\n";
      return 1;
    }
    gallery::cli::PrintDisclosureReport(*summaries, std::cout);
    return gallery::cli::CheckPracticesSeeOnlyTheirPatients(*summaries, config->agencies, std::cout)
               ? 0
               : 1;
  }
  if (command == "pending") {
    if (int rc = OpenHubStore(args, *config, store); rc != 0) return rc;
    auto counts = store->PendingCounts();
    if (!counts.ok()) {
      std::cerr << "hubctl: " << counts.status().ToString() << "\n";
      return 1;
    }
    uint64_t total = 0;
    for (const auto& [recipient, count] : *counts) {
      std::cout << recipient << " " << count << "\n";
      total += count;
    }
    std::cout << "total " << total << "\n";
    return 0;
  }
  std::cerr << "hubctl: unknown command\n" << kUsage;
  return 2;
}
