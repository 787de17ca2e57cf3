#include "adapters/hl7v2/message_mapper.h"

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include "adapters/csv/text_util.h"
#include "adapters/csv/value_parsers.h"
#include "adapters/hl7v2/hl7_time.h"
#include "hub/common/nhs_number.h"
#include "hub/ingest/record_validator.h"

namespace gallery::hl7v2 {
namespace {

std::string Alnum(std::string_view s, size_t max) {
  std::string out;
  for (char c : s.substr(0, max)) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += c;
  }
  return out;
}

FieldPath P(const char* segment, int field, int component = 0) {
  return FieldPath{segment, field, component, 0};
}

// Record ids are printable ASCII without spaces (hub/ingest/record_validator.h); control
// ids and facility names may hold anything, so other bytes, and ':' which separates the
// parts, are percent-encoded.
std::string IdPart(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if ((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') ||
        b == '-' || b == '.' || b == '_') {
      out += c;
    } else {
      out += '%';
      out += kHex[b >> 4];
      out += kHex[b & 0xF];
    }
  }
  return out;
}

class Mapper {
 public:
  Mapper(const MappingSpec& spec, const Message& m) : spec_(spec), m_(m) {}

  void Problem(std::string text) {
    if (!problems_.empty()) problems_ += "; ";
    problems_ += std::move(text);
  }
  const std::string& problems() const { return problems_; }

  // The place of `path` for errors: the first segment of that name, or just the name.
  std::string Where(const FieldPath& path, const Segment* segment = nullptr) {
    if (segment == nullptr) segment = m_.Find(path.segment);
    if (segment != nullptr) return m_.Where(*segment, path.field);
    return "message " + std::to_string(m_.number) + ", " + path.ToString() + " (no " +
           path.segment + " segment)";
  }

  std::string Read(const FieldPath& path, const Segment* segment = nullptr, size_t rep = 0) {
    if (segment == nullptr || segment->name != path.segment) segment = m_.Find(path.segment);
    if (segment == nullptr) return "";
    auto value = ReadValue(m_, *segment, path, rep);
    if (!value.ok()) {
      Problem(value.status().message());
      return "";
    }
    return std::move(value).value();
  }

  // The first non-empty value of `source` and the path it came from.
  std::pair<std::string, const FieldPath*> First(const Source& source,
                                                 const Segment* segment = nullptr) {
    for (const FieldPath& path : source.paths) {
      std::string value = Read(path, segment);
      if (!value.empty()) return {std::move(value), &path};
    }
    if (source.required && !source.paths.empty()) {
      Problem(Where(source.paths.front(), segment) + ": required but empty");
    }
    return {"", nullptr};
  }

  std::string IdOf(const IdSpec& id, const std::string& purpose) {
    const std::string facility = Read(P("MSH", 4, 1));
    std::string out = spec_.record_id_prefix + IdPart(facility) + ":";
    if (id.kind == IdSpec::Kind::kVisit) {
      const std::string visit = Read(P("PV1", 19, 1));
      if (visit.empty()) {
        Problem(Where(P("PV1", 19)) + ": visit number is empty, and the mapping names " +
                purpose + " by visit");
      }
      return out + "visit:" + IdPart(visit) + ":" + id.visit_role;
    }
    const std::string control = ControlId(m_);
    if (control.empty()) Problem(Where(P("MSH", 10)) + ": message control id is empty");
    return out + IdPart(control);
  }

  // The CX repetition of `spec.field` whose type (CX-5) or authority (CX-4.1) is listed.
  std::string Identifier(const IdentifierSpec& spec, const char* what) {
    if (!spec.field) return "";
    const Segment* segment = m_.Find(spec.field->segment);
    if (segment != nullptr) {
      const size_t reps =
          Repetitions(segment->Field(static_cast<size_t>(spec.field->field)), m_.delimiters).size();
      for (size_t r = 0; r < reps; ++r) {
        FieldPath path = *spec.field;
        path.component = 1;
        std::string id = Read(path, segment, r);
        if (id.empty()) continue;
        if (spec.types.empty()) return id;
        path.component = 5;
        const std::string type = Read(path, segment, r);
        path.component = 4;
        path.subcomponent = 1;
        const std::string authority = Read(path, segment, r);
        for (const auto& t : spec.types) {
          if (t == type || t == authority) return id;
        }
      }
    }
    if (spec.required) Problem(Where(*spec.field) + ": no " + what + " found");
    return "";
  }

