// Metrics: counters, gauges and histograms in labelled families, rendered in the Prometheus
// text exposition format (version 0.0.4) for hubd's /metrics.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace gallery::metrics {

// A count that only goes up. Thread-safe; Increment never blocks.
class Counter {
 public:
  void Increment(uint64_t by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// A value that goes up and down. Thread-safe; never blocks.
class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double delta) { value_.fetch_add(delta, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Observations counted into fixed buckets (upper bounds, ascending; +Inf is implied).
// Thread-safe; Observe never blocks. Each bucket is rendered cumulatively, as Prometheus
// expects, from counts kept per bucket.
class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void Observe(double value);

  const std::vector<double>& upper_bounds() const { return upper_bounds_; }
  // Per bucket (not cumulative), the last one being +Inf.
  std::vector<uint64_t> bucket_counts() const;
  double sum() const { return sum_.load(std::memory_order_relaxed); }
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> upper_bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // upper_bounds_.size() + 1
  std::atomic<double> sum_{0};
  std::atomic<uint64_t> count_{0};
};

// Bucket bounds for latencies in seconds, from 100 µs to 10 s.
std::vector<double> LatencyBuckets();

enum class Type { kCounter, kGauge, kHistogram };

// One metric name with its label names, and one metric per set of label values. Thread-safe.
// References returned by WithLabels stay valid until Clear(); callers on a hot path keep them.
template <typename Metric>
class Family {
 public:
  Family(std::vector<std::string> label_names, std::vector<double> upper_bounds)
      : label_names_(std::move(label_names)), upper_bounds_(std::move(upper_bounds)) {}

  // The metric for these label values, created at 0 on first use. Aborts when the number of
  // values differs from the number of label names (a programming error).
  Metric& WithLabels(const std::vector<std::string>& values);

  // Forgets every label set: for gauges a collector recomputes from scratch at each scrape
  // (e.g. one per recipient, where recipients come and go). Invalidates references.
  void Clear();

  const std::vector<std::string>& label_names() const { return label_names_; }
  // Calls `visit(label values, metric)` for every label set, in label-value order.
  void ForEach(const std::function<void(const std::vector<std::string>&, const Metric&)>& visit) const;

 private:
  const std::vector<std::string> label_names_;
  const std::vector<double> upper_bounds_;  // histograms only
  mutable std::mutex mutex_;
  std::map<std::vector<std::string>, std::unique_ptr<Metric>> metrics_;
};

// Every metric family of a process, and collectors that refresh gauges before rendering.
// Thread-safe. Names and label names are checked against Prometheus' rules when added;
// a bad or repeated name aborts (a programming error, caught by any test that starts hubd).
class Registry {
 public:
  Family<Counter>& AddCounter(std::string name, std::string help,
                              std::vector<std::string> label_names = {});
  Family<Gauge>& AddGauge(std::string name, std::string help,
                          std::vector<std::string> label_names = {});
  Family<Histogram>& AddHistogram(std::string name, std::string help,
                                  std::vector<std::string> label_names,
                                  std::vector<double> upper_bounds);

  // Runs before each Render, on the rendering thread.
  void AddCollector(std::function<void()> collect);

  // Runs the collectors, then renders every family, in the order they were added.
  std::string Render() const;

 private:
  struct Entry {
    std::string name;
    std::string help;
    Type type;
    std::unique_ptr<Family<Counter>> counters;
    std::unique_ptr<Family<Gauge>> gauges;
    std::unique_ptr<Family<Histogram>> histograms;
  };
  Entry& Add(std::string name, std::string help, Type type,
             const std::vector<std::string>& label_names);

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Entry>> entries_;
  std::vector<std::function<void()>> collectors_;
};

}  // namespace gallery::metrics
