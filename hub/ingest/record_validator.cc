#include "hub/ingest/record_validator.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "hub/common/nhs_number.h"

namespace gallery::ingest {
namespace {

// Collects problems up to kMaxReportedProblems and counts the rest.
class Problems {
 public:
  void Add(std::string path, std::string_view what) {
    if (static_cast<int>(lines_.size()) < kMaxReportedProblems) {
      lines_.push_back(std::move(path) + ": " + std::string(what));
    } else {
      ++dropped_;
    }
  }
  Status ToStatus() const {
    if (lines_.empty()) return OkStatus();
    std::string out;
    for (const std::string& line : lines_) {
      if (!out.empty()) out += '\n';
      out += line;
    }
    if (dropped_ > 0) out += "\n(and " + std::to_string(dropped_) + " more problems)";
    return InvalidArgument(std::move(out));
  }

 private:
  std::vector<std::string> lines_;
  int dropped_ = 0;
};

bool IsSlugChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

bool IsRecordType(std::string_view type) {
  const size_t dot = type.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == type.size()) return false;
  const std::string_view domain = type.substr(0, dot);
  const std::string_view event = type.substr(dot + 1);
  return std::all_of(domain.begin(), domain.end(), IsSlugChar) &&
         std::all_of(event.begin(), event.end(), IsSlugChar);
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A real calendar date in ISO 8601 "YYYY-MM-DD" (proleptic Gregorian, years 0001-9999).
bool IsIsoDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!IsDigit(s[i])) return false;
  }
  const int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  const int month = (s[5] - '0') * 10 + (s[6] - '0');
  const int day = (s[8] - '0') * 10 + (s[9] - '0');
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  const int days_in_month = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  return day <= days_in_month;
}

char LowerChar(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = LowerChar(c);
  return out;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerChar(a[i]) != LowerChar(b[i])) return false;
  }
  return true;
}

// Whether a name repeats one seen before, ignoring ASCII case. Records are checked on the
// hub's one thread for every record, so the usual handful of names is compared pairwise,
// without allocating; only long lists pay for a hash set.
class SeenNames {
 public:
  // True when `name` was not seen before (and is now).
  bool Insert(std::string_view name) {
    if (lowered_.empty() && names_.size() < kPairwiseLimit) {
      for (std::string_view seen : names_) {
        if (EqualsIgnoringCase(seen, name)) return false;
      }
      names_.push_back(name);
      return true;
    }
    if (lowered_.empty()) {
      for (std::string_view seen : names_) lowered_.insert(Lower(seen));
    }
    return lowered_.insert(Lower(name)).second;
  }
  void Clear() {
    names_.clear();
    lowered_.clear();
  }

 private:
  static constexpr size_t kPairwiseLimit = 32;
  std::vector<std::string_view> names_;  // points into the record
  std::unordered_set<std::string> lowered_;
};

std::string Indexed(std::string_view name, int i) {
  return std::string(name) + "[" + std::to_string(i) + "]";
}

// Reports a text longer than the limit; `path` is built only then.
class TextLimit {
 public:
  TextLimit(const RecordLimits& limits, Problems& problems)
      : max_bytes_(limits.max_string_bytes), problems_(problems) {}

  template <typename Path>
  void Check(const std::string& text, const Path& path) const {
    if (text.size() > max_bytes_) {
      problems_.Add(std::string(path()),
                    "longer than the limit of " + std::to_string(max_bytes_) + " bytes");
    }
  }
  void Check(const std::string& text, const char* path) const {
    Check(text, [path] { return path; });
  }
  template <typename Path>
  void CheckAll(const google::protobuf::RepeatedPtrField<std::string>& texts,
                const Path& path) const {
    for (int i = 0; i < texts.size(); ++i) {
      Check(texts.Get(i), [&] { return std::string(path()) + "[" + std::to_string(i) + "]"; });
    }
  }

 private:
  size_t max_bytes_;
  Problems& problems_;
};

void CheckTextLengths(const v1::Record& record, const TextLimit& limit) {
  // record_id has its own, stricter bound.
  limit.Check(record.source_agency(), "source_agency");
  limit.Check(record.record_type(), "record_type");
  limit.Check(record.amends(), "amends");
  limit.Check(record.retracts(), "retracts");
  limit.CheckAll(record.sensitivity_labels(), [] { return "sensitivity_labels"; });
  const v1::Subject& subject = record.subject();
  limit.Check(subject.nhs_number(), "subject.nhs_number");
  limit.Check(subject.registered_gp_ods(), "subject.registered_gp_ods");
  for (int i = 0; i < subject.local_ids_size(); ++i) {
    auto path = [i] { return "subject." + Indexed("local_ids", i); };
    limit.Check(subject.local_ids(i).agency(), [&] { return path() + ".agency"; });
    limit.Check(subject.local_ids(i).value(), [&] { return path() + ".value"; });
  }
  const v1::Demographics& who = subject.demographics();
  limit.Check(who.given_name(), "subject.demographics.given_name");
  limit.Check(who.family_name(), "subject.demographics.family_name");
  limit.Check(who.birth_date(), "subject.demographics.birth_date");
  limit.Check(who.gender(), "subject.demographics.gender");
  limit.CheckAll(who.address_lines(), [] { return "subject.demographics.address_lines"; });
  limit.Check(who.postcode(), "subject.demographics.postcode");
  limit.Check(who.phone(), "subject.demographics.phone");
}

