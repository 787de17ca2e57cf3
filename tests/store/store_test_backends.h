// Backends for the store tests: each test case gets an empty store of its own (a fresh
// journal directory or SQLite file, or a fresh schema in the PostgreSQL test server) and
// can reopen it.
#pragma once

#include <memory>
#include <string>

#include "hub/common/result.h"
#include "hub/store/store.h"

namespace gallery::store::testing {

// The DSN of the PostgreSQL test server that ctest's fixture started (tests/store/
// pg_test_server.sh), read from the file named by $GALLERY_PG_DSN_FILE, else from the build
// tree's default. kUnavailable, with how to start one, when there is none.
Result<std::string> TestServerDsn();

// One empty store, reopenable. Not thread-safe.
class TestBackend {
 public:
  virtual ~TestBackend() = default;
  // Opens the same store every time (the previous store must be gone).
  virtual Result<std::unique_ptr<Store>> Open() = 0;
};

// "journal", "sqlite" or "postgresql". `test_name` keeps concurrent test cases apart. The backend's
// data is deleted with it.
Result<std::unique_ptr<TestBackend>> MakeTestBackend(const std::string& backend,
                                                     const std::string& test_name);

}  // namespace gallery::store::testing
