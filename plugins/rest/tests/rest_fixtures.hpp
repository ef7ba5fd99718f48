// Test data and helpers shared by the rest source's integration tests: valid canonical units and
// movements as a department's API would serve them, and connector tables around them.
#pragma once

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <string>

#include "staffchain/model/identifiers.hpp"

namespace staffchain::rest::testing {

// A valid unified social credit code of an institution in Hailar (150702), numbered n.
inline std::string unitCode(int n) {
  const std::string first17 = fmt::format("12150702MB{:07d}", n);
  return first17 + model::creditCodeCheckChar(first17);
}

// A valid citizen id born 1980-01-01 in Hailar, numbered n (0-999).
inline std::string citizenId(int n) {
  const std::string first17 = fmt::format("15070219800101{:03d}", n);
  return first17 + model::citizenIdCheckChar(first17);
}

// A unit as the API serves it: its own field names, an ISO 8601 change time.
inline nlohmann::json apiUnit(int n, int updated_day) {
  return {{"id", n},
          {"code", unitCode(n)},
          {"title", fmt::format("海拉尔区第{}中学", n)},
          {"region", "150702"},
          {"kind", "public_welfare_1"},
          {"funding", "full"},
          {"updatedAt", fmt::format("2026-05-{:02d}T08:00:00Z", updated_day)}};
}

// units 1..count, unit n changed on day n.
inline nlohmann::json unitsDb(int count) {
  nlohmann::json units = nlohmann::json::array();
  for (int n = 1; n <= count; ++n) units.push_back(apiUnit(n, n));
  return nlohmann::json{{"units", units}};
}

// The mapping of apiUnit onto units.csv.
inline constexpr const char* kUnitMapping = R"(mapping = { fields = { unit_id = "code", name = "title" } })";

}  // namespace staffchain::rest::testing
