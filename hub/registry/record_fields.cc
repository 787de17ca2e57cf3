#include "hub/registry/record_fields.h"

#include <google/protobuf/util/time_util.h>

#include <cctype>

namespace gallery::registry {
namespace {

using google::protobuf::util::TimeUtil;

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::optional<int64_t> ParseDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-')
    return std::nullopt;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(text[i])))
      return std::nullopt;
  }
  google::protobuf::Timestamp at;
  if (!TimeUtil::FromString(std::string(text) + "T00:00:00Z", &at))
    return std::nullopt;
  return TimeUtil::TimestampToMicroseconds(at);
}

} // namespace

const v1::Field *FindField(const v1::Record &record, std::string_view name) {
  for (const auto &section : record.sections()) {
    for (const auto &field : section.fields()) {
      if (EqualsIgnoringCase(field.name(), name))
        return &field;
    }
  }
  return nullptr;
}

std::string FieldText(const v1::Field &field) {
  switch (field.value_case()) {
  case v1::Field::kText:
    return field.text();
  case v1::Field::kInteger:
    return std::to_string(field.integer());
  case v1::Field::kDecimal:
    return std::to_string(field.decimal());
  case v1::Field::kBoolean:
    return field.boolean() ? "true" : "false";
  case v1::Field::kDate:
    return field.date();
  case v1::Field::kDateTime:
    return TimeUtil::ToString(field.date_time());
  case v1::Field::kCoded:
    return field.coded().code().empty() ? field.coded().display()
                                        : field.coded().code();
  case v1::Field::VALUE_NOT_SET:
    break;
  }
  return {};
}

std::string Normalised(std::string_view text) {
  while (!text.empty() &&
         std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() &&
         std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  std::string out(text);
  for (char &c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<int64_t> ParseInstant(std::string_view text) {
  if (auto date = ParseDate(text))
    return date;
  google::protobuf::Timestamp at;
  if (text.empty() || !TimeUtil::FromString(std::string(text), &at))
    return std::nullopt;
  return TimeUtil::TimestampToMicroseconds(at);
}

std::optional<int64_t> FieldInstant(const v1::Field &field) {
  if (field.value_case() == v1::Field::kDateTime) {
    return TimeUtil::TimestampToMicroseconds(field.date_time());
  }
  std::string text = FieldText(field);
  std::string_view start = text;
  if (start.starts_with("from "))
    start.remove_prefix(5);
  if (const size_t to = start.find(" to "); to != std::string_view::npos)
    start = start.substr(0, to);
  return ParseInstant(start);
}

int64_t RecordInstant(const v1::Record &record) {
  return TimeUtil::TimestampToMicroseconds(
      record.has_occurred_at() ? record.occurred_at() : record.received_at());
}

} // namespace gallery::registry
