// Resident memory of this process, for benchmark counters: what a deployment must provision.
#pragma once

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>

namespace staffchain::bench {

// The largest resident set this process has had so far, in MiB.
inline double peakRssMib() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0.0;
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

// The resident set now, in MiB (0 when /proc is not there).
inline double currentRssMib() {
  std::ifstream statm("/proc/self/statm");
  long pages_total = 0;
  long pages_resident = 0;
  if (!(statm >> pages_total >> pages_resident)) return 0.0;
  const long page_size = sysconf(_SC_PAGESIZE);
  return static_cast<double>(pages_resident) * static_cast<double>(page_size) / (1024.0 * 1024.0);
}

}  // namespace staffchain::bench