template <typename Path>
void CheckFieldLengths(const v1::Field& field, const Path& path, const TextLimit& limit) {
  limit.Check(field.name(), [&] { return path() + ".name"; });
  limit.Check(field.text(), [&] { return path() + ".text"; });
  limit.Check(field.date(), [&] { return path() + ".date"; });
  if (field.has_coded()) {
    limit.Check(field.coded().system(), [&] { return path() + ".coded.system"; });
    limit.Check(field.coded().code(), [&] { return path() + ".coded.code"; });
    limit.Check(field.coded().display(), [&] { return path() + ".coded.display"; });
  }
  limit.CheckAll(field.sensitivity_labels(), [&] { return path() + ".sensitivity_labels"; });
}

void CheckIdentity(const v1::Record& record, Problems& problems) {
  const std::string& id = record.record_id();
  if (id.empty()) {
    problems.Add("record_id", "must not be empty");
  } else if (id.size() > kMaxRecordIdBytes) {
    problems.Add("record_id", "must be at most " + std::to_string(kMaxRecordIdBytes) + " bytes");
  } else if (!std::all_of(id.begin(), id.end(), [](char c) { return c > ' ' && c <= '~'; })) {
    problems.Add("record_id", "must be printable ASCII without spaces");
  }
  if (!IsRecordType(record.record_type())) {
    problems.Add("record_type",
                 "must be domain.event in lower case letters, digits and hyphens, "
                 "e.g. assessment.single");
  }
  if (record.source_agency().empty()) problems.Add("source_agency", "must not be empty");
  if (!record.amends().empty() && !record.retracts().empty()) {
    problems.Add("retracts", "must not be set together with amends");
  }
  if (!id.empty() && record.amends() == id) {
    problems.Add("amends", "must not name the record itself");
  }
  if (!id.empty() && record.retracts() == id) {
    problems.Add("retracts", "must not name the record itself");
  }
}

void CheckSubject(const v1::Subject& subject, Problems& problems) {
  if (subject.nhs_number().empty() && subject.local_ids_size() == 0) {
    problems.Add("subject", "needs an nhs_number or at least one local id");
  }
  if (!subject.nhs_number().empty()) {
    const Status nhs = ValidateNhsNumber(subject.nhs_number());
    if (!nhs.ok()) problems.Add("subject.nhs_number", nhs.message());
  }
  for (int i = 0; i < subject.local_ids_size(); ++i) {
    const v1::LocalIdentifier& local = subject.local_ids(i);
    auto path = [i] { return "subject." + Indexed("local_ids", i); };
    if (local.agency().empty()) problems.Add(path() + ".agency", "must not be empty");
    if (local.value().empty()) problems.Add(path() + ".value", "must not be empty");
  }
  const std::string& birth_date = subject.demographics().birth_date();
  if (!birth_date.empty() && !IsIsoDate(birth_date)) {
    problems.Add("subject.demographics.birth_date", "must be a real date written YYYY-MM-DD");
  }
}

// Paths are built only for problems found: a valid record costs no allocation here.
// Items beyond a count limit are reported once and not checked further, which bounds the
// work one record can cause.
void CheckSections(const v1::Record& record, const RecordLimits& limits, const TextLimit& limit,
                   Problems& problems) {
  SeenNames headings;
  SeenNames names;
  const int sections = std::min<int64_t>(record.sections_size(), limits.max_sections);
  if (record.sections_size() > sections) {
    problems.Add(Indexed("sections", sections),
                 "beyond the limit of " + std::to_string(limits.max_sections) + " sections");
  }
  for (int s = 0; s < sections; ++s) {
    const v1::Section& section = record.sections(s);
    auto path = [s] { return Indexed("sections", s); };
    limit.Check(section.heading(), [&] { return path() + ".heading"; });
    limit.CheckAll(section.sensitivity_labels(), [&] { return path() + ".sensitivity_labels"; });
    if (section.heading().empty()) {
      problems.Add(path() + ".heading", "must not be empty");
    } else if (section.heading().find('/') != std::string::npos) {
      // Rules address fields as "Heading/Field"; a '/' in a heading would let a rule for
      // section "A" also match the fields of a section "A/B".
      problems.Add(path() + ".heading", "must not contain '/'");
    } else if (!headings.Insert(section.heading())) {
      problems.Add(path() + ".heading", "repeats an earlier heading (ignoring case)");
    }
    names.Clear();
    const int fields = std::min<int64_t>(section.fields_size(), limits.max_fields_per_section);
    if (section.fields_size() > fields) {
      problems.Add(path() + "." + Indexed("fields", fields),
                   "beyond the limit of " + std::to_string(limits.max_fields_per_section) +
                       " fields per section");
    }
    for (int f = 0; f < fields; ++f) {
      const v1::Field& field = section.fields(f);
      auto field_path = [&path, f] { return path() + "." + Indexed("fields", f); };
      CheckFieldLengths(field, field_path, limit);
      if (field.name().empty()) {
        problems.Add(field_path() + ".name", "must not be empty");
      } else if (!names.Insert(field.name())) {
        problems.Add(field_path() + ".name",
                     "repeats an earlier field name in the section "
                     "(ignoring case)");
      }
      if (field.value_case() == v1::Field::VALUE_NOT_SET) {
        problems.Add(field_path(), "has no value");
      } else if (field.value_case() == v1::Field::kDate && !IsIsoDate(field.date())) {
        problems.Add(field_path() + ".date", "must be a real date written YYYY-MM-DD");
      }
    }
  }
}

}  // namespace

Status ValidateRecord(const v1::Record& record, const RecordLimits& limits) {
  Problems problems;
  const TextLimit limit(limits, problems);
  CheckIdentity(record, problems);
  CheckSubject(record.subject(), problems);
  CheckTextLengths(record, limit);
  CheckSections(record, limits, limit, problems);
  return problems.ToStatus();
}

}  // namespace gallery::ingest
