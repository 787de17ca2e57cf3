#include "adapters/csv/out_mapping.h"

#include <algorithm>
#include <charconv>
#include <set>

#include <google/protobuf/util/time_util.h>

#include "adapters/csv/read_file.h"
#include "hub/common/yaml_util.h"

namespace gallery::csv {
namespace {

constexpr size_t kMaxRowsPerFile = 10'000'000;

std::string TimestampText(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "";
  return google::protobuf::util::TimeUtil::ToString(t);
}

std::string Joined(const google::protobuf::RepeatedPtrField<std::string>& parts,
                   std::string_view separator) {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

std::string FieldText(const v1::Field& f) {
  switch (f.value_case()) {
    case v1::Field::kText:
      return f.text();
    case v1::Field::kInteger:
      return std::to_string(f.integer());
    case v1::Field::kDecimal: {
      char buffer[32];
      const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, f.decimal());
      return ec == std::errc() ? std::string(buffer, end) : "";
    }
    case v1::Field::kBoolean:
      return f.boolean() ? "yes" : "no";
    case v1::Field::kDate:
      return f.date();
    case v1::Field::kDateTime:
      return TimestampText(f.date_time());
    case v1::Field::kCoded:
      return f.coded().code();
    case v1::Field::VALUE_NOT_SET:
      return "";
  }
  return "";
}

std::string AtValue(const v1::Record& r, std::string_view path) {
  const v1::Demographics& d = r.subject().demographics();
  if (path == "@record_id") return r.record_id();
  if (path == "@record_type") return r.record_type();
  if (path == "@source_agency") return r.source_agency();
  if (path == "@occurred_at") return TimestampText(r.occurred_at());
  if (path == "@recorded_at") return TimestampText(r.recorded_at());
  if (path == "@received_at") return TimestampText(r.received_at());
  if (path == "@labels") return Joined(r.sensitivity_labels(), ";");
  if (path == "@subject/nhs_number") return r.subject().nhs_number();
  if (path == "@subject/local_id") {
    return r.subject().local_ids().empty() ? "" : r.subject().local_ids(0).value();
  }
  if (path == "@subject/registered_gp_ods") return r.subject().registered_gp_ods();
  if (path == "@subject/given_name") return d.given_name();
  if (path == "@subject/family_name") return d.family_name();
  if (path == "@subject/birth_date") return d.birth_date();
  if (path == "@subject/gender") return d.gender();
  if (path == "@subject/address") return Joined(d.address_lines(), ", ");
  if (path == "@subject/postcode") return d.postcode();
  if (path == "@subject/phone") return d.phone();
  return "";
}

}  // namespace

std::vector<std::string_view> KnownRecordPaths() {
  return {"@record_id",
          "@record_type",
          "@source_agency",
          "@occurred_at",
          "@recorded_at",
          "@received_at",
          "@labels",
          "@subject/nhs_number",
          "@subject/local_id",
          "@subject/registered_gp_ods",
          "@subject/given_name",
          "@subject/family_name",
          "@subject/birth_date",
          "@subject/gender",
          "@subject/address",
          "@subject/postcode",
          "@subject/phone"};
}

Result<OutMapping> OutMapping::Load(const std::string& path) {
  auto text = ReadFileCapped(path, kMaxYamlBytes);
  if (!text.ok()) return text.status();
  return Parse(*text, path);
}

Result<OutMapping> OutMapping::Parse(std::string_view yaml, const std::string& file) {
  YamlErrors errors(file);
  OutMapping out;
  try {
    const YAML::Node root = ParseYaml(yaml, errors);
    if (!errors.empty()) return InvalidArgument(errors.Joined());
    if (!root.IsMap()) {
      errors.Add(root, "an outbound mapping must be a YAML map with keys columns, ...");
      return InvalidArgument(errors.Joined());
    }
    CheckKeys(root, {"file_prefix", "rows_per_file", "columns"}, errors);
    out.file_prefix_ = ScalarOr(root, "file_prefix", "deliveries", errors);
    if (out.file_prefix_.find_first_of("/. ") != std::string::npos) {
      errors.Add(root["file_prefix"], "'file_prefix' must not contain '/', '.' or spaces");
    }
    if (const YAML::Node rows = root["rows_per_file"]; rows.IsDefined()) {
      const std::string text = rows.IsScalar() ? rows.Scalar() : "";
      size_t n = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
      if (ec != std::errc() || end != text.data() + text.size() || n == 0 || n > kMaxRowsPerFile) {
        errors.Add(rows, "'rows_per_file' must be a whole number from 1 to " +
                             std::to_string(kMaxRowsPerFile));
      }
      out.rows_per_file_ = n;
    }
    const YAML::Node columns = root["columns"];
    if (!columns.IsSequence() || columns.size() == 0) {
      errors.Add(columns.IsDefined() ? columns : root, "'columns' must be a non-empty list");
      return InvalidArgument(errors.Joined());
    }
    std::set<std::string> names(std::begin(kFixedOutColumns), std::end(kFixedOutColumns));
    const auto known = KnownRecordPaths();
    for (const auto& item : columns) {
      if (!item.IsMap()) {
        errors.Add(item, "each column must be a map with column and path");
        continue;
      }
      CheckKeys(item, {"column", "path"}, errors);
      OutColumn c;
      c.name = ScalarOr(item, "column", "", errors);
      c.path = ScalarOr(item, "path", "", errors);
      if (c.name.empty() || c.path.empty()) {
        errors.Add(item, "a column needs both 'column' and 'path'");
        continue;
      }
      if (!names.insert(c.name).second) {
        errors.Add(item["column"], "duplicate column name '" + c.name + "'");
      }
      if (c.path.front() == '@') {
        if (std::find(known.begin(), known.end(), c.path) == known.end()) {
          errors.Add(item["path"], "unknown path '" + c.path +
                                       "' (expected Heading/Field or one of @record_id, "
                                       "@subject/nhs_number, ...: see README)");
        }
      } else if (const size_t slash = c.path.find('/');
                 slash == std::string::npos || slash == 0 || slash + 1 == c.path.size()) {
        errors.Add(item["path"], "path '" + c.path + "' must be Heading/Field or an @path");
      } else {
        c.heading = c.path.substr(0, slash);
        c.field = c.path.substr(slash + 1);
      }
      out.columns_.push_back(std::move(c));
    }
  } catch (const YAML::Exception& e) {
    errors.Add(e.mark, e.msg);
  }
  if (!errors.empty()) return InvalidArgument(errors.Joined());
  return out;
}

std::vector<std::string> OutMapping::Header() const {
  std::vector<std::string> header(std::begin(kFixedOutColumns), std::end(kFixedOutColumns));
  for (const auto& c : columns_) header.push_back(c.name);
  return header;
}

std::vector<std::string> OutMapping::Row(const v1::Record& record) const {
  std::vector<std::string> row = {record.record_id(), "new", ""};
  if (!record.amends().empty()) {
    row[1] = "amend";
    row[2] = record.amends();
  } else if (!record.retracts().empty()) {
    row[1] = "retract";
    row[2] = record.retracts();
  }
  for (const auto& c : columns_) {
    if (c.heading.empty()) {
      row.push_back(AtValue(record, c.path));
      continue;
    }
    std::string value;
    for (const auto& section : record.sections()) {
      if (section.heading() != c.heading) continue;
      for (const auto& field : section.fields()) {
        if (field.name() == c.field) value = FieldText(field);
      }
    }
    row.push_back(std::move(value));
  }
  return row;
}

}  // namespace gallery::csv
