// What a process costs, read from Linux: CPU time and resident memory of a child (from
// /proc/PID), and this process's own CPU time (getrusage).
#pragma once

#include <sys/types.h>

#include <optional>

namespace gallery::bench {

// User + system CPU seconds `pid` has used so far (/proc/PID/stat), or nullopt when it
// cannot be read (the process has gone).
std::optional<double> ProcessCpuSeconds(pid_t pid);

// User + system CPU seconds of this process, all threads, so far.
double SelfCpuSeconds();

// Resident memory of `pid` in MiB from /proc/PID/status: now (VmRSS) or the peak so far
// (VmHWM); nullopt when it cannot be read.
std::optional<double> ResidentMib(pid_t pid);
std::optional<double> PeakResidentMib(pid_t pid);

}  // namespace gallery::bench
