#include "hub/server/batch.h"

namespace gallery::server {
namespace {

// The arena's first block, kept across batches, and the size of any further ones: a full
// batch of 1 KB records fits in a few blocks.
constexpr size_t kArenaBlockBytes = 4 << 20;

google::protobuf::ArenaOptions BatchArenaOptions(char* block) {
  google::protobuf::ArenaOptions options;
  options.initial_block = block;
  options.initial_block_size = kArenaBlockBytes;
  options.start_block_size = kArenaBlockBytes;
  options.max_block_size = kArenaBlockBytes;
  return options;
}

}  // namespace

Batch::Batch()
    : arena_block_(new char[kArenaBlockBytes]), arena_(BatchArenaOptions(arena_block_.get())) {}

void Batch::Clear() {
  publishes.clear();
  records.clear();
  acks.clear();
  prepared = false;
  arena_.Reset();  // nothing parsed outlives its batch
  held.clear();
}

}  // namespace gallery::server
