// adapter_bench: each adapter's parse-and-map throughput on the upstream fixtures
// (tests/testdata/*/upstream), in process, with no hub:
//   - HL7 v2: every message of the .hl7 samples split and parsed (ParseAll) and mapped
//     with tests/testdata/hl7v2/fixtures.yaml (Hl7Mapping::Map), refused ones included;
//   - FHIR: the JSON samples that convert on their own, and each clinical sample in a
//     transaction after its Patient, as a client would POST them: JSON parsed and every
//     resource mapped (PlanDocument) with tests/testdata/fhir/fixtures.yaml;
//   - CSV: every extract that converts (tests/adapters/csv_fixtures_test.cc), read from
//     memory (CsvTable::Parse), bound to its mapping and every row mapped (MapRow).
// Each round repeats its adapter's corpus until --round-ms has passed; the figure is the
// median over --rounds rounds of messages (HL7 messages, FHIR resources, CSV rows) per
// second. The files are read once, before timing. Bounded by --timeout seconds.
//   adapter_bench [--rounds N] [--round-ms N] [--timeout S] [--source DIR]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/csv/csv_mapping.h"
#include "adapters/fhir/check_files.h"
#include "adapters/fhir/fhir_mapping.h"
#include "adapters/hl7v2/hl7_mapping.h"
#include "adapters/hl7v2/parser.h"
#include "tests/bench/bench_stats.h"

namespace gallery::bench {
namespace {

namespace fs = std::filesystem;

struct Options {
  int rounds = 5;
  int round_ms = 1000;
  int timeout_s = 120;
  std::string source = GALLERY_SOURCE_DIR;
};

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "adapter_bench: cannot read %s\n", path.c_str());
    std::exit(2);
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<fs::path> Files(const fs::path& dir, const std::string& extension) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == extension) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

template <typename T>
T OrExit(Result<T> result, const char* what) {
  if (!result.ok()) {
    std::fprintf(stderr, "adapter_bench: %s: %s\n", what, result.status().ToString().c_str());
    std::exit(2);
  }
  return std::move(result).value();
}

// One pass over an adapter's corpus: returns the messages it handled and how many of them
// became records.
struct Pass {
  int64_t messages = 0;
  int64_t records = 0;
};
using Corpus = std::function<Pass()>;

struct Figures {
  double median_per_s = 0;
  double min_per_s = 0;
  double max_per_s = 0;
  Pass per_pass;
  int rounds = 0;
};

Figures Measure(const Corpus& corpus, const Options& options, Clock::time_point deadline) {
  Figures f;
  f.per_pass = corpus();  // warm-up, and the counts per pass
  std::vector<double> rates;
  for (int round = 0; round < options.rounds && Clock::now() < deadline; ++round) {
    const int64_t start = NowNs();
    const int64_t end = start + int64_t{options.round_ms} * 1'000'000;
    int64_t messages = 0;
    int64_t now = start;
    do {
      messages += corpus().messages;
      now = NowNs();
    } while (now < end && Clock::now() < deadline);
    rates.push_back(static_cast<double>(messages) * 1e9 / static_cast<double>(now - start));
  }
  std::sort(rates.begin(), rates.end());
  f.rounds = static_cast<int>(rates.size());
  if (!rates.empty()) {
    const size_t n = rates.size();
    f.median_per_s = n % 2 ? rates[n / 2] : (rates[n / 2 - 1] + rates[n / 2]) / 2;
    f.min_per_s = rates.front();
    f.max_per_s = rates.back();
  }
  return f;
}

Corpus Hl7Corpus(const fs::path& source) {
  auto mapping = std::make_shared<hl7v2::Hl7Mapping>(OrExit(
      hl7v2::Hl7Mapping::Load((source / "tests/testdata/hl7v2/fixtures.yaml").string()),
      "HL7 v2 mapping"));
  auto files = std::make_shared<std::vector<std::string>>();
  for (const auto& path : Files(source / "tests/testdata/hl7v2/upstream", ".hl7")) {
    files->push_back(ReadAll(path));
  }
  return [mapping, files] {
    Pass pass;
    for (const std::string& bytes : *files) {
      auto messages = hl7v2::ParseAll(bytes);
      if (!messages.ok()) continue;  // the whole file refused (not HL7 at all)
      for (const auto& message : *messages) {
        ++pass.messages;
        if (message.ok() && mapping->Map(*message).ok()) ++pass.records;
      }
    }
    return pass;
  };
}

