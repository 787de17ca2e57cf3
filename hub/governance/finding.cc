#include "hub/governance/finding.h"

#include <algorithm>
#include <charconv>
#include <tuple>

#include "hub/governance/json_text.h"

namespace gallery::governance {
namespace {

// Reads "<digits>" at `text[pos]`; advances `pos` past them.
bool ReadNumber(std::string_view text, size_t& pos, int& value) {
  const char* begin = text.data() + pos;
  const auto [end, ec] = std::from_chars(begin, text.data() + text.size(), value);
  if (ec != std::errc() || end == begin) return false;
  pos += static_cast<size_t>(end - begin);
  return true;
}

// Splits "file:line:col: message"; file names may hold ':' themselves, so the position is
// the first ":<line>:<col>: " from the left.
Finding ParseLoaderLine(std::string_view line, std::string_view code) {
  Finding finding;
  finding.code = std::string(code);
  for (size_t colon = line.find(':'); colon != std::string_view::npos;
       colon = line.find(':', colon + 1)) {
    size_t pos = colon + 1;
    int row = 0;
    int column = 0;
    if (ReadNumber(line, pos, row) && pos < line.size() && line[pos] == ':' &&
        ReadNumber(line, ++pos, column) && line.substr(pos).starts_with(": ")) {
      finding.at = {std::string(line.substr(0, colon)), row, column};
      finding.message = std::string(line.substr(pos + 2));
      return finding;
    }
  }
  finding.message = std::string(line);
  return finding;
}

int Count(const std::vector<Finding>& findings, Severity severity) {
  return static_cast<int>(std::count_if(findings.begin(), findings.end(),
                                        [&](const Finding& f) { return f.severity == severity; }));
}

std::string Plural(int n, std::string_view word) {
  return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

}  // namespace

std::string_view SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kNote:
      return "note";
  }
  return "error";
}

std::string OneLine(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::vector<Finding> FindingsFromLoaderErrors(std::string_view errors, std::string_view code) {
  std::vector<Finding> findings;
  while (!errors.empty()) {
    const size_t end = errors.find('\n');
    const std::string_view line = errors.substr(0, end);
    if (!line.empty()) findings.push_back(ParseLoaderLine(line, code));
    if (end == std::string_view::npos) break;
    errors.remove_prefix(end + 1);
  }
  return findings;
}

void SortFindings(std::vector<Finding>& findings) {
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.at.file, a.at.line, a.at.column, a.severity, a.message) <
           std::tie(b.at.file, b.at.line, b.at.column, b.severity, b.message);
  });
}

void PrintFindingsText(const std::vector<Finding>& findings, std::ostream& out) {
  for (const Finding& f : findings) {
    out << f.at.file;
    if (f.at.line > 0) out << ":" << f.at.line << ":" << f.at.column;
    out << ": " << SeverityName(f.severity) << ": " << OneLine(f.message) << " [" << f.code
        << "]\n";
  }
  out << Plural(Count(findings, Severity::kError), "error") << ", "
      << Plural(Count(findings, Severity::kWarning), "warning") << ", "
      << Plural(Count(findings, Severity::kNote), "note") << "\n";
}

void PrintFindingsJson(const std::vector<Finding>& findings, std::ostream& out) {
  out << "{\"findings\":[";
  for (size_t i = 0; i < findings.size(); ++i) {
    const Finding& f = findings[i];
    out << (i == 0 ? "" : ",") << "{\"file\":" << JsonString(f.at.file) << ",\"line\":" << f.at.line
        << ",\"column\":" << f.at.column << ",\"severity\":" << JsonString(SeverityName(f.severity))
        << ",\"message\":" << JsonString(f.message) << ",\"code\":" << JsonString(f.code) << "}";
  }
  out << "],\"errors\":" << Count(findings, Severity::kError)
      << ",\"warnings\":" << Count(findings, Severity::kWarning)
      << ",\"notes\":" << Count(findings, Severity::kNote) << "}\n";
}

int FindingsExitCode(const std::vector<Finding>& findings) {
  if (Count(findings, Severity::kError) > 0) return 1;
  if (Count(findings, Severity::kWarning) > 0) return 2;
  return 0;
}

}  // namespace gallery::governance
