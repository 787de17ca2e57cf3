// Redaction: lists the parts of a record that rules decide on, and builds the copy of a
// record that one recipient may see, naming every path it removed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "gallery/v1/record.pb.h"
#include "hub/router/rule.h"
#include "hub/router/spares.h"

namespace gallery::router {

// One non-empty demographic or one section field. Listed once per record so that each
// rule's patterns are matched once, however many recipients the rule reaches.
struct RecordItem {
  std::string path;  // "@subject/postcode" or "Heading/Field"
  int section = -1;  // index into record.sections(), or -1 for a demographic
  int index = 0;     // field index within the section, or the Demographic
  // Labels that must all be in a rule for the item to pass: the section's and the field's.
  // Point into the record, which must outlive the item.
  const google::protobuf::RepeatedPtrField<std::string>* section_labels = nullptr;
  const google::protobuf::RepeatedPtrField<std::string>* field_labels = nullptr;
};

// Demographics first, then fields in section order: the order of Disclosure::withheld.
// Thread-safe; `record` must outlive the items.
std::vector<RecordItem> ListItems(const v1::Record& record);
// As above, into `items`, reusing the paths' storage of the items it and `spares` hold
// from earlier records.
void ListItems(const v1::Record& record, std::vector<RecordItem>& items,
               Spares<RecordItem>& spares);

// Whether `rule` lets `item` through: an include matches, no exclude of the same rule
// matches, and the rule lists every label the item carries.
bool RulePermits(const Rule& rule, const RecordItem& item);

// Calls `emit(head, tail)` for each item not allowed, in record order, its path being
// head + tail (two parts, so that "Heading/*" needs no string built); a section with no
// field allowed is named once as "Heading/*". `items` must come from ListItems(record),
// `allowed` be parallel to it. The parts are valid during the call only.
template <typename Emit>
void ForEachWithheld(const v1::Record& record, const std::vector<RecordItem>& items,
                     const std::vector<bool>& allowed, Emit emit);

// Appends to `withheld` the paths ForEachWithheld names.
void ListWithheld(const v1::Record& record, const std::vector<RecordItem>& items,
                  const std::vector<bool>& allowed, std::vector<std::string>& withheld);

// The heading each section travels under, parallel to record.sections(): a recipient may
// read the source's headings under its own. A null entry, or an empty list, keeps the
// source's heading.
using SectionHeadings = std::vector<const std::string*>;

// The copy of `record` holding what always travels (ids, type, source, NHS number, local
// ids, registered GP, record labels, amends/retracts, timestamps) plus items[i] for each
// allowed[i], each section under its entry in `headings`. Sections left with no fields are
// dropped. Appends the removed paths to `withheld` (ListWithheld), under the source's
// headings. `items` must come from ListItems(record).
v1::Record Redact(const v1::Record& record, const std::vector<RecordItem>& items,
                  const std::vector<bool>& allowed, const SectionHeadings& headings,
                  std::vector<std::string>& withheld);

// The heading section `s` travels under.
inline const std::string& TravellingHeading(const v1::Record& record,
                                            const SectionHeadings& headings, int s) {
  return headings.empty() || headings[s] == nullptr ? record.sections(s).heading()
                                                    : *headings[s];
}

template <typename Emit>
void ForEachWithheld(const v1::Record& record, const std::vector<RecordItem>& items,
                     const std::vector<bool>& allowed, Emit emit) {
  // A section withheld whole is reported as "Heading/*" rather than field by field. Items
  // come in record order, so each section's items are one run.
  bool section_travels = false;
  for (size_t i = 0; i < items.size(); ++i) {
    const RecordItem& item = items[i];
    if (item.section >= 0 && (i == 0 || items[i - 1].section != item.section)) {
      section_travels = false;
      for (size_t j = i; j < items.size() && items[j].section == item.section; ++j) {
        section_travels = section_travels || allowed[j];
      }
      if (!section_travels) {
        const std::string& heading = record.sections(item.section).heading();
        emit(std::string_view(heading), std::string_view("/*"));
      }
    }
    if (!allowed[i] && (item.section < 0 || section_travels)) {
      emit(std::string_view(item.path), std::string_view());
    }
  }
}

}  // namespace gallery::router
