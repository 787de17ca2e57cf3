#include "hub/cli/dead_letter_commands.h"

#include <iomanip>

#include <nlohmann/json.hpp>

#include "hub/cli/admin_client.h"

namespace gallery::cli {
namespace {

using nlohmann::json;

// Calls the admin API; on success parses the JSON body into `body`.
int Call(const std::string& address, const std::string& token, const std::string& method,
         const std::string& target, json& body, std::ostream& err) {
  auto reply = CallAdmin(address, method, target, token);
  if (!reply.ok()) {
    err << "hubctl: " << reply.status().message() << "\n";
    return 1;
  }
  body = json::parse(reply->body, nullptr, /*allow_exceptions=*/false);
  if (reply->status != 200) {
    const std::string why = body.is_object() && body.contains("error") ? body["error"].get<std::string>()
                                                                       : reply->body;
    err << "hubctl: the hub answered " << reply->status << ": " << why << "\n";
    return 1;
  }
  if (body.is_discarded()) {
    err << "hubctl: the hub's answer is not JSON\n";
    return 1;
  }
  return 0;
}

void PrintLetter(const json& letter, std::ostream& out) {
  for (const char* key : {"id", "record_id", "source_agency", "record_type", "recipient",
                          "delivery_id", "attempts", "at", "reason"}) {
    out << std::left << std::setw(14) << (std::string(key) + ":") << " "
        << (letter[key].is_string() ? letter[key].get<std::string>() : letter[key].dump()) << "\n";
  }
}

}  // namespace

int RunDeadLetterCommand(const std::vector<std::string>& args, const std::string& admin_address,
                         bool with_contents, std::ostream& out, std::ostream& err,
                         const std::string& bearer_token) {
  if (args.empty()) {
    err << "hubctl deadletter: list | show ID [--contents] | retry ID | drop ID\n";
    return 2;
  }
  const std::string& verb = args[0];
  json body;
  if (verb == "list" && args.size() == 1) {
    if (int rc = Call(admin_address, bearer_token, "GET", "/admin/deadletters", body, err); rc != 0) {
      return rc;
    }
    out << std::left << std::setw(6) << "ID" << std::setw(40) << "RECORD" << std::setw(20)
        << "RECIPIENT" << std::setw(9) << "ATTEMPTS" << "REASON\n";
    for (const auto& letter : body) {
      out << std::left << std::setw(6) << letter["id"].dump() << std::setw(40)
          << letter["record_id"].get<std::string>() << std::setw(20)
          << letter["recipient"].get<std::string>() << std::setw(9) << letter["attempts"].dump()
          << letter["reason"].get<std::string>() << "\n";
    }
    out << body.size() << " dead letters\n";
    return 0;
  }
  if (args.size() != 2 || args[1].find_first_not_of("0123456789") != std::string::npos) {
    err << "hubctl deadletter " << verb << ": expected one numeric ID\n";
    return 2;
  }
  const std::string target = "/admin/deadletters/" + args[1];
  if (verb == "show") {
    const std::string query = with_contents ? "?contents=true" : "";
    if (int rc = Call(admin_address, bearer_token, "GET", target + query, body, err); rc != 0) {
      return rc;
    }
    PrintLetter(body, out);
    if (with_contents) out << "record:\n" << body["record"].dump(2) << "\n";
    return 0;
  }
  if (verb == "retry") {
    if (int rc = Call(admin_address, bearer_token, "POST", target + "/retry", body, err); rc != 0) {
      return rc;
    }
    out << "dead letter " << args[1] << " requeued to " << body["recipient"].get<std::string>()
        << " as delivery " << body["delivery_id"].dump() << "\n";
    return 0;
  }
  if (verb == "drop") {
    if (int rc = Call(admin_address, bearer_token, "POST", target + "/drop", body, err); rc != 0) {
      return rc;
    }
    out << "dead letter " << args[1] << " dropped\n";
    return 0;
  }
  err << "hubctl deadletter: unknown command '" << verb << "'\n";
  return 2;
}

}  // namespace gallery::cli
