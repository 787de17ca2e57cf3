#include "adapters/hl7v2/message.h"

namespace gallery::hl7v2 {

std::string Delimiters::EncodingCharacters() const {
  std::string out;
  for (char c : {component, repetition, escape, subcomponent, truncation}) {
    if (c == '\0') break;
    out += c;
  }
  return out;
}

const Segment* Message::Find(std::string_view name) const {
  for (const Segment& s : segments) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::vector<const Segment*> Message::FindAll(std::string_view name) const {
  std::vector<const Segment*> out;
  for (const Segment& s : segments) {
    if (s.name == name) out.push_back(&s);
  }
  return out;
}

std::string Message::Where(const Segment& segment, int field) const {
  return Place(number, segment.index, segment.name, field);
}

std::string Place(int message, int segment, std::string_view name, int field) {
  std::string out = "message " + std::to_string(message) + ", segment " +
                    std::to_string(segment) + " (" + std::string(name) + ")";
  if (field > 0) out += ", field " + std::to_string(field);
  return out;
}

}  // namespace gallery::hl7v2
