// TestRegion: a private Gallery region for one integration test — a temp folder with a
// hub config and rules, a real hubd process, and real adapter-sink processes.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gallery/v1/wire.pb.h"
#include "tests/integration/child_process.h"

namespace gallery::testing {

class TestRegion {
 public:
  // `agencies_yaml` is the config's agencies list; `rules_yaml` one rule file.
  TestRegion(const std::string& name, const std::string& agencies_yaml, const std::string& rules_yaml);
  ~TestRegion();

  // Starts hubd on `endpoint` (default: a free loopback port) and waits until it serves.
  // Returns the bound endpoint.
  std::string StartHub(const std::string& endpoint = "tcp://127.0.0.1:*");
  ChildProcess& hub() { return *hub_; }
  // Kills hubd with `signal` and waits for it to go.
  int StopHub(int signal);

  void StartSink(const std::string& agency);
  void StopSinks();

  // Every delivery in the agency's inbox, in file order.
  std::vector<v1::Deliver> Inbox(const std::string& agency) const;
  // Unacked deliveries to `agency` (all recipients when empty), read from the hub's store.
  uint64_t PendingDeliveries(const std::string& agency = "") const;
  // Records journaled in the hub's store.
  size_t JournaledRecords() const;

  const std::filesystem::path& dir() const { return dir_; }
  const std::string& endpoint() const { return endpoint_; }
  std::string config_path() const { return (dir_ / "hub.yaml").string(); }
  std::string store_path() const { return (dir_ / "hub.db").string(); }
  // A built binary, e.g. "hubd".
  static std::string Binary(const std::string& name);

 private:
  std::filesystem::path dir_;
  std::string endpoint_;
  std::unique_ptr<ChildProcess> hub_;
  std::map<std::string, std::unique_ptr<ChildProcess>> sinks_;
};

}  // namespace gallery::testing
