#include "hub/router/rule_loader.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include "hub/common/yaml_util.h"
#include "hub/router/rule_vocabulary.h"
#include "hub/router/rule_yaml.h"

namespace gallery::router {
namespace {

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// [a-z0-9-]+ : protocol names and sensitivity labels.
bool IsSlug(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](char c) { return IsLowerAlnum(c) || c == '-'; });
}

// [a-z0-9][a-z0-9-.]* : rule ids, which may carry a dotted namespace ("sap.gp-1").
bool IsRuleId(std::string_view s) {
  return !s.empty() && IsLowerAlnum(s[0]) && std::all_of(s.begin(), s.end(), [](char c) {
    return IsLowerAlnum(c) || c == '-' || c == '.';
  });
}

// Parses one document into a protocol and its rules; shares the loader's cross-file state
// by reference.
class DocumentParser {
 public:
  DocumentParser(const std::vector<Agency>& agencies, YamlErrors& errors,
                 HeadingLoader& headings, RuleLoader::Seen& seen, LoadedRules& loaded)
      : errors_(errors), yaml_(agencies, errors), headings_(headings), seen_(seen),
        loaded_(loaded) {}

  void Parse(std::string_view text, const YamlLimits& limits) {
    const YAML::Node root = ParseYaml(text, errors_, limits);
    if (!errors_.empty()) return;
    if (!root.IsMap()) {
      // An empty file has no position of its own; point at its start.
      errors_.Add(root.Mark().is_null() ? YAML::Mark() : root.Mark(),
                  "expected a protocol: a map with keys protocol, version, description, rules");
      return;
    }
    CheckKeys(root,
              {"protocol", "version", "description", "owners", "approved", "review_by",
               "purpose", "legal_basis", "consent", "justification", "headings", "rules",
               "involvement", "involvement_alerts"},
              errors_);
    Protocol protocol = ParseProtocol(root);
    const size_t index = loaded_.protocols.size();
    loaded_.protocols.push_back(std::move(protocol));
    const YAML::Node rules = root["rules"];
    const YAML::Node involvement = root["involvement"];
    const YAML::Node alerts = root["involvement_alerts"];
    if (!rules.IsDefined()) {
      // A protocol may govern involvement queries or alerts only.
      if (!involvement.IsDefined() && !alerts.IsDefined()) {
        errors_.Add(root.Mark(), "protocol file is missing required key 'rules'");
      }
    } else if (!rules.IsNull() && !rules.IsSequence()) {
      errors_.Add(rules, "'rules' must be a list of rules");
    } else {
      for (const YAML::Node& node : rules) ParseRule(node, loaded_.protocols[index], index);
    }
    if (involvement.IsDefined() && !involvement.IsNull() && !involvement.IsSequence()) {
      errors_.Add(involvement, "'involvement' must be a list of involvement rules");
    } else if (involvement.IsDefined()) {
      for (const YAML::Node& node : involvement) {
        ParseInvolvementRule(node, loaded_.protocols[index], index);
      }
    }
    if (alerts.IsDefined() && !alerts.IsNull() && !alerts.IsSequence()) {
      errors_.Add(alerts, "'involvement_alerts' must be a list of involvement alert rules");
    } else if (alerts.IsDefined()) {
      for (const YAML::Node& node : alerts) {
        ParseAlertRule(node, loaded_.protocols[index], index);
      }
    }
  }

