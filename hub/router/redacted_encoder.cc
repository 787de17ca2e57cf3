#include "hub/router/redacted_encoder.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace gallery::router {
namespace {

using google::protobuf::MessageLite;
using google::protobuf::RepeatedPtrField;

// Field numbers from proto/gallery/v1/record.proto. All are below 16, so every tag is one
// byte; every field written here is length-delimited (strings and messages).
namespace record_field {
constexpr uint32_t kRecordId = 1, kSourceAgency = 2, kRecordType = 3, kSubject = 4,
                   kLabels = 5, kSections = 6, kAmends = 7, kRetracts = 8, kOccurredAt = 9,
                   kRecordedAt = 10, kReceivedAt = 11;
}  // namespace record_field
namespace subject_field {
constexpr uint32_t kNhsNumber = 1, kLocalIds = 2, kDemographics = 3, kRegisteredGp = 4;
}  // namespace subject_field
namespace section_field {
constexpr uint32_t kHeading = 1, kFields = 2, kLabels = 3;
}  // namespace section_field

size_t VarintSize(uint64_t value) {
  size_t n = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++n;
  }
  return n;
}

size_t DelimitedSize(size_t body) { return 1 + VarintSize(body) + body; }
// proto3: an empty singular string is not written.
size_t StringSize(const std::string& s) { return s.empty() ? 0 : DelimitedSize(s.size()); }
// Repeated strings are written even when empty.
size_t StringsSize(const RepeatedPtrField<std::string>& strings) {
  size_t n = 0;
  for (const std::string& s : strings) n += DelimitedSize(s.size());
  return n;
}
// Computes and caches the message's size, which Writer::Message then relies on.
size_t MessageSize(const MessageLite& message) { return DelimitedSize(message.ByteSizeLong()); }
size_t CachedMessageSize(const MessageLite& message) {
  return DelimitedSize(static_cast<size_t>(message.GetCachedSize()));
}

// Writes into a buffer already sized for exactly what is written.
class Writer {
 public:
  explicit Writer(char* at) : at_(at) {}

  void Header(uint32_t field, size_t body) {
    *at_++ = static_cast<char>((field << 3) | 2);
    uint64_t value = body;
    while (value >= 0x80) {
      *at_++ = static_cast<char>((value & 0x7f) | 0x80);
      value >>= 7;
    }
    *at_++ = static_cast<char>(value);
  }
  void Bytes(uint32_t field, std::string_view bytes) {
    Header(field, bytes.size());
    std::memcpy(at_, bytes.data(), bytes.size());
    at_ += bytes.size();
  }
  void String(uint32_t field, const std::string& s) {
    if (!s.empty()) Bytes(field, s);
  }
  void Strings(uint32_t field, const RepeatedPtrField<std::string>& strings) {
    for (const std::string& s : strings) Bytes(field, s);
  }
  // `message`'s size must be cached (MessageSize).
  void Message(uint32_t field, const MessageLite& message) {
    Header(field, static_cast<size_t>(message.GetCachedSize()));
    at_ = reinterpret_cast<char*>(
        message.SerializeWithCachedSizesToArray(reinterpret_cast<uint8_t*>(at_)));
  }

  const char* at() const { return at_; }

 private:
  char* at_;
};

size_t DemographicSize(const v1::Demographics& d, Demographic which) {
  switch (which) {
    case Demographic::kGivenName: return StringSize(d.given_name());
    case Demographic::kFamilyName: return StringSize(d.family_name());
    case Demographic::kBirthDate: return StringSize(d.birth_date());
    case Demographic::kGender: return StringSize(d.gender());
    case Demographic::kAddress: return StringsSize(d.address_lines());
    case Demographic::kPostcode: return StringSize(d.postcode());
    case Demographic::kPhone: return StringSize(d.phone());
  }
  return 0;
}

// Demographics' field numbers follow the Demographic enum: given_name = 1 ... phone = 7.
void WriteDemographic(Writer& w, const v1::Demographics& d, Demographic which) {
  const auto field = static_cast<uint32_t>(which) + 1;
  switch (which) {
    case Demographic::kGivenName: w.String(field, d.given_name()); return;
    case Demographic::kFamilyName: w.String(field, d.family_name()); return;
    case Demographic::kBirthDate: w.String(field, d.birth_date()); return;
    case Demographic::kGender: w.String(field, d.gender()); return;
    case Demographic::kAddress: w.Strings(field, d.address_lines()); return;
    case Demographic::kPostcode: w.String(field, d.postcode()); return;
    case Demographic::kPhone: w.String(field, d.phone()); return;
  }
}

// The items of one section are consecutive (ListItems lists them in record order).
// Returns the end of the run of `items[begin].section`'s items, with the size its allowed
// fields take in the section (their sizes already cached); `travels` says if any is allowed.
size_t SectionRun(const v1::Record& record, const std::vector<RecordItem>& items,
                  const std::vector<bool>& allowed, size_t begin, size_t& fields_size,
                  bool& travels) {
  const v1::Section& section = record.sections(items[begin].section);
  fields_size = 0;
  travels = false;
  size_t end = begin;
  for (; end < items.size() && items[end].section == items[begin].section; ++end) {
    if (!allowed[end]) continue;
    travels = true;
    fields_size += CachedMessageSize(section.fields(items[end].index));
  }
  return end;
}

