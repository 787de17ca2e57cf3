// One batch of frames taken off the hub's socket: the records published in it, on an arena
// of their own, and the acks. Two take turns, so that the hub reads and routes the next
// batch while the store writes and syncs the last one.
#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include <google/protobuf/arena.h>
#include <zmq.hpp>

#include "hub/audit/audit_chain.h"
#include "hub/server/ingest.h"
#include "hub/store/store.h"

namespace gallery::server {

class Batch {
 public:
  Batch();
  Batch(const Batch&) = delete;
  Batch& operator=(const Batch&) = delete;

  google::protobuf::Arena& arena() { return arena_; }
  bool empty() const { return publishes.empty() && acks.empty(); }
  // Forgets everything, keeping the arena's first block and the vectors' capacity.
  void Clear();

  std::vector<PendingPublish> publishes;
  std::vector<zmq::message_t> held;  // the frames publishes point into
  std::vector<store::AckedDelivery> acks;
  // Set once prepared: the journal entries, and the audit chain's head before their
  // entries were sealed (restored when the commit fails).
  bool prepared = false;
  std::vector<store::NewRecord> records;
  audit::ChainHead audit_before;
  std::chrono::steady_clock::time_point commit_started;

 private:
  std::unique_ptr<char[]> arena_block_;
  google::protobuf::Arena arena_;
};

}  // namespace gallery::server
