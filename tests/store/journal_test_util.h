// For the journal store's own tests: a fresh directory per test case, records to commit,
// and a view of what the store logs.
#pragma once

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "hub/store/journal_store.h"

#define ASSERT_OK(expr)                                                  \
  do {                                                                   \
    const ::gallery::Status assert_ok_status_ = (expr);                  \
    ASSERT_TRUE(assert_ok_status_.ok()) << assert_ok_status_.ToString(); \
  } while (0)

namespace gallery::store {

class JournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("gallery-journal-" + std::string(info->name()) + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    // What the store logs, to check what it reports.
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log_);
    previous_logger_ = spdlog::default_logger();
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("journal-test", sink));
  }
  void TearDown() override {
    spdlog::set_default_logger(previous_logger_);
    if (!HasFailure()) std::filesystem::remove_all(dir_);
  }

  Result<std::unique_ptr<JournalStore>> Open(JournalOptions options = {}) {
    return JournalStore::Open(dir_.string(), options);
  }

 public:
  // A record of about `payload_bytes`, one redaction per recipient, all identical.
  static NewRecord Record(const std::string& id, std::vector<std::string> recipients,
                          size_t payload_bytes = 100) {
    NewRecord record;
    record.record_id = id;
    record.source_agency = "asc-county";
    record.record_type = "assessment.single";
    record.registered_gp_ods = "A81001";
    record.received_at_us = 1;
    record.payload = "as received " + id + std::string(payload_bytes, 'r');
    for (auto& recipient : recipients) {
      record.deliveries.push_back(
          {recipient, {"sap-rule"}, {}, "redacted " + id + std::string(payload_bytes, 'p')});
    }
    return record;
  }

  // The segment files, oldest first.
  std::vector<std::filesystem::path> Segments() const {
    std::vector<std::filesystem::path> out;
    for (const auto& item : std::filesystem::directory_iterator(dir_)) {
      if (item.path().extension() == ".journal") out.push_back(item.path());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  static std::string ReadAll(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
  }

 protected:
  std::filesystem::path dir_;
  std::ostringstream log_;
  std::shared_ptr<spdlog::logger> previous_logger_;
};

}  // namespace gallery::store
