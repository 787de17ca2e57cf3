#include "tests/bench/bench_stats.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>

namespace gallery::bench {

int64_t Percentile(std::vector<int64_t>& samples, double p) {
  if (samples.empty()) return 0;
  const double rank = std::ceil(p / 100.0 * static_cast<double>(samples.size()));
  const size_t index = std::min(samples.size() - 1, static_cast<size_t>(std::max(rank, 1.0)) - 1);
  std::nth_element(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(index),
                   samples.end());
  return samples[index];
}

Result<std::vector<int64_t>> MeasureFdatasync(const std::string& dir, int count,
                                              Clock::time_point deadline) {
  const std::string path = dir + "/fdatasync.probe";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Unavailable("cannot create " + path + ": " + std::strerror(errno));
  const std::string block(4096, 'g');
  std::vector<int64_t> times;
  times.reserve(static_cast<size_t>(count));
  Status status;
  for (int i = 0; i < count && Clock::now() < deadline; ++i) {
    const int64_t start = NowNs();
    if (::write(fd, block.data(), block.size()) != static_cast<ssize_t>(block.size())) {
      status = Unavailable("writing " + path + ": " + std::strerror(errno));
      break;
    }
    if (::fdatasync(fd) != 0) {
      status = Unavailable("fdatasync " + path + ": " + std::strerror(errno));
      break;
    }
    times.push_back(NowNs() - start);
  }
  ::close(fd);
  ::unlink(path.c_str());
  if (!status.ok()) return status;
  return times;
}

}  // namespace gallery::bench
