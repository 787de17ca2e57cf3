#include "tests/bench/peak_rss_reset.h"

#include <fstream>
#include <string>

namespace gallery::bench {

bool ResetPeakRss(pid_t pid) {
  std::ofstream out("/proc/" + std::to_string(pid) + "/clear_refs");
  out << "5\n";
  out.flush();
  return static_cast<bool>(out);
}

}  // namespace gallery::bench
