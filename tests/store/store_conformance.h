// The fixture of the Store conformance suite: one empty store per test case, on the backend
// named by the test parameter ("journal", "sqlite" or "postgresql").
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tests/store/store_test_backends.h"
#include "hub/common/now_micros.h"

// Asserts that a Status is ok, printing it when it is not.
#define ASSERT_OK(expr)                                                  \
  do {                                                                   \
    const ::gallery::Status assert_ok_status_ = (expr);                  \
    ASSERT_TRUE(assert_ok_status_.ok()) << assert_ok_status_.ToString(); \
  } while (0)

namespace gallery::store {

class StoreConformanceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    auto backend = testing::MakeTestBackend(GetParam(), info->name());
    // No server is a failure, never a skip: a green run must have tested every backend.
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    backend_ = std::move(backend).value();
  }

  std::unique_ptr<Store> Open() {
    auto store = backend_->Open();
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  static NewRecord Record(const std::string& id, std::vector<std::string> recipients) {
    NewRecord record;
    record.record_id = id;
    record.source_agency = "asc-county";
    record.record_type = "assessment.single";
    record.registered_gp_ods = "A81001";
    record.received_at_us = 1;
    record.payload = "payload of " + id;
    for (auto& recipient : recipients) {
      record.deliveries.push_back(
          {recipient, {"sap-rule"}, {"Finances/Income"}, id + " to " + recipient});
    }
    record.withholdings.push_back({"housing-homesafe", "no rule permits it"});
    return record;
  }

  static std::vector<uint64_t> Ids(const std::vector<PendingDelivery>& pending) {
    std::vector<uint64_t> ids;
    for (const auto& delivery : pending) ids.push_back(delivery.delivery_id);
    return ids;
  }

  // Ids of `recipient`'s pending deliveries, or {~0} when the store fails.
  static std::vector<uint64_t> PendingIds(Store& store, const std::string& recipient) {
    auto pending = store.Pending(recipient, 0, 100);
    EXPECT_TRUE(pending.ok()) << pending.status().ToString();
    return pending.ok() ? Ids(*pending) : std::vector<uint64_t>{~0ull};
  }

  std::unique_ptr<testing::TestBackend> backend_;
};

}  // namespace gallery::store
