// Redaction: lists the parts of a record that rules decide on, and builds the copy of a
// record that one recipient may see, naming every path it removed.
#pragma once

#include <string>
#include <vector>

#include "gallery/v1/record.pb.h"
#include "hub/router/rule.h"

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
// As above, into `items`, reusing the paths' storage it holds from an earlier record.
void ListItems(const v1::Record& record, std::vector<RecordItem>& items);

// Whether `rule` lets `item` through: an include matches, no exclude of the same rule
// matches, and the rule lists every label the item carries.
bool RulePermits(const Rule& rule, const RecordItem& item);

// Appends to `withheld` the path of each item not allowed, in record order; a section
// with no field allowed is named once as "Heading/*". `items` must come from
// ListItems(record), `allowed` be parallel to it.
void ListWithheld(const v1::Record& record, const std::vector<RecordItem>& items,
                  const std::vector<bool>& allowed, std::vector<std::string>& withheld);

// The copy of `record` holding what always travels (ids, type, source, NHS number, local
// ids, registered GP, record labels, amends/retracts, timestamps) plus items[i] for each
// allowed[i]. Sections left with no fields are dropped. Appends the removed paths to
// `withheld` (ListWithheld). `items` must come from ListItems(record).
v1::Record Redact(const v1::Record& record, const std::vector<RecordItem>& items,
                  const std::vector<bool>& allowed, std::vector<std::string>& withheld);

}  // namespace gallery::router
