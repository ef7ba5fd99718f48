// The synthetic worlds the benchmarks run on: generated once per size and seed into a cache
// folder, then reused, so that a benchmark run measures the engine and not the generator.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>

#include "staffchain/model/calendar.hpp"
#include "staffchain/model/records.hpp"
#include "staffchain/plugin/result.hpp"

namespace staffchain::bench {

struct WorldKey {
  std::size_t persons = 0;
  std::uint64_t seed = 1;
};

// The folder of one world under `cache_root`: "<persons>-<seed>".
std::filesystem::path worldFolder(const std::filesystem::path& cache_root, WorldKey key);

// The evaluation date of every generated world (the generator's default as_of).
model::Date worldAsOf();

// Generates the world into its folder unless a complete copy is already there. A folder is
// complete once the generator returned: a marker file written last says so, so a run that was
// interrupted mid-write regenerates instead of benchmarking half a world.
// Errors: the generator failed (its message), the marker could not be written.
Result<std::filesystem::path> ensureWorld(const std::filesystem::path& cache_root, WorldKey key);

// Reads the world's canonical folder into a Dataset (what `staffchainctl audit DIR` reads).
Result<model::Dataset> loadWorld(const std::filesystem::path& folder);

}  // namespace staffchain::bench