// The JSON samples as documents a client would send: each on its own, and a clinical one
// (naming its patient in subject or patient) also in a transaction after that Patient.
std::vector<std::string> FhirDocuments(const fs::path& dir) {
  std::vector<std::string> documents;
  for (const auto& path : Files(dir, ".json")) {
    const std::string text = ReadAll(path);
    documents.push_back(text);
    const nlohmann::json resource = nlohmann::json::parse(text);
    std::string reference;
    for (const char* key : {"subject", "patient"}) {
      if (resource.contains(key) && resource[key].contains("reference")) {
        reference = resource[key]["reference"];
      }
    }
    if (reference.empty()) continue;
    const nlohmann::json patient = {
        {"resourceType", "Patient"},
        {"id", "bench-patient"},
        {"identifier",
         {{{"system", "https://fhir.nhs.uk/Id/nhs-number"}, {"value", "9990000018"}}}},
        {"name", {{{"family", "Smith"}, {"given", {"Ann"}}}}},
        {"birthDate", "1945-03-12"}};
    const nlohmann::json bundle = {
        {"resourceType", "Bundle"},
        {"type", "transaction"},
        {"entry",
         {{{"fullUrl", reference},
           {"resource", patient},
           {"request", {{"method", "POST"}, {"url", "Patient"}}}},
          {{"resource", resource},
           {"request", {{"method", "POST"}, {"url", resource["resourceType"]}}}}}}};
    documents.push_back(bundle.dump());
  }
  return documents;
}

Corpus FhirCorpus(const fs::path& source) {
  auto mapping = std::make_shared<fhir::FhirMapping>(OrExit(
      fhir::FhirMapping::Load((source / "tests/testdata/fhir/fixtures.yaml").string()),
      "FHIR mapping"));
  auto documents =
      std::make_shared<std::vector<std::string>>(FhirDocuments(source / "tests/testdata/fhir/upstream"));
  return [mapping, documents] {
    Pass pass;
    for (const std::string& document : *documents) {
      const fhir::Plan plan = fhir::PlanDocument(mapping->spec(), document);
      if (plan.entries.empty()) {
        ++pass.messages;  // refused as a whole
        continue;
      }
      for (const auto& entry : plan.entries) {
        ++pass.messages;
        if (!plan.refusal.refused() && !entry.refusal.refused()) ++pass.records;
      }
    }
    return pass;
  };
}

// The extracts that convert, with their mappings (tests/adapters/csv_fixtures_test.cc).
constexpr std::pair<const char*, const char*> kCsvExtracts[] = {
    {"cvrs_vaccinations.yaml", "cdciis__cvrs_testgood.tsv"},
    {"csvspectrum.yaml", "csvspectrum__escaped_quotes.csv"},
    {"csvspectrum.yaml", "csvspectrum__newlines_crlf.csv"},
    {"csvspectrum.yaml", "csvspectrum__quotes_and_newlines.csv"},
    {"csvspectrum.yaml", "csvspectrum__utf8.csv"},
    {"ssda903_dolo.yaml", "ssda903__DoLo_noeol.csv"},
    {"ssda903_episodes.yaml", "ssda903__episodes_first30.csv"},
    {"ssda903_header.yaml", "ssda903__header_first30.csv"},
    {"ssda903_missing.yaml", "ssda903__missing.csv"},
    {"ssda903_sw_episodes.yaml", "ssda903__sw_episodes_bom_crlf.csv"},
    {"ssda903_uasc.yaml", "ssda903__uasc.csv"},
    {"synthea_careplans.yaml", "synthea__careplans.csv"},
    {"synthea_conditions.yaml", "synthea__conditions_first40.csv"},
    {"synthea_encounters.yaml", "synthea__encounters_first40.csv"},
    {"synthea_patients.yaml", "synthea__patients.csv"},
    {"ukfci_nhs_numbers.yaml", "ukfci__testdata-9-valid-nhs-numbers_bom_crlf.csv"},
};

