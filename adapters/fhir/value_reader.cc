#include "adapters/fhir/value_reader.h"

#include <cmath>
#include <utility>

#include "adapters/fhir/fhir_time.h"

namespace gallery::fhir {
namespace {

using nlohmann::json;

std::string StringAt(const json& object, const char* key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string NumberText(const json& number) {
  if (number.is_number_integer()) return number.dump();
  if (number.is_number_float()) {
    // dump() keeps the value exact but may use an exponent; quantities read better plain.
    std::string text = number.dump();
    if (text.find_first_of("eE") == std::string::npos) return text;
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.10g", number.get<double>());
    return buffer;
  }
  return number.is_string() ? number.get<std::string>() : "";
}

bool IsCoding(const json& e) {
  return e.is_object() && (e.contains("code") || e.contains("system"));
}
bool IsCodeableConcept(const json& e) {
  return e.is_object() && (e.contains("coding") || (e.contains("text") && e.size() <= 2));
}

// The first coding of a CodeableConcept that has a code, else its first coding.
const json* FirstCoding(const json& cc) {
  auto it = cc.find("coding");
  if (it == cc.end() || !it->is_array() || it->empty()) return nullptr;
  for (const json& coding : *it) {
    if (coding.is_object() && coding.contains("code")) return &coding;
  }
  return (*it)[0].is_object() ? &(*it)[0] : nullptr;
}

bool Coded(const json& e, v1::Field& out) {
  const json* coding = IsCodeableConcept(e) ? FirstCoding(e) : (IsCoding(e) ? &e : nullptr);
  std::string display = coding != nullptr ? StringAt(*coding, "display") : "";
  if (display.empty()) display = StringAt(e, "text");
  if (coding == nullptr) {
    if (display.empty()) return false;
    out.set_text(std::move(display));
    return true;
  }
  v1::Coded& coded = *out.mutable_coded();
  coded.set_system(StringAt(*coding, "system"));
  coded.set_code(StringAt(*coding, "code"));
  coded.set_display(std::move(display));
  return !coded.code().empty() || !coded.display().empty();
}

// Text for the shapes that have no typed counterpart in a Field.
std::string TextOf(const json& e) {
  if (e.is_string()) return e.get<std::string>();
  if (e.is_number() || e.is_boolean()) return e.dump();
  if (!e.is_object()) return "";
  if (auto v = e.find("value"); v != e.end() && v->is_number()) {
    // Quantity: "185 lbs"; the unit, else the UCUM code.
    std::string text = NumberText(*v);
    std::string unit = StringAt(e, "unit");
    if (unit.empty()) unit = StringAt(e, "code");
    const std::string comparator = StringAt(e, "comparator");
    if (!text.empty()) return comparator + text + (unit.empty() ? "" : " " + unit);
  }
  if (e.contains("start") || e.contains("end")) {
    const std::string start = StringAt(e, "start");
    const std::string end = StringAt(e, "end");
    if (start.empty()) return "until " + end;
    return end.empty() ? "from " + start : start + " to " + end;
  }
  if (e.contains("low") || e.contains("high")) {  // Range
    return TextOf(e.value("low", json::object())) + " to " +
           TextOf(e.value("high", json::object()));
  }
  if (std::string display = StringAt(e, "display"); !display.empty()) return display;
  if (std::string value = StringAt(e, "value"); !value.empty()) return value;  // Identifier
  if (std::string text = StringAt(e, "text"); !text.empty()) return text;
  if (IsCodeableConcept(e) || IsCoding(e)) {
    v1::Field field;
    if (Coded(e, field)) {
      return field.has_coded() ? (field.coded().display().empty() ? field.coded().code()
                                                                  : field.coded().display())
                               : field.text();
    }
  }
  return StringAt(e, "reference");
}

}  // namespace

std::string CodeOf(const json& e) {
  if (e.is_string()) return e.get<std::string>();
  if (IsCodeableConcept(e)) {
    const json* coding = FirstCoding(e);
    return coding != nullptr ? StringAt(*coding, "code") : "";
  }
  return StringAt(e, "code");
}

bool ReadFieldValue(const json& e, ValueType type, const std::string& where, v1::Field& out,
                    Refusal& refusal) {
  auto bad = [&](const char* expected) {
    refusal.Add(422, "value", where, std::string("cannot be read as ") + expected);
    return false;
  };
  switch (type) {
    case ValueType::kAuto:
      if (e.is_boolean()) {
        out.set_boolean(e.get<bool>());
        return true;
      }
      if (e.is_number_integer()) {
        out.set_integer(e.get<int64_t>());
        return true;
      }
      if (e.is_number_float()) {
        out.set_decimal(e.get<double>());
        return true;
      }
      if ((IsCodeableConcept(e) || (IsCoding(e) && !e.contains("value"))) && Coded(e, out)) {
        return true;
      }
      [[fallthrough]];
    case ValueType::kText:
      if (std::string text = TextOf(e); !text.empty()) {
        out.set_text(std::move(text));
        return true;
      }
      return bad("text");
    case ValueType::kCoded:
      return Coded(e, out) || bad("a code (Coding or CodeableConcept)");
    case ValueType::kDate: {
      auto t = e.is_string() ? ParseFhirDateTime(e.get<std::string>()) : std::nullopt;
      if (!t || !t->full_date()) return bad("a date with year, month and day");
      out.set_date(t->IsoDate());
      return true;
    }
    case ValueType::kDateTime: {
      const std::string text = e.is_string() ? e.get<std::string>() : StringAt(e, "start");
      auto t = ParseFhirDateTime(text);
      if (!t || !t->full_date()) return bad("a dateTime with at least year, month and day");
      *out.mutable_date_time() = t->ToTimestamp();
      return true;
    }
    case ValueType::kInteger: {
      const json& n = e.is_object() && e.contains("value") ? e["value"] : e;
      if (!n.is_number_integer()) return bad("an integer");
      out.set_integer(n.get<int64_t>());
      return true;
    }
    case ValueType::kDecimal: {
      const json& n = e.is_object() && e.contains("value") ? e["value"] : e;
      if (!n.is_number() || !std::isfinite(n.get<double>())) return bad("a decimal");
      out.set_decimal(n.get<double>());
      return true;
    }
    case ValueType::kBoolean:
      if (!e.is_boolean()) return bad("a boolean");
      out.set_boolean(e.get<bool>());
      return true;
  }
  return bad("a value");
}

}  // namespace gallery::fhir