 private:
  Protocol ParseProtocol(const YAML::Node& root) {
    constexpr std::string_view kOwner = "protocol file";
    Protocol protocol;
    protocol.defined_at = yaml_.Location(root["protocol"].IsDefined() ? root["protocol"] : root);
    if (auto name = yaml_.Required(root, "protocol", kOwner)) {
      protocol.name = *name;
      if (!IsSlug(protocol.name)) {
        errors_.Add(root["protocol"], "protocol name '" + protocol.name +
                                          "' must be lower case letters, digits and hyphens");
      } else if (auto [it, inserted] = seen_.protocol_defined_at.emplace(
                     protocol.name, yaml_.Where(root["protocol"]));
                 !inserted) {
        errors_.Add(root["protocol"],
                    "protocol '" + protocol.name + "' is already defined at " + it->second);
      }
    }
    if (auto text = yaml_.Required(root, "version", kOwner)) {
      const auto [end, ec] =
          std::from_chars(text->data(), text->data() + text->size(), protocol.version);
      if (ec != std::errc() || end != text->data() + text->size() || protocol.version < 1) {
        errors_.Add(root["version"], "'version' must be a positive whole number");
      }
    }
    protocol.description = yaml_.Optional(root, "description").value_or("");
    for (const YAML::Node& item : yaml_.List(root, "owners", false, "", kOwner)) {
      protocol.owners.push_back(item.Scalar());
    }
    ParseDates(root, protocol);
    protocol.purpose = ParsePurpose(root).value_or(std::string(kDirectCare));
    protocol.legal_basis = yaml_.Optional(root, "legal_basis").value_or("");
    protocol.consent = ParseConsent(root).value_or(ConsentMode::kObjectionRespected);
    justification_ = yaml_.Optional(root, "justification").value_or("");
    if (protocol.consent == ConsentMode::kOverride && justification_.empty()) {
      errors_.Add(root["consent"], NeedsJustification("the protocol"));
    }
    protocol.headings = headings_.Parse(root["headings"], yaml_);
    return protocol;
  }

  // `approved` and `review_by`: real dates, in that order; review_by sets the expiry.
  void ParseDates(const YAML::Node& root, Protocol& protocol) {
    auto date = [&](const std::string& key, std::string& out) -> std::optional<int64_t> {
      auto text = yaml_.Optional(root, key);
      if (!text) return std::nullopt;
      auto days = DaysSinceEpoch(*text);
      if (!days) {
        errors_.Add(root[key], "'" + key + "' must be a real date written YYYY-MM-DD, not '" +
                                   *text + "'");
        return std::nullopt;
      }
      out = *text;
      return days;
    };
    const auto approved = date("approved", protocol.approved);
    const auto review_by = date("review_by", protocol.review_by);
    if (approved && review_by && *approved > *review_by) {
      errors_.Add(root["approved"], "'approved' (" + protocol.approved +
                                        ") is after 'review_by' (" + protocol.review_by + ")");
    }
    // Permits through the whole review day, UTC.
    if (review_by) protocol.expires_at_us = (*review_by + 1) * kMicrosPerDay;
  }

  std::optional<std::string> ParsePurpose(const YAML::Node& map) {
    auto purpose = yaml_.Optional(map, "purpose");
    if (purpose && !IsPurpose(*purpose)) {
      errors_.Add(map["purpose"], "unknown purpose '" + *purpose +
                                      "' (expected one of: " + PurposeList() + ")");
      return std::nullopt;
    }
    return purpose;
  }

  std::optional<ConsentMode> ParseConsent(const YAML::Node& map) {
    auto name = yaml_.Optional(map, "consent");
    if (!name) return std::nullopt;
    auto mode = ConsentModeFromName(*name);
    if (!mode) {
      errors_.Add(map["consent"], "unknown consent mode '" + *name +
                                      "' (expected one of: " + ConsentModeList() + ")");
    }
    return mode;
  }

  static std::string NeedsJustification(std::string_view who) {
    return "consent 'override' needs a 'justification': " + std::string(who) +
           " shares whatever the subject's consent says, and audit must say why";
  }

