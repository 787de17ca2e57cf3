// Spares: keeps the elements a reused list no longer needs, so that planning record after
// record allocates nothing once the lists have grown to fit.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace gallery::router {

// Elements a list no longer uses, kept with their buffers for the next record: a vector
// that shrinks destroys its elements, and growing again would allocate them anew.
// Not thread-safe; one per list owner.
template <typename T>
class Spares {
 public:
  // list[used++], taken from the spares when the list must grow.
  T& Next(std::vector<T>& list, size_t& used) {
    if (used == list.size()) {
      if (spares_.empty()) {
        list.emplace_back();
      } else {
        list.push_back(std::move(spares_.back()));
        spares_.pop_back();
      }
    }
    return list[used++];
  }
  // Shrinks `list` to `size`, keeping the rest.
  void Trim(std::vector<T>& list, size_t size) {
    for (size_t i = size; i < list.size(); ++i) spares_.push_back(std::move(list[i]));
    list.resize(size);
  }

 private:
  std::vector<T> spares_;
};

}  // namespace gallery::router