struct CsvExtract {
  csv::CsvMapping mapping;
  std::string name;
  std::string text;
};

Corpus CsvCorpus(const fs::path& source) {
  auto extracts = std::make_shared<std::vector<CsvExtract>>();
  for (const auto& [mapping, file] : kCsvExtracts) {
    extracts->push_back(
        {OrExit(csv::CsvMapping::Load((source / "tests/testdata/csv" / mapping).string()), mapping),
         file, ReadAll(source / "tests/testdata/csv/upstream" / file)});
  }
  return [extracts] {
    Pass pass;
    for (const CsvExtract& e : *extracts) {
      auto table = csv::CsvTable::Parse(e.text, e.name, e.mapping.csv_options());
      if (!table.ok()) continue;
      auto mapper = e.mapping.Bind(*table);
      if (!mapper.ok()) continue;
      for (const csv::CsvRow& row : table->rows()) {
        ++pass.messages;
        if (mapper->MapRow(row).ok()) ++pass.records;
      }
    }
    return pass;
  };
}

bool ParseInt(const char* text, int64_t& out) {
  char* end = nullptr;
  out = std::strtoll(text, &end, 10);
  return end != text && *end == '\0' && out > 0;
}

int Main(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (i + 1 >= argc) {
      std::fprintf(stderr,
                   "usage: adapter_bench [--rounds N] [--round-ms N] [--timeout S] "
                   "[--source DIR]\n");
      return 2;
    }
    const char* value_text = argv[++i];
    if (arg == "--source") {
      options.source = value_text;
      continue;
    }
    int64_t value = 0;
    if (!ParseInt(value_text, value)) {
      std::fprintf(stderr, "adapter_bench: %s needs a positive whole number\n", argv[i - 1]);
      return 2;
    }
    if (arg == "--rounds") {
      options.rounds = static_cast<int>(value);
    } else if (arg == "--round-ms") {
      options.round_ms = static_cast<int>(value);
    } else if (arg == "--timeout") {
      options.timeout_s = static_cast<int>(value);
    } else {
      std::fprintf(stderr, "adapter_bench: unknown option %s\n", argv[i - 1]);
      return 2;
    }
  }
  const Clock::time_point deadline = Clock::now() + std::chrono::seconds(options.timeout_s);
  const fs::path source = options.source;
  struct Adapter {
    const char* name;
    const char* unit;
    Corpus corpus;
  };
  const Adapter adapters[] = {{"hl7v2", "messages", Hl7Corpus(source)},
                              {"fhir", "resources", FhirCorpus(source)},
                              {"csv", "rows", CsvCorpus(source)}};

  std::printf("adapter_bench: parse and map in process, %d rounds of %d ms per adapter, "
              "median\n",
              options.rounds, options.round_ms);
  std::printf("%-8s %-10s %14s %14s %14s %16s\n", "adapter", "unit", "median/s", "min/s",
              "max/s", "per pass (recs)");
  bool complete = true;
  for (const Adapter& a : adapters) {
    const Figures f = Measure(a.corpus, options, deadline);
    complete = complete && f.rounds == options.rounds;
    char per_pass[48];
    std::snprintf(per_pass, sizeof(per_pass), "%lld (%lld)",
                  static_cast<long long>(f.per_pass.messages),
                  static_cast<long long>(f.per_pass.records));
    std::printf("%-8s %-10s %14.0f %14.0f %14.0f %16s\n", a.name, a.unit, f.median_per_s,
                f.min_per_s, f.max_per_s, per_pass);
    std::printf("result %s_messages_per_s %.0f\n", a.name, f.median_per_s);
  }
  if (!complete) std::fprintf(stderr, "adapter_bench: --timeout reached before all rounds\n");
  return complete ? 0 : 1;
}

}  // namespace
}  // namespace gallery::bench

int main(int argc, char** argv) { return gallery::bench::Main(argc, argv); }