  void ParseRule(const YAML::Node& node, const Protocol& protocol, size_t protocol_index) {
    if (!node.IsMap()) {
      errors_.Add(node,
                  "each rule must be a map with keys: id, description, from, types, to, "
                  "include, exclude, labels, purpose, legal_basis, consent, justification");
      return;
    }
    CheckKeys(node,
              {"id", "description", "from", "types", "to", "include", "exclude", "labels",
               "purpose", "legal_basis", "consent", "justification"},
              errors_);
    Rule rule;
    rule.protocol = protocol.name;
    rule.protocol_version = protocol.version;
    rule.protocol_index = protocol_index;
    std::string owner = "rule";
    if (auto id = ParseRuleId(node, "rule")) {
      rule.id = *id;
      owner = "rule '" + rule.id + "'";
      rule.defined_at = yaml_.Location(node["id"]);
    }
    rule.description = yaml_.Optional(node, "description").value_or("");
    for (const YAML::Node& item : yaml_.List(node, "from", true, "agency or kind", owner)) {
      if (auto party = yaml_.ParseParty(item, PartyUse::kRuleFrom)) rule.from.push_back(*party);
    }
    for (const YAML::Node& item : yaml_.List(node, "types", true, "record type", owner)) {
      auto glob = CompileTypePattern(item.Scalar());
      if (glob.ok()) {
        rule.types.push_back(*std::move(glob));
      } else {
        errors_.Add(item, glob.status().message());
      }
    }
    for (const YAML::Node& item : yaml_.List(node, "to", true, "recipient", owner)) {
      if (auto party = yaml_.ParseParty(item, PartyUse::kRuleTo)) rule.to.push_back(*party);
    }
    CompilePaths(node, "include", owner, rule.include);
    CompilePaths(node, "exclude", owner, rule.exclude);
    for (const YAML::Node& item : yaml_.List(node, "labels", false, "", owner)) {
      if (!IsSlug(item.Scalar())) {
        errors_.Add(item,
                    "label '" + item.Scalar() + "' must be lower case letters, digits and hyphens");
        continue;
      }
      rule.labels.push_back(item.Scalar());
    }
    std::sort(rule.labels.begin(), rule.labels.end());
    rule.labels.erase(std::unique(rule.labels.begin(), rule.labels.end()), rule.labels.end());

    rule.purpose = ParsePurpose(node).value_or(protocol.purpose);
    rule.legal_basis = yaml_.Optional(node, "legal_basis").value_or(protocol.legal_basis);
    const std::optional<ConsentMode> consent = ParseConsent(node);
    rule.consent = consent.value_or(protocol.consent);
    rule.justification = yaml_.Optional(node, "justification").value_or(justification_);
    // An override inherited from the protocol was reported there.
    if (consent == ConsentMode::kOverride && rule.justification.empty()) {
      errors_.Add(node["consent"], NeedsJustification(owner));
    }
    loaded_.rules.push_back(std::move(rule));
  }

  // The `id` of a rule of either kind, reported when malformed or already used.
  std::optional<std::string> ParseRuleId(const YAML::Node& node, std::string_view owner) {
    auto id = yaml_.Required(node, "id", owner);
    if (!id) return std::nullopt;
    const YAML::Node id_node = node["id"];
    if (!IsRuleId(*id)) {
      errors_.Add(id_node, "rule id '" + *id +
                               "' must start with a lower case letter or digit and use only "
                               "those, '-' and '.'");
    } else if (auto [it, inserted] = seen_.rule_defined_at.emplace(*id, yaml_.Where(id_node));
               !inserted) {
      errors_.Add(id_node, "duplicate rule id '" + *id + "' (first defined at " + it->second + ")");
    }
    return id;
  }

  void ParseInvolvementRule(const YAML::Node& node, const Protocol& protocol,
                            size_t protocol_index) {
    if (!node.IsMap()) {
      errors_.Add(node,
                  "each involvement rule must be a map with keys: id, description, askers, "
                  "reveals, purpose, consent, justification, asker_relationship");
      return;
    }
    CheckKeys(node,
              {"id", "description", "askers", "reveals", "purpose", "consent", "justification",
               "asker_relationship"},
              errors_);
    InvolvementRule rule;
    rule.protocol = protocol.name;
    rule.protocol_index = protocol_index;
    std::string owner = "involvement rule";
    if (auto id = ParseRuleId(node, owner)) {
      rule.id = *id;
      owner = "involvement rule '" + rule.id + "'";
      rule.defined_at = yaml_.Location(node["id"]);
    }
    rule.description = yaml_.Optional(node, "description").value_or("");
    for (const YAML::Node& item : yaml_.List(node, "askers", true, "asking agency or kind", owner)) {
      if (auto party = yaml_.ParseParty(item, PartyUse::kInvolvement)) rule.askers.push_back(*party);
    }
    for (const YAML::Node& item :
         yaml_.List(node, "reveals", true, "agency or kind revealed", owner)) {
      if (auto party = yaml_.ParseParty(item, PartyUse::kInvolvement)) rule.reveals.push_back(*party);
    }
    rule.purpose = ParsePurpose(node).value_or(protocol.purpose);
    const std::optional<ConsentMode> consent = ParseConsent(node);
    rule.consent = consent.value_or(protocol.consent);
    rule.justification = yaml_.Optional(node, "justification").value_or(justification_);
    if (consent == ConsentMode::kOverride && rule.justification.empty()) {
      errors_.Add(node["consent"], NeedsJustification(owner));
    }
    if (auto relationship = yaml_.Optional(node, "asker_relationship")) {
      if (*relationship == "not-required") {
        rule.asker_needs_relationship = false;
      } else if (*relationship != "required") {
        errors_.Add(node["asker_relationship"], "unknown asker_relationship '" + *relationship +
                                                    "' (expected one of: required, not-required)");
      }
    }
    loaded_.involvement.push_back(std::move(rule));
  }