size_t SectionBodySize(const v1::Section& section, const std::string& heading,
                       size_t fields_size) {
  return StringSize(heading) + fields_size + StringsSize(section.sensitivity_labels());
}

}  // namespace

void AppendRedacted(const v1::Record& record, const std::vector<RecordItem>& items,
                    const std::vector<bool>& allowed, const SectionHeadings& headings,
                    std::string& out) {
  // Pass 1: sizes, bottom up; the allowed fields' sizes are cached in them for pass 2.
  const v1::Demographics& demographics = record.subject().demographics();
  size_t demographics_size = 0;
  bool any_demographic = false;
  size_t first_field = items.size();
  for (size_t i = 0; i < items.size(); ++i) {
    const RecordItem& item = items[i];
    if (item.section >= 0) {
      first_field = std::min(first_field, i);
      if (allowed[i]) (void)MessageSize(record.sections(item.section).fields(item.index));
      continue;
    }
    if (!allowed[i]) continue;
    any_demographic = true;
    demographics_size += DemographicSize(demographics, static_cast<Demographic>(item.index));
  }
  size_t sections_size = 0;
  for (size_t i = first_field; i < items.size();) {
    size_t fields_size = 0;
    bool travels = false;
    const size_t end = SectionRun(record, items, allowed, i, fields_size, travels);
    if (travels) {
      const int s = items[i].section;
      sections_size += DelimitedSize(SectionBodySize(
          record.sections(s), TravellingHeading(record, headings, s), fields_size));
    }
    i = end;
  }
  const v1::Subject& subject = record.subject();
  size_t subject_size = 0;
  if (record.has_subject()) {
    subject_size = StringSize(subject.nhs_number()) + StringSize(subject.registered_gp_ods());
    for (const auto& id : subject.local_ids()) subject_size += MessageSize(id);
    if (any_demographic) subject_size += DelimitedSize(demographics_size);
  }
  size_t total = StringSize(record.record_id()) + StringSize(record.source_agency()) +
                 StringSize(record.record_type()) + StringsSize(record.sensitivity_labels()) +
                 sections_size + StringSize(record.amends()) + StringSize(record.retracts());
  if (record.has_subject()) total += DelimitedSize(subject_size);
  if (record.has_occurred_at()) total += MessageSize(record.occurred_at());
  if (record.has_recorded_at()) total += MessageSize(record.recorded_at());
  if (record.has_received_at()) total += MessageSize(record.received_at());

  // Pass 2: the bytes, in field-number order at every level, as protobuf writes them.
  const size_t start = out.size();
  out.resize(start + total);
  Writer w(out.data() + start);
  w.String(record_field::kRecordId, record.record_id());
  w.String(record_field::kSourceAgency, record.source_agency());
  w.String(record_field::kRecordType, record.record_type());
  if (record.has_subject()) {
    w.Header(record_field::kSubject, subject_size);
    w.String(subject_field::kNhsNumber, subject.nhs_number());
    for (const auto& id : subject.local_ids()) w.Message(subject_field::kLocalIds, id);
    if (any_demographic) {
      w.Header(subject_field::kDemographics, demographics_size);
      for (size_t i = 0; i < first_field; ++i) {
        if (allowed[i]) WriteDemographic(w, demographics, static_cast<Demographic>(items[i].index));
      }
    }
    w.String(subject_field::kRegisteredGp, subject.registered_gp_ods());
  }
  w.Strings(record_field::kLabels, record.sensitivity_labels());
  for (size_t i = first_field; i < items.size();) {
    size_t fields_size = 0;
    bool travels = false;
    const size_t end = SectionRun(record, items, allowed, i, fields_size, travels);
    if (travels) {
      const v1::Section& section = record.sections(items[i].section);
      const std::string& heading = TravellingHeading(record, headings, items[i].section);
      w.Header(record_field::kSections, SectionBodySize(section, heading, fields_size));
      w.String(section_field::kHeading, heading);
      for (size_t f = i; f < end; ++f) {
        if (allowed[f]) w.Message(section_field::kFields, section.fields(items[f].index));
      }
      w.Strings(section_field::kLabels, section.sensitivity_labels());
    }
    i = end;
  }
  w.String(record_field::kAmends, record.amends());
  w.String(record_field::kRetracts, record.retracts());
  if (record.has_occurred_at()) w.Message(record_field::kOccurredAt, record.occurred_at());
  if (record.has_recorded_at()) w.Message(record_field::kRecordedAt, record.recorded_at());
  if (record.has_received_at()) w.Message(record_field::kReceivedAt, record.received_at());
  if (w.at() != out.data() + out.size()) {
    std::fprintf(stderr, "%s:%d: redacted record size miscounted\n", __FILE__, __LINE__);
    std::abort();
  }
}

}  // namespace gallery::router
