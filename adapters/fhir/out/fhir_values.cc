#include "adapters/fhir/out/fhir_values.h"

#include <google/protobuf/util/time_util.h>

#include <charconv>

namespace gallery::fhir_out {
namespace {

using nlohmann::json;

json Coding(const v1::Coded& coded) {
  json coding = json::object();
  if (!coded.system().empty()) coding["system"] = coded.system();
  if (!coded.code().empty()) coding["code"] = coded.code();
  if (!coded.display().empty()) coding["display"] = coded.display();
  return coding;
}

json CodeableConcept(const v1::Coded& coded) {
  json codeable = json::object();
  if (!coded.code().empty()) codeable["coding"] = json::array({Coding(coded)});
  if (!coded.display().empty()) codeable["text"] = coded.display();
  return codeable;
}

template <typename Number>
json Quantity(Number value, const std::string& unit) {
  json quantity = {{"value", value}};
  if (!unit.empty()) {
    quantity["unit"] = unit;
    quantity["system"] = kUcumSystem;
    quantity["code"] = unit;
  }
  return quantity;
}

std::string DecimalText(double value) {
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc() ? std::string(buffer, end) : "";
}

}  // namespace

std::string DateTimeText(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "";
  return google::protobuf::util::TimeUtil::ToString(t);
}

std::string FieldText(const v1::Field& field) {
  switch (field.value_case()) {
    case v1::Field::kText:
      return field.text();
    case v1::Field::kInteger:
      return std::to_string(field.integer());
    case v1::Field::kDecimal:
      return DecimalText(field.decimal());
    case v1::Field::kBoolean:
      return field.boolean() ? "yes" : "no";
    case v1::Field::kDate:
      return field.date();
    case v1::Field::kDateTime:
      return DateTimeText(field.date_time());
    case v1::Field::kCoded: {
      const v1::Coded& c = field.coded();
      if (c.display().empty()) return c.code();
      return c.code().empty() ? c.display() : c.display() + " (" + c.code() + ")";
    }
    case v1::Field::VALUE_NOT_SET:
      return "";
  }
  return "";
}

TypedValue ElementValue(const v1::Field& field, ValueAs as, const std::string& unit) {
  if (as == ValueAs::kString) return {"String", FieldText(field)};
  switch (field.value_case()) {
    case v1::Field::kText:
      return {"String", field.text()};
    case v1::Field::kInteger:
      if (unit.empty()) return {"Integer", field.integer()};
      return {"Quantity", Quantity(field.integer(), unit)};
    case v1::Field::kDecimal:
      return {"Quantity", Quantity(field.decimal(), unit)};
    case v1::Field::kBoolean:
      return {"Boolean", field.boolean()};
    case v1::Field::kDate:
      return {"DateTime", field.date()};
    case v1::Field::kDateTime:
      return {"DateTime", DateTimeText(field.date_time())};
    case v1::Field::kCoded:
      if (as == ValueAs::kCode) return {"Code", field.coded().code()};
      if (as == ValueAs::kCoding) return {"Coding", Coding(field.coded())};
      return {"CodeableConcept", CodeableConcept(field.coded())};
    case v1::Field::VALUE_NOT_SET:
      break;
  }
  return {"", json()};
}

TypedValue AnswerValue(const v1::Field& field) {
  switch (field.value_case()) {
    case v1::Field::kInteger:
      return {"Integer", field.integer()};
    case v1::Field::kDecimal:
      return {"Decimal", field.decimal()};
    case v1::Field::kDate:
      return {"Date", field.date()};
    case v1::Field::kCoded:
      return {"Coding", Coding(field.coded())};
    default:
      return ElementValue(field, ValueAs::kAuto, "");
  }
}

}  // namespace gallery::fhir_out