  void ParseAlertRule(const YAML::Node& node, const Protocol& protocol, size_t protocol_index) {
    if (!node.IsMap()) {
      errors_.Add(node,
                  "each involvement alert rule must be a map with keys: id, description, "
                  "senders, types, relationship, holders, purpose, consent, justification");
      return;
    }
    CheckKeys(node,
              {"id", "description", "senders", "types", "relationship", "holders", "purpose",
               "consent", "justification"},
              errors_);
    InvolvementAlertRule rule;
    rule.protocol = protocol.name;
    rule.protocol_index = protocol_index;
    std::string owner = "involvement alert rule";
    if (auto id = ParseRuleId(node, owner)) {
      rule.id = *id;
      owner = "involvement alert rule '" + rule.id + "'";
      rule.defined_at = yaml_.Location(node["id"]);
    }
    rule.description = yaml_.Optional(node, "description").value_or("");
    for (const YAML::Node& item :
         yaml_.List(node, "senders", true, "sending agency or kind", owner)) {
      if (auto party = yaml_.ParseParty(item, PartyUse::kInvolvement)) {
        rule.senders.push_back(*party);
      }
    }
    for (const YAML::Node& item : yaml_.List(node, "types", true, "record type", owner)) {
      // Exact types, so that the hub finds the rules for a record by its type alone.
      if (item.Scalar().empty() || item.Scalar().find_first_of("*?[") != std::string::npos) {
        errors_.Add(item, "'" + item.Scalar() + "': alert rules name exact record types");
      } else {
        rule.types.push_back(item.Scalar());
      }
    }
    if (auto relationship = yaml_.Required(node, "relationship", owner)) {
      rule.relationship = *relationship;
      if (!IsSlug(rule.relationship)) {
        errors_.Add(node["relationship"], "relationship '" + rule.relationship +
                                              "' must be lower case letters, digits and hyphens");
      }
    }
    for (const YAML::Node& item :
         yaml_.List(node, "holders", true, "agency or kind holding the relationship", owner)) {
      if (auto party = yaml_.ParseParty(item, PartyUse::kInvolvement)) {
        rule.holders.push_back(*party);
      }
    }
    rule.purpose = ParsePurpose(node).value_or(protocol.purpose);
    const std::optional<ConsentMode> consent = ParseConsent(node);
    rule.consent = consent.value_or(protocol.consent);
    rule.justification = yaml_.Optional(node, "justification").value_or(justification_);
    if (consent == ConsentMode::kOverride && rule.justification.empty()) {
      errors_.Add(node["consent"], NeedsJustification(owner));
    }
    loaded_.involvement_alerts.push_back(std::move(rule));
  }

  void CompilePaths(const YAML::Node& node, const std::string& key, std::string_view owner,
                    std::vector<PathPattern>& out) {
    for (const YAML::Node& item : yaml_.List(node, key, false, "", owner)) {
      auto pattern = CompilePathPattern(item.Scalar());
      if (pattern.ok()) {
        out.push_back(*std::move(pattern));
      } else {
        errors_.Add(item, pattern.status().message());
      }
    }
  }

  YamlErrors& errors_;
  RuleYaml yaml_;
  HeadingLoader& headings_;
  RuleLoader::Seen& seen_;
  LoadedRules& loaded_;
  std::string justification_;  // the protocol's, inherited by its rules
};

}  // namespace

void RuleLoader::AddDocument(std::string_view yaml, const std::string& file) {
  YamlErrors errors(file);
  DocumentParser(agencies_, errors, headings_, seen_, loaded_).Parse(yaml, yaml_limits_);
  errors_.insert(errors_.end(), errors.messages().begin(), errors.messages().end());
}

std::string RuleLoader::Errors() const {
  std::string out;
  for (const std::string& e : errors_) {
    if (!out.empty()) out += '\n';
    out += e;
  }
  return out;
}

}  // namespace gallery::router
