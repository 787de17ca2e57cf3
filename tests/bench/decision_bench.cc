// decision_bench: the router's per-record decision (RuleSet::Plan, as the hub calls it) with
// 10,000 rules across 500 agencies against 10 rules, on the same records. The 10 rules are
// the core every record meets; the 10,000 add 9,990 more of a region's protocols (agencies,
// kinds, exact types and globs, relationships, consent modes, field lists, labels). Prints
// the median and p99 time per decision in µs for each set and the ratio of the medians.
// Bounded: --decisions timed decisions per set (default 200,000) and --timeout seconds.
//   decision_bench [--decisions N] [--rules N] [--seed N] [--timeout S]
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "hub/router/rule_set.h"
#include "tests/bench/bench_rules.h"
#include "tests/bench/bench_stats.h"

// Every allocation of the process, to report how many a decision makes once warm.
std::atomic<int64_t> allocations{0};

void* operator new(size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace gallery::bench {
namespace {

namespace fs = std::filesystem;

struct Options {
  int64_t decisions = 200'000;
  int rules = 10'000;
  uint32_t seed = 1;
  int timeout_s = 60;
};

constexpr int kAgencies = 500;
constexpr int kRecords = 2'000;  // distinct records, cycled
// Headings the generated rules name (bench_rules.cc), so that records meet their lists.
constexpr const char* kHeadings[] = {"Personal care", "Mobility",  "Home environment",
                                     "Finances",      "Medication", "Communication",
                                     "Risks",         "Carers"};

// The core: what every record meets, from any source.
constexpr char kCore[] = R"(protocol: core
version: 1
rules:
  - id: core-referral-gp
    from: ["kind:hospital", "kind:community-health", "kind:adult-social-care"]
    types: ["referral.*"]
    to: [relationship:registered-gp]
    include: ["*"]
    exclude: ["Finances"]
  - id: core-referral-workers
    from: ["kind:hospital", "kind:community-health", "kind:adult-social-care"]
    types: ["referral.*"]
    to: [relationship:allocated-worker]
    include: ["Personal care", "Mobility", "@subject/given_name"]
  - id: core-assessment-gp
    from: ["kind:adult-social-care", "kind:community-health"]
    types: [assessment.single]
    to: [relationship:registered-gp]
    include: ["*"]
    labels: [mental-health]
  - id: core-assessment-housing
    from: ["kind:adult-social-care"]
    types: [assessment.single]
    to: [relationship:any-agency-with-relationship]
    include: ["Home environment", "@subject/address"]
  - id: core-discharge-gp
    from: ["kind:hospital"]
    types: [adt.discharge]
    to: [relationship:registered-gp, relationship:allocated-worker]
    include: ["*"]
  - id: core-discharge-nursing
    from: ["kind:hospital"]
    types: [adt.discharge]
    to: [community-health-000, community-health-001]
    include: ["Medication", "Risks"]
    consent: required
  - id: core-alert-police
    from: ["kind:childrens-social-care", "kind:education"]
    types: ["alert.*"]
    to: ["kind:police"]
    include: ["Risks"]
    purpose: safeguarding
    consent: override
    justification: Risk of significant harm.
  - id: core-alert-csc
    from: ["kind:education", "kind:police"]
    types: ["alert.*"]
    to: [childrens-social-care-000]
    include: ["*"]
    purpose: safeguarding
  - id: core-plan-workers
    from: ["kind:gp-practice", "kind:mental-health"]
    types: [plan.update]
    to: [relationship:allocated-worker]
    include: ["Medication", "Carers"]
  - id: core-review-any
    from: ["kind:voluntary", "kind:housing"]
    types: ["review.*"]
    to: [relationship:any-agency-with-relationship]
    include: ["Home environment"]
)";

// What the hub knows about each record's subject: a registered GP, now and then allocated
// workers or a tenancy, and a consent directive for some.
struct Subject {
  std::vector<std::pair<std::string, std::string>> relationships;
  router::ConsentStatus consent = router::ConsentStatus::kNone;
};

class BenchState final : public router::SubjectState {
 public:
  void Use(const Subject* subject) { subject_ = subject; }
  router::ConsentView Consent(const v1::Subject&, std::string_view,
                              std::string_view) const override {
    return {subject_->consent, subject_->consent == router::ConsentStatus::kNone ? "" : "c-1"};
  }
  void ForEachRelationship(
      const v1::Subject&,
      const std::function<void(std::string_view, std::string_view)>& visit) const override {
    for (const auto& [agency, relationship] : subject_->relationships) visit(agency, relationship);
  }

 private:
  const Subject* subject_ = nullptr;
};

struct Workload {
  std::vector<v1::Record> records;
  std::vector<Subject> subjects;  // parallel
};

Workload Records(const std::vector<Agency>& agencies, uint32_t seed) {
  std::mt19937 random(seed);
  auto of_kind = [&](std::string_view kind) -> const Agency& {
    for (;;) {
      const Agency& a = agencies[random() % agencies.size()];
      if (a.kind == kind) return a;
    }
  };
  // Sources and types the core rules cover, so that every record meets some rule.
  const std::pair<const char*, const char*> flows[] = {
      {"hospital", "referral.request"},       {"community-health", "referral.urgent"},
      {"adult-social-care", "assessment.single"}, {"hospital", "adt.discharge"},
      {"education", "alert.urgent"},          {"childrens-social-care", "alert.update"},
      {"gp-practice", "plan.update"},         {"housing", "review.summary"}};
  Workload w;
  for (int r = 0; r < kRecords; ++r) {
    const auto& [kind, type] = flows[random() % std::size(flows)];
    const Agency& gp = of_kind("gp-practice");
    v1::Record record;
    record.set_record_id("bench-" + std::to_string(r));
    record.set_source_agency(of_kind(kind).id);
    record.set_record_type(type);
    record.mutable_subject()->set_nhs_number("9990000018");
    record.mutable_subject()->set_registered_gp_ods(gp.ods_code);
    record.mutable_subject()->mutable_demographics()->set_given_name("Edith");
    record.mutable_subject()->mutable_demographics()->add_address_lines("1 Mill Lane");
    record.mutable_received_at()->set_seconds(1'780'000'000);
    for (int s = 0; s < 4; ++s) {
      v1::Section& section = *record.add_sections();
      section.set_heading(kHeadings[(r + s * 3) % std::size(kHeadings)]);
      for (const char* name : {"Needs", "Private", "Plan"}) {
        v1::Field& field = *section.add_fields();
        field.set_name(name);
        field.set_text("some text about the person");
      }
    }
    if (random() % 10 == 0) record.add_sensitivity_labels("mental-health");
    Subject subject;
    if (random() % 4 != 0) subject.relationships.emplace_back(gp.id, "registered-gp");
    if (random() % 3 == 0) {
      subject.relationships.emplace_back(of_kind("community-health").id, "allocated-worker");
    }
    if (random() % 5 == 0) subject.relationships.emplace_back(of_kind("housing").id, "tenancy");
    const unsigned c = random() % 20;
    subject.consent = c == 0   ? router::ConsentStatus::kObjected
                      : c == 1 ? router::ConsentStatus::kWithdrawn
                      : c < 5  ? router::ConsentStatus::kGiven
                               : router::ConsentStatus::kNone;
    w.records.push_back(std::move(record));
    w.subjects.push_back(std::move(subject));
  }
  return w;
}

// Loads the core and, when `extra` > 0, that many generated rules in protocols of 500.
std::shared_ptr<const router::RuleSet> Load(const std::vector<Agency>& agencies, int extra,
                                            uint32_t seed, const fs::path& dir) {
  fs::create_directories(dir);
  std::ofstream(dir / "core.yaml") << kCore;
  WriteRegionRules(agencies, extra, seed, dir);
  auto set = router::RuleSet::LoadDirectory(dir.string(), agencies);
  fs::remove_all(dir);
  if (!set.ok()) {
    std::fprintf(stderr, "decision_bench: rules did not load: %s\n",
                 set.status().ToString().c_str());
    std::exit(1);
  }
  return *set;
}

struct Figures {
  double median_us = 0;
  double p99_us = 0;
  double grants = 0;        // per record
  double withholdings = 0;  // per record
  double allocations = 0;   // per decision, once warm
  int64_t decisions = 0;
};

Figures Measure(const router::RuleSet& rules, const Workload& w, int64_t decisions,
                Clock::time_point deadline) {
  BenchState state;
  router::RoutePlan plan;
  // Warm-up: the plan's storage grows to fit, as in a running hub.
  for (size_t r = 0; r < w.records.size(); ++r) {
    state.Use(&w.subjects[r]);
    rules.Plan(w.records[r], state, plan);
  }
  std::vector<int64_t> samples;
  samples.reserve(static_cast<size_t>(decisions));
  Figures f;
  int64_t grants = 0;
  int64_t withholdings = 0;
  const int64_t allocations_before = allocations.load();
  for (int64_t d = 0; d < decisions; ++d) {
    if ((d & 4095) == 0 && Clock::now() > deadline) break;
    const size_t r = static_cast<size_t>(d) % w.records.size();
    state.Use(&w.subjects[r]);
    const int64_t start = NowNs();
    rules.Plan(w.records[r], state, plan);
    samples.push_back(NowNs() - start);
    grants += static_cast<int64_t>(plan.grants.size());
    withholdings += static_cast<int64_t>(plan.withholdings.size());
  }
  f.decisions = static_cast<int64_t>(samples.size());
  if (f.decisions == 0) return f;
  f.allocations = static_cast<double>(allocations.load() - allocations_before) /
                  static_cast<double>(f.decisions);
  f.grants = static_cast<double>(grants) / static_cast<double>(f.decisions);
  f.withholdings = static_cast<double>(withholdings) / static_cast<double>(f.decisions);
  f.median_us = static_cast<double>(Percentile(samples, 50)) / 1000.0;
  f.p99_us = static_cast<double>(Percentile(samples, 99)) / 1000.0;
  return f;
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
    int64_t value = 0;
    if (i + 1 >= argc || !ParseInt(argv[i + 1], value)) {
      std::fprintf(stderr,
                   "usage: decision_bench [--decisions N] [--rules N] [--seed N] [--timeout S]\n");
      return 2;
    }
    ++i;
    if (arg == "--decisions") {
      options.decisions = value;
    } else if (arg == "--rules") {
      options.rules = static_cast<int>(value);
    } else if (arg == "--seed") {
      options.seed = static_cast<uint32_t>(value);
    } else if (arg == "--timeout") {
      options.timeout_s = static_cast<int>(value);
    } else {
      std::fprintf(stderr, "decision_bench: unknown option %s\n", argv[i - 1]);
      return 2;
    }
  }
  const Clock::time_point deadline = Clock::now() + std::chrono::seconds(options.timeout_s);
  const std::vector<Agency> agencies = Region();
  const Workload workload = Records(agencies, options.seed);
  const fs::path dir =
      fs::temp_directory_path() / ("decision-bench-" + std::to_string(::getpid()));

  const int64_t load_start = NowNs();
  const auto many = Load(agencies, options.rules - 10, options.seed, dir);
  const double load_s = static_cast<double>(NowNs() - load_start) / 1e9;
  const auto few = Load(agencies, 0, options.seed, dir);

  // Half the time budget each, so that both sets are measured whatever happens.
  const auto half = Clock::now() + (deadline - Clock::now()) / 2;
  const Figures f10 = Measure(*few, workload, options.decisions, half);
  const Figures fmany = Measure(*many, workload, options.decisions, deadline);

  std::printf("decision_bench: %d agencies, %d distinct records, RuleSet::Plan as the hub calls "
              "it (PlanScope::kConsidered)\n",
              kAgencies, kRecords);
  std::printf("%-8s %10s %10s %10s %14s %18s %12s\n", "rules", "decisions", "median_us",
              "p99_us", "grants/record", "withholdings/rec", "allocs/rec");
  for (const auto& [count, f] : {std::pair<size_t, const Figures&>{few->rules().size(), f10},
                                 {many->rules().size(), fmany}}) {
    std::printf("%-8zu %10lld %10.2f %10.2f %14.2f %18.2f %12.2f\n", count,
                static_cast<long long>(f.decisions), f.median_us, f.p99_us, f.grants,
                f.withholdings, f.allocations);
  }
  const double ratio = f10.median_us > 0 ? fmany.median_us / f10.median_us : 0;
  std::printf("median ratio %zu/%zu rules: %.2f (target <= 2); %zu-rule median %.2f us "
              "(target <= 5); %zu rules loaded in %.2f s\n",
              many->rules().size(), few->rules().size(), ratio, many->rules().size(),
              fmany.median_us, many->rules().size(), load_s);
  std::printf("result decision_median_us_few %.3f\nresult decision_p99_us_few %.3f\n",
              f10.median_us, f10.p99_us);
  std::printf("result decision_median_us_many %.3f\nresult decision_p99_us_many %.3f\n",
              fmany.median_us, fmany.p99_us);
  std::printf("result decision_median_ratio %.3f\n", ratio);
  const bool complete = f10.decisions == options.decisions && fmany.decisions == options.decisions;
  if (!complete) std::fprintf(stderr, "decision_bench: --timeout reached before all decisions\n");
  return complete ? 0 : 1;
}

}  // namespace
}  // namespace gallery::bench

int main(int argc, char** argv) { return gallery::bench::Main(argc, argv); }
