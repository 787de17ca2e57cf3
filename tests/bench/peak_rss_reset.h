// Restarts a process's peak resident memory (VmHWM), so that a long-running broker's peak
// is measured over one benchmark run rather than since its start.
#pragma once

#include <sys/types.h>

namespace gallery::bench {

// Writes 5 to /proc/PID/clear_refs (needs the process's owner or root). False when the
// kernel refused: VmHWM then still counts from the process's start.
bool ResetPeakRss(pid_t pid);

}  // namespace gallery::bench