  void Subject(v1::Subject& out) {
    const SubjectSpec& s = spec_.subject;
    if (std::string nhs = NormaliseNhsNumber(Identifier(s.nhs_number, "NHS number"));
        !nhs.empty()) {
      if (Status valid = ValidateNhsNumber(nhs); !valid.ok()) {
        Problem(Where(*s.nhs_number.field) + ": NHS number: " + valid.message());
      } else {
        out.set_nhs_number(std::move(nhs));
      }
    }
    if (std::string id = Identifier(s.local_id, "local identifier"); !id.empty()) {
      v1::LocalIdentifier* local = out.add_local_ids();
      local->set_agency(spec_.agency);
      local->set_value(std::move(id));
    }
    v1::Demographics& d = *out.mutable_demographics();
    d.set_given_name(First(s.given_name).first);
    d.set_family_name(First(s.family_name).first);
    if (auto [dob, path] = First(s.birth_date); path != nullptr) {
      if (auto parts = ParseHl7DateTime(dob)) {
        d.set_birth_date(parts->IsoDate());
      } else {
        Problem(Where(*path) + ": not an HL7 date (YYYYMMDD[HHMM[SS]])");
      }
    }
    if (auto [code, path] = First(s.gender); path != nullptr) Gender(code, *path, d);
    for (const FieldPath& path : s.address_lines) {
      if (std::string line = Read(path); !line.empty()) d.add_address_lines(std::move(line));
    }
    d.set_postcode(First(s.postcode).first);
    d.set_phone(First(s.phone).first);
    std::string ods = First(s.registered_gp_ods).first;
    for (char& c : ods) c = csv::AsciiUpper(c);
    out.set_registered_gp_ods(std::move(ods));
    if (d.ByteSizeLong() == 0) out.clear_demographics();
  }

  bool Timestamp(const Source& source, google::protobuf::Timestamp& out) {
    auto [text, path] = First(source);
    if (path == nullptr) return false;
    if (auto parts = ParseHl7DateTime(text)) {
      out = parts->ToTimestamp();
      return true;
    }
    Problem(Where(*path) + ": not an HL7 date/time (YYYYMMDD[HHMM[SS]][+ZZZZ])");
    return false;
  }

  void Section(const SectionSpec& spec, v1::Record& record) {
    v1::Section section;
    section.set_heading(spec.heading);
    for (const auto& label : spec.labels) section.add_sensitivity_labels(label);
    if (spec.rows) {
      Rows(*spec.rows, section);
    } else {
      for (const FieldSpec& field : spec.fields) {
        v1::Field out;
        auto path = Value(field.source, field.type, nullptr, out);
        if (path == nullptr) continue;
        out.set_name(field.name);
        for (const auto& label : field.labels) out.add_sensitivity_labels(label);
        *section.add_fields() = std::move(out);
      }
    }
    // A heading with nothing under it tells the reader nothing, so it is not sent.
    if (section.fields_size() > 0) *record.add_sections() = std::move(section);
  }

 private:
  void Gender(const std::string& code, const FieldPath& path, v1::Demographics& d) {
    const auto& map = spec_.subject.gender_map;
    if (auto it = map.find(code); it != map.end()) {
      d.set_gender(it->second);
      return;
    }
    for (const auto& [from, to] : map) {
      if (csv::EqualsIgnoreCase(from, code)) {
        d.set_gender(to);
        return;
      }
    }
    Problem(Where(path) + ": sex code not in the mapping's gender map");
  }

  // Fills the value of `out` from the first non-empty path of `source`; returns that path,
  // or nullptr when every path is empty or the value is bad (a problem is noted).
  const FieldPath* Value(const Source& source, ValueType type, const Segment* segment,
                         v1::Field& out) {
    auto [text, first_path] = First(source, segment);
    // A plain variable, as clang before 16 cannot capture a structured binding.
    const FieldPath* path = first_path;
    if (path == nullptr) return nullptr;
    auto bad = [&](std::string_view what) -> const FieldPath* {
      Problem(Where(*path, segment) + ": " + std::string(what));
      return nullptr;
    };
    switch (type) {
      case ValueType::kText:
        out.set_text(std::move(text));
        return path;
      case ValueType::kInteger:
        if (auto v = csv::ParseInteger(text)) {
          out.set_integer(*v);
          return path;
        }
        return bad("not an integer");
      case ValueType::kDecimal:
        if (auto v = csv::ParseDecimal(text)) {
          out.set_decimal(*v);
          return path;
        }
        return bad("not a decimal number");
      case ValueType::kDate:
        if (auto v = ParseHl7DateTime(text)) {
          out.set_date(v->IsoDate());
          return path;
        }
        return bad("not an HL7 date (YYYYMMDD[HHMM[SS]])");
      case ValueType::kDateTime:
        if (auto v = ParseHl7DateTime(text)) {
          *out.mutable_date_time() = v->ToTimestamp();
          return path;
        }
        return bad("not an HL7 date/time (YYYYMMDD[HHMM[SS]][+ZZZZ])");
      case ValueType::kCoded: {
        // CE/CWE: identifier ^ text ^ name of coding system.
        FieldPath p = *path;
        v1::Coded& coded = *out.mutable_coded();
        p.component = 1;
        coded.set_code(Read(p, segment));
        p.component = 2;
        coded.set_display(Read(p, segment));
        p.component = 3;
        coded.set_system(Read(p, segment));
        return path;
      }
      case ValueType::kClinician: {
        // XCN: id ^ family ^ given ^ middle ^ suffix ^ prefix; the name when there is one.
        FieldPath p = *path;
        std::string name;
        for (int component : {6, 3, 2}) {
          p.component = component;
          if (std::string part = Read(p, segment); !part.empty()) {
            name += (name.empty() ? "" : " ") + part;
          }
        }
        p.component = 1;
        out.set_text(name.empty() ? Read(p, segment) : name);
        return path;
      }
    }
    return nullptr;
  }

