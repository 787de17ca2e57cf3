#include "adapters/hl7v2/ack.h"

#include <algorithm>
#include <charconv>

#include "adapters/hl7v2/escape.h"
#include "adapters/hl7v2/parser.h"

namespace gallery::hl7v2 {
namespace {

// Where an error is, read back from the reason's "segment I (NAME), field F".
struct Location {
  std::string segment;
  int sequence = 0;  // 1-based occurrence of the segment; 1 when not known
  int field = 0;
};

std::optional<Location> FindLocation(std::string_view reason, const Message* m) {
  const size_t at = reason.find("segment ");
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = reason.substr(at + 8);
  int index = 0;
  auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), index);
  if (ec != std::errc() || rest.substr(static_cast<size_t>(p - rest.data()), 2) != " (") {
    return std::nullopt;
  }
  rest.remove_prefix(static_cast<size_t>(p - rest.data()) + 2);
  const size_t close = rest.find(')');
  if (close == std::string_view::npos || close > 8) return std::nullopt;
  Location loc{std::string(rest.substr(0, close)), 1, 0};
  if (m != nullptr) {
    int seen = 0;
    for (const Segment& s : m->segments) {
      if (s.name == loc.segment) ++seen;
      if (s.index == index) {
        loc.sequence = std::max(seen, 1);
        break;
      }
    }
  }
  rest.remove_prefix(close + 1);
  if (rest.substr(0, 8) == ", field ") {
    rest.remove_prefix(8);
    (void)std::from_chars(rest.data(), rest.data() + rest.size(), loc.field);
  }
  return loc;
}

// HL7 table 0357 (message error condition codes), from the kind of problem.
std::pair<std::string_view, std::string_view> ErrorCode(std::string_view reason) {
  if (reason.find("is not in the mapping") != std::string_view::npos) {
    return {"200", "Unsupported message type"};
  }
  if (reason.find("required") != std::string_view::npos ||
      reason.find("is empty") != std::string_view::npos) {
    return {"101", "Required field missing"};
  }
  if (reason.find(": not ") != std::string_view::npos ||
      reason.find("check digit") != std::string_view::npos) {
    return {"102", "Data type error"};
  }
  return {"207", "Application internal error"};
}

bool VersionAtLeast25(std::string_view version) {
  // "2.3.1", "2.4", "2.5", "2.5.1", "2.8": the ERR layout changed in 2.5.
  return version.size() >= 3 && version[0] == '2' && version[1] == '.' && version[2] >= '5';
}

}  // namespace

std::string_view AckCodeName(AckCode code) {
  switch (code) {
    case AckCode::kAccept: return "AA";
    case AckCode::kError: return "AE";
    case AckCode::kReject: return "AR";
  }
  return "AE";
}

std::optional<Message> ParseHeaderOnly(std::string_view bytes) {
  size_t start = bytes.find("MSH");
  while (start != std::string_view::npos && start > 0 && bytes[start - 1] != '\r' &&
         bytes[start - 1] != '\n' && bytes[start - 1] != '\xBF') {
    start = bytes.find("MSH", start + 1);
  }
  if (start == std::string_view::npos) return std::nullopt;
  std::string_view line = bytes.substr(start);
  line = line.substr(0, line.find_first_of("\r\n"));
  auto message = ParseMessage(MessageText{1, {line}});
  if (!message.ok()) return std::nullopt;
  return std::move(message).value();
}

std::string BuildAck(const Message* m, AckCode code, std::string_view reason,
                     std::string_view control_id, std::string_view timestamp) {
  const Delimiters d = m != nullptr ? m->delimiters : Delimiters();
  auto field = [&](size_t n) {
    return m != nullptr ? std::string(m->msh().Field(n)) : std::string();
  };
  const std::string f(1, d.field);
  const std::string c(1, d.component);
  std::string trigger;
  if (m != nullptr) {
    const std::string_view type = m->msh().Field(9);
    const size_t first = d.component != '\0' ? type.find(d.component) : std::string_view::npos;
    if (first != std::string_view::npos) {
      trigger = std::string(type.substr(first + 1));
      trigger = trigger.substr(0, trigger.find(d.component));
    }
  }
  std::string processing = field(11);
  if (processing.empty()) processing = "P";
  std::string version = field(12);
  if (version.empty()) version = "2.5";
  std::string out = "MSH" + f + d.EncodingCharacters() + f + field(5) + f + field(6) + f +
                    field(3) + f + field(4) + f + std::string(timestamp) + f + f + "ACK" +
                    (trigger.empty() ? "" : c + trigger + c + "ACK") + f +
                    Escape(control_id, d) + f + processing + f + version;
  if (!field(18).empty()) out += f + f + f + f + f + f + field(18);
  out += "\r";
  std::string text;
  if (code != AckCode::kAccept) text = Escape(reason.substr(0, 400), d);
  out += "MSA" + f + std::string(AckCodeName(code)) + f + field(10);
  if (!text.empty()) out += f + text;
  out += "\r";
  if (code == AckCode::kError) {
    const auto [err, err_text] = ErrorCode(reason);
    const auto loc = FindLocation(reason, m);
    std::string where;
    if (loc) {
      where = loc->segment + c + std::to_string(loc->sequence) + c +
              (loc->field > 0 ? std::to_string(loc->field) : "");
    }
    const std::string sub = d.subcomponent != '\0' ? std::string(1, d.subcomponent) : c;
    if (VersionAtLeast25(version)) {
      out += "ERR" + f + f + where + f + std::string(err) + c + std::string(err_text) + c +
             "HL70357" + f + "E" + f + f + f + f + text + "\r";
    } else {
      out += "ERR" + f + where + c + std::string(err) + sub + std::string(err_text) + sub +
             "HL70357\r";
    }
  }
  return FromUtf8(out, m != nullptr ? m->charset : Charset::kUtf8);
}

}  // namespace gallery::hl7v2
