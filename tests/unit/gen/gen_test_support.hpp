// Shared by the generator tests: a world generated once per spec into a temporary folder,
// and its files read back as typed records.
#pragma once

#include <gtest/gtest.h>

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

inline std::filesystem::path freshDir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("staffchain_gen_test_" + name);
  std::filesystem::remove_all(dir);
  return dir;
}

inline GeneratedWorld generate(const std::string& name, std::size_t persons, std::uint64_t seed,
                               ViolationRates rates = ViolationRates::defaults()) {
  GeneratedWorld world;
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
