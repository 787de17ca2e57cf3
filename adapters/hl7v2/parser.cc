#include "adapters/hl7v2/parser.h"

#include <string>

namespace gallery::hl7v2 {
namespace {

bool IsUpperOrDigit(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool IsAlnum(char c) { return IsUpperOrDigit(c) || (c >= 'a' && c <= 'z'); }

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

// The segment name of `line` when it is well formed: three capital letters or digits,
// starting with a letter, then the end of the line or a separator (any non-alphanumeric).
std::string_view SegmentName(std::string_view line) {
  if (line.size() < 3 || (line.size() > 3 && IsAlnum(line[3]))) return {};
  if (line[0] < 'A' || line[0] > 'Z' || !IsUpperOrDigit(line[1]) || !IsUpperOrDigit(line[2])) {
    return {};
  }
  return line.substr(0, 3);
}

// A bad segment name for errors: shown only when it looks like one (up to six capital
// letters or digits, as "WHOOPS"), since a stray line may be the tail of a patient's value.
std::string ShownName(std::string_view line) {
  std::string out;
  for (char c : line.substr(0, 7)) {
    if (!IsUpperOrDigit(c)) break;
    out += c;
  }
  return out.empty() || out.size() > 6 ? "?" : out;
}

std::vector<std::string_view> Lines(std::string_view bytes) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  for (size_t i = 0; i <= bytes.size(); ++i) {
    if (i == bytes.size() || bytes[i] == '\r' || bytes[i] == '\n') {
      std::string_view line = bytes.substr(start, i - start);
      if (!IsBlank(line)) lines.push_back(line);
      start = i + 1;
    }
  }
  return lines;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

Status ParseDelimiters(std::string_view msh, int number, Delimiters& d) {
  if (msh.size() < 4 || IsAlnum(msh[3]) || msh[3] == ' ') {
    return InvalidArgument(Place(number, 1, "MSH", 1) + ": not a field separator");
  }
  d.field = msh[3];
  const size_t end = msh.find(d.field, 4);
  const std::string_view enc = msh.substr(4, end == std::string_view::npos ? end : end - 4);
  if (enc.empty() || enc.size() > 5) {
    return InvalidArgument(Place(number, 1, "MSH", 2) +
                           ": expected 1 to 5 encoding characters, found " +
                           std::to_string(enc.size()));
  }
  char* slots[] = {&d.component, &d.repetition, &d.escape, &d.subcomponent, &d.truncation};
  for (char* slot : slots) *slot = '\0';
  for (size_t i = 0; i < enc.size(); ++i) {
    const char c = enc[i];
    if (IsAlnum(c) || c == ' ' || c == d.field || enc.find(c) != i) {
      return InvalidArgument(Place(number, 1, "MSH", 2) +
                             ": encoding characters must differ from each other and from "
                             "MSH-1, and not be letters, digits or spaces");
    }
    *slots[i] = c;
  }
  return OkStatus();
}

}  // namespace

Result<std::vector<MessageText>> SplitMessages(std::string_view bytes) {
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  std::vector<MessageText> messages;
  bool seen_fhs = false;
  bool in_message = false;  // false before the first MSH and after BTS/FTS
  int index = 0;
  for (std::string_view line : Lines(bytes)) {
    ++index;
    const std::string_view name = SegmentName(line);
    auto error = [&](std::string_view what) {
      return InvalidArgument("segment " + std::to_string(index) + " (" + ShownName(line) +
                             ") of the input: " + std::string(what));
    };
    if (name == "MSH") {
      messages.push_back({static_cast<int>(messages.size()) + 1, {line}});
      in_message = true;
    } else if (name == "FHS") {
      if (seen_fhs) return error("a file has at most one FHS");
      if (index != 1) return error("FHS must be the first segment");
      seen_fhs = true;
    } else if (name == "BHS" || name == "BTS" || name == "FTS") {
      in_message = false;
    } else if (!in_message) {
      return error("segment before the first MSH");
    } else {
      messages.back().segments.push_back(line);
    }
  }
  if (messages.empty()) return InvalidArgument("no MSH segment");
  return messages;
}

Result<Message> ParseMessage(const MessageText& text) {
  Message m;
  m.number = text.number;
  GALLERY_RETURN_IF_ERROR(ParseDelimiters(text.segments.front(), m.number, m.delimiters));
  const char sep = m.delimiters.field;
  // MSH-18 is needed before any field is converted; it is ASCII by definition.
  {
    const std::vector<std::string_view> msh = Split(text.segments.front(), sep);
    // msh[0] is "MSH" and msh[1] MSH-2, so MSH-n is msh[n - 1].
    std::string_view msh18 = msh.size() > 17 ? msh[17] : std::string_view();
    if (m.delimiters.repetition != '\0') msh18 = msh18.substr(0, msh18.find(m.delimiters.repetition));
    if (m.delimiters.component != '\0') msh18 = msh18.substr(0, msh18.find(m.delimiters.component));
    auto charset = CharsetFromMsh18(msh18);
    if (!charset.ok()) {
      return InvalidArgument(Place(m.number, 1, "MSH", 18) + ": " + charset.status().message());
    }
    m.charset = *charset;
  }
  int index = 0;
  for (std::string_view line : text.segments) {
    ++index;
    const std::string_view name = SegmentName(line);
    if (name.empty() || (line.size() > 3 && line[3] != sep)) {
      return InvalidArgument(Place(m.number, index, ShownName(line)) +
                             ": not a segment name (three capital letters or digits) followed "
                             "by the field separator");
    }
    Segment segment;
    segment.name = std::string(name);
    segment.index = index;
    std::vector<std::string_view> raw = Split(line, sep);
    if (index == 1) {
      // MSH-1 is the separator itself, so field numbers are one ahead of the split.
      segment.fields.reserve(raw.size() + 1);
      segment.fields.emplace_back("MSH");
      segment.fields.emplace_back(1, sep);
      raw.erase(raw.begin());
    } else {
      segment.fields.reserve(raw.size());
      segment.fields.emplace_back(name);
      raw.erase(raw.begin());
    }
    for (std::string_view field : raw) {
      std::string utf8;
      if (Status s = AppendUtf8(field, m.charset, utf8); !s.ok()) {
        return InvalidArgument(Place(m.number, index, segment.name,
                                     static_cast<int>(segment.fields.size())) +
                               ": " + s.message());
      }
      segment.fields.push_back(std::move(utf8));
    }
    m.segments.push_back(std::move(segment));
  }
  return m;
}

Result<std::vector<Result<Message>>> ParseAll(std::string_view bytes) {
  auto texts = SplitMessages(bytes);
  if (!texts.ok()) return texts.status();
  std::vector<Result<Message>> out;
  out.reserve(texts->size());
  for (const MessageText& text : *texts) out.push_back(ParseMessage(text));
  return out;
}

}  // namespace gallery::hl7v2
