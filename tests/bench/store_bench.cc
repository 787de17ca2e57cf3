// store_bench: the embedded store alone, the journal against SQLite in one run. Commits
// --records records (3 deliveries each of a ~1 KB redaction, identical for the three
// recipients, plus the acks of the previous batch) in batches of 16, 256 and 2048, to a
// fresh store each round; prints records/s per backend and batch size (median of --rounds
// rounds) and the ratio journal/sqlite. Every commit is durable (fdatasync) as in hubd.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "hub/store/journal_store.h"
#include "hub/store/sqlite_store.h"

namespace gallery::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Options {
  uint64_t records = 50'000;
  int rounds = 3;
  std::string tmp = fs::temp_directory_path().string();
  bool sqlite = true;       // false: the journal only (for profiling it)
  bool preallocate = true;  // the journal prepares its next segment ahead
};

constexpr const char* kRecipients[] = {"bench-r1", "bench-r2", "bench-r3"};
constexpr size_t kBatchSizes[] = {16, 256, 2048};

Result<std::unique_ptr<store::Store>> OpenBackend(const Options& options,
                                                  const std::string& backend, const fs::path& dir) {
  if (backend == "sqlite") {
    GALLERY_ASSIGN_OR_RETURN(std::unique_ptr<store::SqliteStore> store,
                             store::SqliteStore::Open((dir / "hub.db").string()));
    return std::unique_ptr<store::Store>(std::move(store));
  }
  GALLERY_ASSIGN_OR_RETURN(
      std::unique_ptr<store::JournalStore> store,
      store::JournalStore::Open((dir / "journal").string(), {.preallocate = options.preallocate}));
  return std::unique_ptr<store::Store>(std::move(store));
}

// Records `first` .. `first + count - 1` of about 1 KB, each for the three recipients.
std::vector<store::NewRecord> MakeBatch(uint64_t first, size_t count) {
  std::vector<store::NewRecord> batch(count);
  for (size_t i = 0; i < count; ++i) {
    store::NewRecord& record = batch[i];
    record.record_id = "bench-" + std::to_string(first + i);
    record.source_agency = "bench-source";
    record.record_type = "assessment.single";
    record.registered_gp_ods = "A81001";
    record.received_at_us = 1;
    record.payload = record.record_id + std::string(1000, 'x');
    const std::string redacted = record.record_id + std::string(1000, 'y');
    for (const char* recipient : kRecipients) {
      record.deliveries.push_back({recipient, {"bench-all"}, {}, redacted});
    }
  }
  return batch;
}

// Records/s committing `options.records` in batches of `batch_size` to a fresh store.
Result<double> Round(const Options& options, const std::string& backend, size_t batch_size) {
  const fs::path dir =
      fs::path(options.tmp) / ("gallery-store-bench-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  double rate = 0;
  {
    GALLERY_ASSIGN_OR_RETURN(std::unique_ptr<store::Store> store,
                             OpenBackend(options, backend, dir));
    // Batches are made beforehand: only the store is timed.
    std::vector<std::vector<store::NewRecord>> batches;
    for (uint64_t first = 0; first < options.records; first += batch_size) {
      batches.push_back(MakeBatch(first, std::min<uint64_t>(batch_size, options.records - first)));
    }
    std::vector<store::AckedDelivery> acks;
    uint64_t acked = 0;  // each recipient acks the previous batch whole
    const auto start = Clock::now();
    for (const auto& batch : batches) {
      GALLERY_RETURN_IF_ERROR(store->Commit(batch, acks, "bench"));
      acks.clear();
      for (size_t i = 0; i < batch.size(); ++i) {
        ++acked;
        for (const char* recipient : kRecipients) acks.push_back({recipient, acked});
      }
    }
    rate = static_cast<double>(options.records) /
           std::chrono::duration<double>(Clock::now() - start).count();
  }
  fs::remove_all(dir);
  return rate;
}

int Run(const Options& options) {
  std::printf(
      "store_bench: %llu records per round (3 deliveries of ~1 KB, identical "
      "redactions, acks of the previous batch), median of %d rounds, %s%s\n",
      static_cast<unsigned long long>(options.records), options.rounds, options.tmp.c_str(),
      options.preallocate ? "" : ", journal segments not prepared ahead");
  std::printf("%-8s %14s %14s %8s\n", "batch", "journal rec/s", "sqlite rec/s", "ratio");
  for (size_t batch_size : kBatchSizes) {
    double medians[2] = {0, 0};
    const char* backends[2] = {"journal", "sqlite"};
    for (int b = 0; b < (options.sqlite ? 2 : 1); ++b) {
      std::vector<double> rates;
      for (int round = 0; round < options.rounds; ++round) {
        auto rate = Round(options, backends[b], batch_size);
        if (!rate.ok()) {
          std::fprintf(stderr, "store_bench: %s: %s\n", backends[b],
                       rate.status().ToString().c_str());
          return 1;
        }
        rates.push_back(*rate);
      }
      std::sort(rates.begin(), rates.end());
      medians[b] = rates[rates.size() / 2];
    }
    std::printf("%-8zu %14.0f %14.0f %8.1f\n", batch_size, medians[0], medians[1],
                medians[1] > 0 ? medians[0] / medians[1] : 0.0);
    // "result NAME VALUE BACKEND", as the other benches print them.
    std::printf("result store_records_per_s_batch_%zu %.0f journal\n", batch_size, medians[0]);
    std::printf("result store_records_per_s_batch_%zu %.0f sqlite\n", batch_size, medians[1]);
  }
  return 0;
}

}  // namespace
}  // namespace gallery::bench

int main(int argc, char** argv) {
  gallery::bench::Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--records")
      options.records = std::stoull(value);
    else if (flag == "--rounds")
      options.rounds = std::max(1, std::stoi(value));
    else if (flag == "--tmp")
      options.tmp = value;
    else if (flag == "--sqlite")
      options.sqlite = value != "no";
    else if (flag == "--preallocate")
      options.preallocate = value != "no";
    else {
      std::fprintf(stderr,
                   "usage: store_bench [--records N] [--rounds R] [--tmp DIR] [--sqlite no] "
                   "[--preallocate no]\n");
      return 2;
    }
  }
  if (argc % 2 == 0) {
    std::fprintf(stderr,
                 "usage: store_bench [--records N] [--rounds R] [--tmp DIR] [--sqlite no] "
                 "[--preallocate no]\n");
    return 2;
  }
  spdlog::set_level(spdlog::level::warn);
  return gallery::bench::Run(options);
}
