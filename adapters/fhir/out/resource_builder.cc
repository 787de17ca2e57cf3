#include "adapters/fhir/out/resource_builder.h"

#include <algorithm>
#include <cctype>
#include <utility>
#include <vector>

#include "adapters/fhir/out/fhir_values.h"
#include "adapters/fhir/out/logical_id.h"

namespace gallery::fhir_out {
namespace {

using nlohmann::json;

constexpr const char* kConditionVerification =
    "http://terminology.hl7.org/CodeSystem/condition-ver-status";

// Where the fields no element takes are written, keeping their headings.
enum class Rest { kComponent, kNote, kNarrative, kItems };

struct ResourceDefaults {
  json elements;            // required elements a mapping need not repeat
  const char* occurred_at;  // the element for the record's occurred_at
  Rest rest;
};

ResourceDefaults Defaults(ResourceType type) {
  switch (type) {
    case ResourceType::kObservation:
      return {{{"status", "final"}}, "effectiveDateTime", Rest::kComponent};
    case ResourceType::kEncounter:
      return {{{"status", "finished"}}, "period.start", Rest::kNarrative};
    case ResourceType::kCondition:
      return {json::object(), "onsetDateTime", Rest::kNote};
    case ResourceType::kServiceRequest:
      return {{{"status", "active"}, {"intent", "order"}}, "authoredOn", Rest::kNote};
    case ResourceType::kQuestionnaireResponse:
      return {{{"status", "completed"}}, "authored", Rest::kItems};
  }
  return {json::object(), "", Rest::kItems};
}

bool EqualsIgnoringCase(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Sets `value` at element `path` (see ElementRule::element), creating what is missing; a
// name ending in "[]" is a list, appended to.
void SetElement(json& root, const std::string& path, json value) {
  json* at = &root;
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    std::string name = path.substr(start, dot == std::string::npos ? dot : dot - start);
    const bool list = name.ends_with("[]");
    if (list) name.resize(name.size() - 2);
    json& member = (*at)[name];
    if (dot == std::string::npos) {
      if (list) {
        member.push_back(std::move(value));
      } else {
        member = std::move(value);
      }
      return;
    }
    if (list) {
      member.push_back(json::object());
      at = &member.back();
    } else {
      at = &member;
    }
    start = dot + 1;
  }
}

// `element` with a trailing "[x]" replaced by the value's type.
std::string ChoiceElement(const std::string& element, const std::string& type) {
  if (!element.ends_with("[x]")) return element;
  return element.substr(0, element.size() - 3) + type;
}

const ElementRule* FindRule(const ResourceRule& rule, const std::string& heading,
                            const std::string& field) {
  for (const ElementRule& r : rule.fields) {
    if (EqualsIgnoringCase(r.heading, heading) && EqualsIgnoringCase(r.field, field)) return &r;
  }
  return nullptr;
}

std::string EscapeXhtml(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

struct Unmapped {
  std::string heading;
  std::vector<const v1::Field*> fields;
};

void WriteRest(Rest rest, const std::vector<Unmapped>& sections, json& resource) {
  std::string div;
  for (size_t s = 0; s < sections.size(); ++s) {
    const Unmapped& section = sections[s];
    std::string note = section.heading;
    json items = json::array();
    div += "<p><b>" + EscapeXhtml(section.heading) + "</b></p>";
    for (size_t f = 0; f < section.fields.size(); ++f) {
      const v1::Field& field = *section.fields[f];
      switch (rest) {
        case Rest::kComponent: {
          TypedValue v = ElementValue(field, ValueAs::kAuto, "");
          resource["component"].push_back(
              {{"code", {{"text", section.heading + ": " + field.name()}}},
               {"value" + v.type, std::move(v.value)}});
          break;
        }
        case Rest::kNote:
          note += "\n" + field.name() + ": " + FieldText(field);
          break;
        case Rest::kNarrative:
          div += "<p>" + EscapeXhtml(field.name() + ": " + FieldText(field)) + "</p>";
          break;
        case Rest::kItems: {
          TypedValue v = AnswerValue(field);
          items.push_back({{"linkId", std::to_string(s + 1) + "." + std::to_string(f + 1)},
                           {"text", field.name()},
                           {"answer", json::array({{{"value" + v.type, std::move(v.value)}}})}});
          break;
        }
      }
    }
    if (rest == Rest::kNote) resource["note"].push_back({{"text", note}});
    if (rest == Rest::kItems) {
      resource["item"].push_back({{"linkId", std::to_string(s + 1)},
                                  {"text", section.heading},
                                  {"item", std::move(items)}});
    }
  }
  if (rest == Rest::kNarrative && !sections.empty()) {
    resource["text"] = {{"status", "generated"},
                        {"div", "<div xmlns=\"http://www.w3.org/1999/xhtml\">" + div + "</div>"}};
  }
}

void WriteFields(const ResourceRule& rule, Rest rest, const v1::Record& record, json& resource) {
  std::vector<Unmapped> unmapped;
  for (const v1::Section& section : record.sections()) {
    Unmapped left{section.heading(), {}};
    for (const v1::Field& field : section.fields()) {
      if (field.value_case() == v1::Field::VALUE_NOT_SET) continue;
      if (const ElementRule* r = FindRule(rule, section.heading(), field.name())) {
        TypedValue v = ElementValue(field, r->as, r->unit);
        SetElement(resource, ChoiceElement(r->element, v.type), std::move(v.value));
      } else {
        left.fields.push_back(&field);
      }
    }
    if (!left.fields.empty()) unmapped.push_back(std::move(left));
  }
  WriteRest(rest, unmapped, resource);
}

Result<json> SubjectReference(const v1::Record& record, const std::string& record_id) {
  const v1::Subject& subject = record.subject();
  json identifier;
  if (!subject.nhs_number().empty()) {
    identifier = {{"system", kNhsNumberSystem}, {"value", subject.nhs_number()}};
  } else if (!subject.local_ids().empty()) {
    const v1::LocalIdentifier& local = subject.local_ids(0);
    identifier = {{"system", "local:" + local.agency()}, {"value", local.value()}};
  } else {
    return InvalidArgument("record " + record_id +
                           ": the subject has no NHS number or local id to reference");
  }
  return json{{"type", "Patient"}, {"identifier", std::move(identifier)}};
}

}  // namespace

Result<FhirRequest> BuildRequest(const OutMapping& mapping, const v1::Record& record) {
  const ResourceRule* rule = mapping.Find(record.record_type());
  if (rule == nullptr) {
    return InvalidArgument("record " + record.record_id() + ": record type " +
                           record.record_type() + " has no rule in " + mapping.file);
  }
  FhirRequest request;
  request.type = std::string(ResourceName(rule->resource));
  const bool retraction = !record.retracts().empty();
  request.id = LogicalId(retraction                ? record.retracts()
                         : record.amends().empty() ? record.record_id()
                                                   : record.amends());
  if (retraction && rule->retraction == Retraction::kDelete) {
    request.method = "DELETE";
    return request;
  }
  request.method = "PUT";
  auto subject = SubjectReference(record, record.record_id());
  if (!subject.ok()) return subject.status();

  const ResourceDefaults defaults = Defaults(rule->resource);
  json resource = {{"resourceType", request.type}, {"id", request.id}};
  resource.update(defaults.elements);
  resource.update(rule->set);
  const json identifier = {{"system", kRecordIdSystem}, {"value", record.record_id()}};
  resource["identifier"] = rule->resource == ResourceType::kQuestionnaireResponse
                               ? identifier
                               : json::array({identifier});
  resource["subject"] = std::move(*subject);
  if (retraction) {
    if (rule->resource == ResourceType::kCondition) {
      resource["verificationStatus"] = {{"coding", json::array({{{"system", kConditionVerification},
                                                                 {"code", "entered-in-error"}}})}};
    } else {
      resource["status"] = "entered-in-error";
    }
  } else {
    if (const std::string at = DateTimeText(record.occurred_at()); !at.empty()) {
      SetElement(resource,
                 ChoiceElement(rule->occurred_at.empty() ? defaults.occurred_at : rule->occurred_at,
                               "DateTime"),
                 at);
    }
    WriteFields(*rule, defaults.rest, record, resource);
  }
  request.body = std::move(resource);
  return request;
}

}  // namespace gallery::fhir_out
