#include "adapters/hl7v2/out/out_mapping.h"

#include <set>

#include "adapters/common/mapping_document.h"
#include "adapters/common/mapping_yaml.h"
#include "adapters/csv/read_file.h"

namespace gallery::hl7v2 {
namespace {

// HL7 table 0085 (observation result status) values a recipient acts on.
const std::set<std::string, std::less<>> kResultStatuses = {"C", "D", "F", "P", "R", "S", "W", "X"};

// "ORU^R01" or "ORU^R01^ORU_R01": message code, trigger event, optional structure, each
// upper-case letters, digits or '_'.
bool IsMessageType(std::string_view type) {
  int parts = 1;
  size_t part_length = 0;
  for (char c : type) {
    if (c == '^') {
      if (part_length == 0) return false;
      ++parts;
      part_length = 0;
    } else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') {
      ++part_length;
    } else {
      return false;
    }
  }
  return part_length > 0 && parts >= 2 && parts <= 3;
}

// A value written into MSH as it is, so it must not hold delimiters.
void CheckPlain(const YAML::Node& root, std::string_view key, const std::string& value,
                YamlErrors& errors) {
  if (value.find_first_of("|^~\\&#\r\n") != std::string::npos) {
    errors.Add(root[std::string(key)],
               "'" + std::string(key) + "' must not contain HL7 delimiters (| ^ ~ \\ & #)");
  }
}

// Reads `type` and `result_status` from map `node` (absent keys keep `fallback`'s).
OutEvent ReadEvent(const YAML::Node& node, const OutEvent& fallback, YamlErrors& errors) {
  OutEvent event;
  event.type = ScalarOr(node, "type", fallback.type, errors);
  event.result_status = ScalarOr(node, "result_status", fallback.result_status, errors);
  if (!IsMessageType(event.type)) {
    errors.Add(node["type"].IsDefined() ? node["type"] : node,
               "'type' must be an HL7 message type like ORU^R01 or ADT^A08^ADT_A01");
  }
  if (!kResultStatuses.contains(event.result_status)) {
    errors.Add(node["result_status"].IsDefined() ? node["result_status"] : node,
               "'result_status' must be one of C, D, F, P, R, S, W, X (HL7 table 0085)");
  }
  return event;
}

// The optional `amend:` or `retract:` map of a message.
OutEvent ReadCorrection(const YAML::Node& node, const OutEvent& fallback, YamlErrors& errors) {
  if (!adapters::IsDefined(node)) return fallback;
  if (!node.IsMap()) {
    errors.Add(node, "'amend' and 'retract' must be maps with 'type' and/or 'result_status'");
    return fallback;
  }
  CheckKeys(node, {"type", "result_status"}, errors);
  return ReadEvent(node, fallback, errors);
}

void LoadSpec(const YAML::Node& root, YamlErrors& errors, OutMapping& out) {
  if (!root.IsMap()) {
    errors.Add(root, "an outbound HL7 v2 mapping must be a YAML map with keys messages, ...");
    return;
  }
  CheckKeys(
      root,
      {"sending_application", "sending_facility", "receiving_application", "receiving_facility",
       "version", "processing_id", "nhs_assigning_authority", "coded_type", "messages"},
      errors);
  const std::pair<const char*, std::string*> header[] = {
      {"sending_application", &out.sending_application},
      {"sending_facility", &out.sending_facility},
      {"receiving_application", &out.receiving_application},
      {"receiving_facility", &out.receiving_facility},
      {"version", &out.version},
      {"processing_id", &out.processing_id},
      {"nhs_assigning_authority", &out.nhs_assigning_authority}};
  for (const auto& [key, target] : header) {
    *target = ScalarOr(root, key, *target, errors);
    CheckPlain(root, key, *target, errors);
  }
  out.coded_type = ScalarOr(root, "coded_type", out.coded_type, errors);
  if (out.coded_type != "CE" && out.coded_type != "CWE") {
    errors.Add(root["coded_type"], "'coded_type' must be CE or CWE");
  }
  const YAML::Node messages = root["messages"];
  if (!messages.IsSequence() || messages.size() == 0) {
    errors.Add(messages.IsDefined() ? messages : root, "'messages' must be a non-empty list");
    return;
  }
  std::set<std::string> record_types;
  for (const auto& item : messages) {
    if (!item.IsMap()) {
      errors.Add(item, "each message must be a map with record_type and type");
      continue;
    }
    CheckKeys(item, {"record_type", "type", "result_status", "amend", "retract"}, errors);
    OutMessageSpec spec;
    spec.record_type = adapters::RequiredScalar(item, "record_type", errors);
    if (!spec.record_type.empty() && !adapters::IsRecordType(spec.record_type)) {
      errors.Add(item["record_type"], "'record_type' must be domain.event, e.g. assessment.single");
    }
    if (!spec.record_type.empty() && !record_types.insert(spec.record_type).second) {
      errors.Add(item["record_type"], "record type '" + spec.record_type + "' is mapped twice");
    }
    if (!item["type"].IsDefined()) {
      errors.Add(item, "missing required key 'type'");
      continue;
    }
    spec.create = ReadEvent(item, OutEvent{"", "F"}, errors);
    spec.amend = ReadCorrection(item["amend"], OutEvent{spec.create.type, "C"}, errors);
    spec.retract = ReadCorrection(item["retract"], OutEvent{spec.create.type, "D"}, errors);
    out.messages.push_back(std::move(spec));
  }
}

}  // namespace

const OutMessageSpec* OutMapping::Find(std::string_view record_type) const {
  for (const auto& m : messages) {
    if (m.record_type == record_type) return &m;
  }
  return nullptr;
}

Result<OutMapping> LoadOutMapping(const std::string& path) {
  auto text = csv::ReadFileCapped(path, kMaxYamlBytes);
  if (!text.ok()) return text.status();
  return ParseOutMapping(*text, path);
}

Result<OutMapping> ParseOutMapping(std::string_view yaml, const std::string& file) {
  auto spec = adapters::ParseMappingSpec<OutMapping>(yaml, file, LoadSpec);
  if (!spec.ok()) return spec.status();
  return std::move(**spec);
}

}  // namespace gallery::hl7v2
