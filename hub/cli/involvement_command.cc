#include "hub/cli/involvement_command.h"

#include <cctype>

#include <nlohmann/json.hpp>

#include "hub/cli/admin_client.h"

namespace gallery::cli {
namespace {

using nlohmann::json;

constexpr const char* kUsage =
    "usage: hubctl involvement SUBJECT --as AGENCY --purpose PURPOSE\n"
    "                          (--config FILE | --admin HOST:PORT) [--token-file FILE]\n"
    "                          [--format text|json]\n"
    "SUBJECT is an NHS number or local:<agency>:<value>.\n";

struct InvolvementArgs {
  std::string subject;
  std::string as;
  std::string purpose;
  std::string config;
  std::string admin;
  std::string token_file;
  std::string format = "text";
};

bool Parse(const std::vector<std::string>& args, InvolvementArgs& parsed, std::ostream& err) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    std::string* value = arg == "--as"           ? &parsed.as
                         : arg == "--purpose"    ? &parsed.purpose
                         : arg == "--config"     ? &parsed.config
                         : arg == "--admin"      ? &parsed.admin
                         : arg == "--token-file" ? &parsed.token_file
                         : arg == "--format"     ? &parsed.format
                                                 : nullptr;
    if (value != nullptr && i + 1 < args.size()) {
      *value = args[++i];
    } else if (arg.starts_with("--")) {
      err << "hubctl: unknown option '" << arg << "'\n";
      return false;
    } else if (parsed.subject.empty()) {
      parsed.subject = arg;
    } else {
      err << "hubctl: one SUBJECT only\n";
      return false;
    }
  }
  if (parsed.subject.empty() || parsed.as.empty() || parsed.purpose.empty()) {
    err << "hubctl: SUBJECT, --as and --purpose are required\n";
    return false;
  }
  if (parsed.config.empty() && parsed.admin.empty()) {
    err << "hubctl: give --config FILE or --admin HOST:PORT\n";
    return false;
  }
  if (parsed.format != "text" && parsed.format != "json") {
    err << "hubctl: --format must be text or json\n";
    return false;
  }
  return true;
}

std::string PercentEncoded(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string Text(const json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

void PrintText(const json& body, const InvolvementArgs& args, std::ostream& out) {
  const bool answered = body["outcome"] == "answered";
  out << args.as << " asking for " << args.purpose << ": "
      << (answered ? "ANSWERED" : "REFUSED [" + Text(body["outcome"]) + "]");
  if (body["audit_entry"] != 0) out << " (audit entry " << Text(body["audit_entry"]) << ")";
  out << "\n";
  if (!answered) {
    out << "  " << Text(body.value("code", json(""))) << ": " << Text(body.value("reason", json("")))
        << "\n";
    return;
  }
  out << "asker has a relationship with the person: "
      << (body["asker_related"] == true ? "yes" : "no") << "\n";
  std::string rules;
  for (const json& rule : body["rules"]) rules += (rules.empty() ? "" : ", ") + Text(rule);
  out << "involvement rules applied: " << (rules.empty() ? "(none)" : rules) << "\n";
  for (const json& agency : body["agencies"]) {
    out << Text(agency["agency"]) << ": INVOLVED " << Text(agency["name"]) << " ("
        << Text(agency["kind"]) << ") since " << Text(agency["since"]) << "\n";
    out << "  contact: "
        << (agency["contact"] == "" ? std::string("(none configured)") : Text(agency["contact"]))
        << "\n";
    std::string by;
    for (const json& rule : agency["rules"]) by += (by.empty() ? "" : ", ") + Text(rule);
    out << "  rules: " << by << "\n";
  }
  for (const json& withheld : body["withheld"]) {
    out << Text(withheld["agency"]) << ": WITHHELD [" << Text(withheld["kind"]) << "] "
        << Text(withheld["reason"]) << "\n";
  }
  out << body["agencies"].size() << " agencies disclosed, " << body["withheld"].size()
      << " withheld\n";
}

}  // namespace

int RunInvolvementCommand(const std::vector<std::string>& args, std::ostream& out,
                          std::ostream& err) {
  InvolvementArgs parsed;
  if (!Parse(args, parsed, err)) {
    err << kUsage;
    return 2;
  }
  auto admin = ResolveAdminTarget(parsed.config, parsed.admin, parsed.token_file);
  if (!admin.ok()) {
    err << "hubctl: " << admin.status().message() << "\n";
    return 2;
  }
  // The hub answers and audits: only it holds the audit log's head and the registry as of
  // now, and a second writer would break the chain.
  const std::string target = "/admin/involvement?subject=" + PercentEncoded(parsed.subject) +
                             "&as=" + PercentEncoded(parsed.as) +
                             "&purpose=" + PercentEncoded(parsed.purpose);
  auto reply = CallAdmin(admin->address, "POST", target, admin->token);
  if (!reply.ok()) {
    err << "hubctl: " << reply.status().message() << "\n";
    return 1;
  }
  const json body = json::parse(reply->body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) {
    err << "hubctl: the hub answered " << reply->status << " and not with JSON\n";
    return 1;
  }
  if (reply->status != 200) {
    err << "hubctl: the hub answered " << reply->status << ": "
        << Text(body.value("error", body.value("reason", json("")))) << "\n";
    return reply->status == 400 ? 2 : 1;
  }
  if (parsed.format == "json") {
    out << body.dump() << "\n";
  } else {
    PrintText(body, parsed, out);
  }
  return body["outcome"] == "answered" ? 0 : 3;
}

}  // namespace gallery::cli