  void Rows(const RowsSpec& rows, v1::Section& section) {
    std::set<std::string> names;  // lower-cased, as the hub compares them
    int n = 0;
    for (const Segment* segment : m_.FindAll(rows.segment)) {
      ++n;
      v1::Field field;
      if (Value(rows.value, rows.type, segment, field) == nullptr) continue;
      if (rows.units && field.has_text()) {
        if (std::string units = Read(*rows.units, segment); !units.empty()) {
          field.set_text(field.text() + " " + units);
        }
      }
      std::string name = First(rows.name, segment).first;
      if (name.empty()) name = rows.segment + " " + std::to_string(n);
      // Two results of the same test (a repeat measurement) must still have distinct names.
      std::string unique = name;
      for (int k = 2; !names.insert(csv::AsciiLowered(unique)).second; ++k) {
        unique = name + " (" + std::to_string(k) + ")";
      }
      field.set_name(std::move(unique));
      for (const auto& label : rows.labels) field.add_sensitivity_labels(label);
      *section.add_fields() = std::move(field);
    }
  }

  const MappingSpec& spec_;
  const Message& m_;
  std::string problems_;
};

}  // namespace

std::string MessageType(const Message& message) {
  auto read = [&](const FieldPath& path) {
    auto v = ReadFirst(message, path);
    return v.ok() ? Alnum(*v, 3) : std::string();
  };
  const std::string code = read(P("MSH", 9, 1));
  if (code.empty()) return "";
  std::string event = read(P("MSH", 9, 2));
  if (event.empty()) event = read(P("EVN", 1, 1));
  return code + "^" + event;
}

std::string ControlId(const Message& message) {
  auto v = ReadFirst(message, P("MSH", 10, 1));
  return v.ok() ? std::move(v).value() : std::string();
}

Result<v1::Record> MapMessage(const MappingSpec& spec, const Message& message) {
  Mapper mapper(spec, message);
  const std::string type = MessageType(message);
  const MessageSpec* ms = nullptr;
  for (const MessageSpec& candidate : spec.messages) {
    if (candidate.type == type) ms = &candidate;
  }
  if (type.empty()) {
    return InvalidArgument(message.Where(message.msh(), 9) + ": message type is empty");
  }
  if (ms == nullptr) {
    return InvalidArgument(message.Where(message.msh(), 9) + ": message type " + type +
                           " is not in the mapping of agency " + spec.agency);
  }
  v1::Record record;
  record.set_record_id(mapper.IdOf(ms->record_id, "this message's records"));
  record.set_source_agency(spec.agency);
  record.set_record_type(ms->record_type);
  if (ms->amends.kind != IdSpec::Kind::kNone) {
    record.set_amends(mapper.IdOf(ms->amends, "the record it amends"));
  }
  if (ms->retracts.kind != IdSpec::Kind::kNone) {
    record.set_retracts(mapper.IdOf(ms->retracts, "the record it retracts"));
  }
  mapper.Subject(*record.mutable_subject());
  for (const auto& label : spec.labels) record.add_sensitivity_labels(label);
  for (const auto& label : ms->labels) record.add_sensitivity_labels(label);
  google::protobuf::Timestamp ts;
  if (mapper.Timestamp(spec.occurred_at, ts)) *record.mutable_occurred_at() = ts;
  if (mapper.Timestamp(spec.recorded_at, ts)) *record.mutable_recorded_at() = ts;
  for (const SectionSpec& section : spec.sections) {
    if (!ms->sections.empty() &&
        std::find(ms->sections.begin(), ms->sections.end(), section.heading) ==
            ms->sections.end()) {
      continue;
    }
    mapper.Section(section, record);
  }
  if (record.record_id().size() > ingest::kMaxRecordIdBytes) {
    mapper.Problem(message.Where(message.msh(), 10) + ": the record id would be longer than " +
                   std::to_string(ingest::kMaxRecordIdBytes) + " bytes");
  }
  if (!mapper.problems().empty()) return InvalidArgument(mapper.problems());
  return record;
}

}  // namespace gallery::hl7v2
