#include "adapters/hl7v2/out/obx_value.h"

#include <time.h>

#include <charconv>
#include <cmath>

#include "adapters/hl7v2/escape.h"

namespace gallery::hl7v2 {
namespace {

// ST holds at most 200 characters in HL7 v2.5; longer text is TX.
constexpr size_t kMaxStLength = 200;

// The HL7 name of the coding systems records usually carry (HL7 table 0396).
std::string CodingSystem(std::string_view system) {
  if (system == "http://snomed.info/sct") return "SCT";
  if (system == "http://loinc.org") return "LN";
  if (system == "http://hl7.org/fhir/sid/icd-10") return "I10";
  return std::string(system);
}

// Text with its lines joined by \.br\, each line escaped.
std::string EncodeLines(std::string_view text, const Delimiters& d) {
  std::string out;
  size_t start = 0;
  while (true) {
    const size_t end = text.find('\n', start);
    std::string_view line =
        text.substr(start, end == std::string_view::npos ? text.npos : end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out += Escape(line, d);
    if (end == std::string_view::npos) break;
    if (d.escape != '\0') {
      out += d.escape;
      out += ".br";
      out += d.escape;
    } else {
      out += ' ';
    }
    start = end + 1;
  }
  return out;
}

std::string Coded(std::string_view code, std::string_view display, std::string_view system,
                  const Delimiters& d) {
  const std::string c(1, d.component);
  return Escape(code, d) + c + Escape(display, d) + c + Escape(CodingSystem(system), d);
}

}  // namespace

std::string Hl7Timestamp(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "";
  const time_t seconds = static_cast<time_t>(t.seconds());
  tm parts{};
  if (gmtime_r(&seconds, &parts) == nullptr) return "";
  char buffer[32];
  const size_t n = strftime(buffer, sizeof buffer, "%Y%m%d%H%M%S+0000", &parts);
  return std::string(buffer, n);
}

std::string Hl7Date(std::string_view iso_date) {
  std::string out;
  for (char c : iso_date) {
    if (c != '-') out += c;
  }
  return out;
}

std::optional<ObxValue> EncodeValue(const v1::Field& field, const Delimiters& d,
                                    std::string_view coded_type) {
  switch (field.value_case()) {
    case v1::Field::kText: {
      const std::string& text = field.text();
      const bool long_text = text.size() > kMaxStLength || text.find('\n') != std::string::npos;
      return ObxValue{long_text ? "TX" : "ST", EncodeLines(text, d)};
    }
    case v1::Field::kInteger:
      return ObxValue{"NM", std::to_string(field.integer())};
    case v1::Field::kDecimal: {
      if (!std::isfinite(field.decimal())) return std::nullopt;
      char buffer[32];
      const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, field.decimal());
      if (ec != std::errc()) return std::nullopt;
      return ObxValue{"NM", std::string(buffer, end)};
    }
    case v1::Field::kBoolean:
      return ObxValue{std::string(coded_type), field.boolean() ? Coded("Y", "Yes", "HL70136", d)
                                                               : Coded("N", "No", "HL70136", d)};
    case v1::Field::kDate:
      return ObxValue{"DT", Escape(Hl7Date(field.date()), d)};
    case v1::Field::kDateTime:
      return ObxValue{"TS", Hl7Timestamp(field.date_time())};
    case v1::Field::kCoded:
      return ObxValue{std::string(coded_type), Coded(field.coded().code(), field.coded().display(),
                                                     field.coded().system(), d)};
    case v1::Field::VALUE_NOT_SET:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace gallery::hl7v2
