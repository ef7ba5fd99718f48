// Shared by the generator tests: a world generated once per spec into a temporary folder,
// and its files read back as typed records.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "staffchain/gen/generate_world.hpp"
#include "staffchain/model/canonical_folder.hpp"

namespace staffchain::gen::testing {

struct TruthEntry {
  std::string rule, unit_id, person_id;
};

struct GeneratedWorld {
  WorldSpec spec;
  GenerateStats stats;
  std::vector<TruthEntry> truth;
};

// Removes the process's world folders once its tests are done.
class WorldFolders : public ::testing::Environment {
 public:
  static WorldFolders& instance() {
    static auto* folders = static_cast<WorldFolders*>(::testing::AddGlobalTestEnvironment(new WorldFolders));
    return *folders;
  }
  void add(const std::filesystem::path& dir) { dirs_.push_back(dir); }
  void TearDown() override {
    std::error_code ignored;
    for (const auto& dir : dirs_) std::filesystem::remove_all(dir, ignored);
  }

 private:
  std::vector<std::filesystem::path> dirs_;
};
inline WorldFolders& kWorldFolders = WorldFolders::instance();

// Per process: ctest runs each case in its own process, several at once.
inline std::filesystem::path freshDir(const std::string& name) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("staffchain_gen_test_" + name + "_" + std::to_string(::getpid()));
  kWorldFolders.add(dir);
  std::filesystem::remove_all(dir);
  return dir;
}

inline GeneratedWorld generate(const std::string& name, std::size_t persons, std::uint64_t seed,
                               ViolationRates rates = ViolationRates::defaults(),
                               model::Date as_of = WorldSpec{}.as_of) {
  GeneratedWorld world;
  world.spec.as_of = as_of;
  world.spec.persons = persons;
  world.spec.seed = seed;
  world.spec.rates = rates;
  world.spec.out_dir = freshDir(name);
  auto stats = generateWorld(world.spec);
  EXPECT_TRUE(stats.ok()) << (stats.ok() ? "" : stats.error().message);
  if (!stats.ok()) return world;
  world.stats = *stats;
  std::ifstream in(world.spec.out_dir / "truth.jsonl");
  for (std::string line; std::getline(in, line);) {
    const auto json = nlohmann::json::parse(line);
    world.truth.push_back({json.at("rule"), json.at("unit_id"), json.at("person_id")});
  }
  return world;
}

inline std::string readFile(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline const char* const kFiles[] = {"units.csv",     "quotas.csv",  "leader_quotas.csv", "approvals.csv", "roster.csv",
                                     "movements.csv", "payroll.csv", "deaths.csv",        "truth.jsonl"};

}  // namespace staffchain::gen::testing
