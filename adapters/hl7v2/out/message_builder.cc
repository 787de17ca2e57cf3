#include "adapters/hl7v2/out/message_builder.h"

#include <cstdint>
#include <vector>

#include "adapters/hl7v2/escape.h"
#include "adapters/hl7v2/message.h"
#include "adapters/hl7v2/out/obx_value.h"

namespace gallery::hl7v2 {
namespace {

const Delimiters kDelimiters;

std::string E(std::string_view text) { return Escape(text, kDelimiters); }

// Components joined by '^', with trailing empty ones dropped.
std::string Components(std::vector<std::string> parts) {
  while (!parts.empty() && parts.back().empty()) parts.pop_back();
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += kDelimiters.component;
    out += parts[i];
  }
  return out;
}

// "NAME|f1|f2...\r": fields[0] is field 1; trailing empty fields are dropped.
std::string SegmentLine(std::string_view name, std::vector<std::string> fields) {
  while (!fields.empty() && fields.back().empty()) fields.pop_back();
  std::string out(name);
  for (const auto& f : fields) {
    out += kDelimiters.field;
    out += f;
  }
  out += '\r';
  return out;
}

// HL7 table 0001 from FHIR's administrative gender.
std::string_view SexCode(std::string_view gender) {
  if (gender == "male") return "M";
  if (gender == "female") return "F";
  if (gender == "other") return "O";
  if (gender == "unknown") return "U";
  return "";
}

// OBR-25 (HL7 table 0123) for an OBX-11 status: a withdrawn result cancels the order.
std::string_view OrderStatus(std::string_view result_status) {
  if (result_status == "D" || result_status == "W" || result_status == "X") return "X";
  if (result_status == "S") return "P";
  return result_status;
}

std::string PidSegment(const OutMapping& mapping, const v1::Subject& subject) {
  std::vector<std::string> ids;
  if (!subject.nhs_number().empty()) {
    ids.push_back(
        Components({E(subject.nhs_number()), "", "", E(mapping.nhs_assigning_authority), "NH"}));
  }
  for (const auto& local : subject.local_ids()) {
    ids.push_back(Components({E(local.value()), "", "", E(local.agency()), "PI"}));
  }
  std::string identifiers;
  for (const auto& id : ids) {
    if (!identifiers.empty()) identifiers += kDelimiters.repetition;
    identifiers += id;
  }
  const v1::Demographics& d = subject.demographics();
  std::string town;  // the third and later address lines
  for (int i = 2; i < d.address_lines_size(); ++i) {
    if (!town.empty()) town += ", ";
    town += d.address_lines(i);
  }
  const std::string address = Components({E(d.address_lines_size() > 0 ? d.address_lines(0) : ""),
                                          E(d.address_lines_size() > 1 ? d.address_lines(1) : ""),
                                          E(town), "", E(d.postcode())});
  return SegmentLine(
      "PID", {"1", "", identifiers, "", Components({E(d.family_name()), E(d.given_name())}), "",
              Hl7Date(d.birth_date()), std::string(SexCode(d.gender())), "", "", address, "",
              E(d.phone())});
}

}  // namespace

std::string ControlIdFor(std::string_view record_id) {
  uint64_t hash = 14695981039346656037ULL;
  for (unsigned char c : record_id) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "G";
  for (int shift = 60; shift >= 0; shift -= 4) out += kHex[(hash >> shift) & 0xF];
  return out;
}

Result<OutboundMessage> BuildOutbound(const OutMapping& mapping, const v1::Record& record,
                                      std::string_view timestamp) {
  const OutMessageSpec* spec = mapping.Find(record.record_type());
  if (spec == nullptr) {
    return FailedPrecondition("record type " + record.record_type() +
                              " is not in the outbound mapping " + mapping.file);
  }
  const OutEvent& event = !record.amends().empty()     ? spec->amend
                          : !record.retracts().empty() ? spec->retract
                                                       : spec->create;
  const std::string& about = !record.amends().empty()     ? record.amends()
                             : !record.retracts().empty() ? record.retracts()
                                                          : record.record_id();
  const std::string_view code = std::string_view(event.type).substr(0, event.type.find('^'));
  std::string trigger = event.type.substr(code.size() + 1);
  trigger = trigger.substr(0, trigger.find('^'));
  const std::string occurred = Hl7Timestamp(record.occurred_at());

  OutboundMessage out;
  out.control_id = ControlIdFor(record.record_id());
  out.type = event.type;
  out.text = "MSH" + std::string(1, kDelimiters.field) + kDelimiters.EncodingCharacters();
  out.text += SegmentLine(
      "", {mapping.sending_application, mapping.sending_facility, mapping.receiving_application,
           mapping.receiving_facility, std::string(timestamp), "", event.type, out.control_id,
           mapping.processing_id, mapping.version, "", "", "", "", "", "UNICODE UTF-8"});
  if (code == "ADT") {
    out.text += SegmentLine("EVN", {trigger, std::string(timestamp), "", "", "", occurred});
  }
  out.text += PidSegment(mapping, record.subject());
  if (!record.subject().registered_gp_ods().empty()) {
    // PD1-3, the primary facility (XON), holds the GP practice code in component 10.
    out.text += SegmentLine("PD1", {"", "",
                                    Components({"", "", "", "", "", "", "", "", "",
                                                E(record.subject().registered_gp_ods())})});
  }
  if (code == "ADT") {
    std::vector<std::string> pv1(19);
    pv1[0] = "1";
    pv1[1] = "N";  // patient class: not applicable
    pv1[18] = E(about);
    out.text += SegmentLine("PV1", pv1);
  }
  if (code == "ORU") {
    std::vector<std::string> obr(25);
    obr[0] = "1";
    obr[1] = E(record.record_id());  // placer order number: this version
    obr[2] = E(about);               // filler order number: the record it is about
    obr[3] = Components({E(record.record_type()), E(record.record_type()), "L"});
    obr[6] = occurred;
    obr[21] = std::string(timestamp);
    obr[24] = std::string(OrderStatus(event.result_status));
    out.text += SegmentLine("OBR", obr);
  }
  int set_id = 0;
  int section_number = 0;
  for (const auto& section : record.sections()) {
    ++section_number;
    for (const auto& field : section.fields()) {
      auto value = EncodeValue(field, kDelimiters, mapping.coded_type);
      if (!value) continue;
      // OBX-3 names the field and keeps its heading; OBX-4 groups a section's fields.
      const std::string observation =
          Components({E(field.name()), E(section.heading() + ": " + field.name()), "L"});
      out.text += SegmentLine("OBX", {std::to_string(++set_id), value->type, observation,
                                      std::to_string(section_number), value->encoded, "", "", "",
                                      "", "", event.result_status, "", "", occurred});
    }
  }
  return out;
}

}  // namespace gallery::hl7v2
