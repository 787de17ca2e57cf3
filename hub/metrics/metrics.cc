#include "hub/metrics/metrics.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "hub/metrics/text_format.h"

namespace gallery::metrics {
namespace {

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "%s:%d: metrics: %s\n", __FILE__, __LINE__, what.c_str());
  std::abort();
}

}  // namespace

Histogram::Histogram(std::vector<double> upper_bounds)
    : upper_bounds_(std::move(upper_bounds)),
      buckets_(new std::atomic<uint64_t>[upper_bounds_.size() + 1]) {
  if (!std::is_sorted(upper_bounds_.begin(), upper_bounds_.end()) ||
      std::adjacent_find(upper_bounds_.begin(), upper_bounds_.end()) != upper_bounds_.end()) {
    Die("histogram bucket bounds must be strictly ascending");
  }
  for (size_t i = 0; i <= upper_bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::Observe(double value) {
  const size_t bucket = static_cast<size_t>(
      std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), value) - upper_bounds_.begin());
  buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<uint64_t> Histogram::bucket_counts() const {
  std::vector<uint64_t> counts(upper_bounds_.size() + 1);
  for (size_t i = 0; i < counts.size(); ++i) counts[i] = buckets_[i].load(std::memory_order_relaxed);
  return counts;
}

std::vector<double> LatencyBuckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
          0.025,  0.05,    0.1,    0.25,  0.5,    1,     2.5, 5, 10};
}

template <typename Metric>
Metric& Family<Metric>::WithLabels(const std::vector<std::string>& values) {
  if (values.size() != label_names_.size()) {
    Die("expected " + std::to_string(label_names_.size()) + " label values, got " +
        std::to_string(values.size()));
  }
  std::lock_guard lock(mutex_);
  auto it = metrics_.find(values);
  if (it == metrics_.end()) {
    std::unique_ptr<Metric> metric;
    if constexpr (std::is_same_v<Metric, Histogram>) {
      metric = std::make_unique<Histogram>(upper_bounds_);
    } else {
      metric = std::make_unique<Metric>();
    }
    it = metrics_.emplace(values, std::move(metric)).first;
  }
  return *it->second;
}

template <typename Metric>
void Family<Metric>::Clear() {
  std::lock_guard lock(mutex_);
  metrics_.clear();
}

template <typename Metric>
void Family<Metric>::ForEach(
    const std::function<void(const std::vector<std::string>&, const Metric&)>& visit) const {
  std::lock_guard lock(mutex_);
  for (const auto& [values, metric] : metrics_) visit(values, *metric);
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

Registry::Entry& Registry::Add(std::string name, std::string help, Type type,
                               const std::vector<std::string>& label_names) {
  if (!IsMetricName(name)) Die("bad metric name '" + name + "'");
  for (const auto& label : label_names) {
    if (!IsLabelName(label) || (type == Type::kHistogram && label == "le")) {
      Die("bad label name '" + label + "' for " + name);
    }
  }
  std::lock_guard lock(mutex_);
  for (const auto& entry : entries_) {
    if (entry->name == name) Die("metric '" + name + "' added twice");
  }
  entries_.push_back(std::make_unique<Entry>(Entry{std::move(name), std::move(help), type, {}, {}, {}}));
  return *entries_.back();
}

Family<Counter>& Registry::AddCounter(std::string name, std::string help,
                                      std::vector<std::string> label_names) {
  Entry& entry = Add(std::move(name), std::move(help), Type::kCounter, label_names);
  entry.counters = std::make_unique<Family<Counter>>(std::move(label_names), std::vector<double>{});
  // A family without labels is one series, shown from the start at 0.
  if (entry.counters->label_names().empty()) entry.counters->WithLabels({});
  return *entry.counters;
}

Family<Gauge>& Registry::AddGauge(std::string name, std::string help,
                                  std::vector<std::string> label_names) {
  Entry& entry = Add(std::move(name), std::move(help), Type::kGauge, label_names);
  entry.gauges = std::make_unique<Family<Gauge>>(std::move(label_names), std::vector<double>{});
  if (entry.gauges->label_names().empty()) entry.gauges->WithLabels({});
  return *entry.gauges;
}

Family<Histogram>& Registry::AddHistogram(std::string name, std::string help,
                                          std::vector<std::string> label_names,
                                          std::vector<double> upper_bounds) {
  Entry& entry = Add(std::move(name), std::move(help), Type::kHistogram, label_names);
  entry.histograms =
      std::make_unique<Family<Histogram>>(std::move(label_names), std::move(upper_bounds));
  if (entry.histograms->label_names().empty()) entry.histograms->WithLabels({});
  return *entry.histograms;
}

void Registry::AddCollector(std::function<void()> collect) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(collect));
}

std::string Registry::Render() const {
  std::vector<std::function<void()>> collectors;
  {
    std::lock_guard lock(mutex_);
    collectors = collectors_;
  }
  for (const auto& collect : collectors) collect();

  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& entry : entries_) {
    static constexpr const char* kTypeNames[] = {"counter", "gauge", "histogram"};
    out += "# HELP " + entry->name + " " + EscapeHelp(entry->help) + "\n";
    out += "# TYPE " + entry->name + " " + kTypeNames[static_cast<int>(entry->type)] + "\n";
    switch (entry->type) {
      case Type::kCounter:
        entry->counters->ForEach([&](const std::vector<std::string>& values, const Counter& c) {
          out += entry->name + FormatLabels(entry->counters->label_names(), values) + " " +
                 std::to_string(c.value()) + "\n";
        });
        break;
      case Type::kGauge:
        entry->gauges->ForEach([&](const std::vector<std::string>& values, const Gauge& g) {
          out += entry->name + FormatLabels(entry->gauges->label_names(), values) + " " +
                 FormatValue(g.value()) + "\n";
        });
        break;
      case Type::kHistogram: {
        const auto& names = entry->histograms->label_names();
        entry->histograms->ForEach([&](const std::vector<std::string>& values, const Histogram& h) {
          const std::vector<uint64_t> counts = h.bucket_counts();
          uint64_t cumulative = 0;
          for (size_t i = 0; i < counts.size(); ++i) {
            cumulative += counts[i];
            const std::string le =
                i < h.upper_bounds().size() ? FormatValue(h.upper_bounds()[i]) : "+Inf";
            out += entry->name + "_bucket" + FormatLabels(names, values, "le", le) + " " +
                   std::to_string(cumulative) + "\n";
          }
          // The count is the +Inf bucket's, so that the two never disagree in one scrape.
          out += entry->name + "_sum" + FormatLabels(names, values) + " " + FormatValue(h.sum()) + "\n";
          out += entry->name + "_count" + FormatLabels(names, values) + " " +
                 std::to_string(cumulative) + "\n";
        });
        break;
      }
    }
  }
  return out;
}

}  // namespace gallery::metrics
