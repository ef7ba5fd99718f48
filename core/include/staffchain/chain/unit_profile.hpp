// What the engine holds of one unit, for its page in the console (单位): the unit's own row, its
// leadership posts approved and held, the people on its roster and the movements that name it.
// Its establishment per type is the vacancy pool's rows of the unit (ChainEngine::vacancies).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "staffchain/model/records.hpp"

namespace staffchain::chain {

struct LeaderPosts {
  model::LeaderLevel level = model::LeaderLevel::county;
  model::LeaderRank rank = model::LeaderRank::chief;
  std::int32_t approved = 0;  // leader_quotas; 0 when the unit has none for the level and rank
  std::int32_t held = 0;      // leaders holding such a post on the day (as CHAIN-007 counts them)
};

struct UnitProfile {
  model::Unit unit;
  std::vector<LeaderPosts> leadership;     // by level, rank
  std::vector<model::RosterEntry> roster;  // the unit's roster rows entered by the day, by type, date, person
  std::size_t roster_total = 0;            // before paging
  // Movements into or out of the unit by the day, newest first: those of the people linked to it
  // (hired, transferred in or rostered there, or holding a leadership post of it).
  std::vector<model::Movement> movements;
  std::size_t movements_total = 0;  // before paging
};

struct UnitPaging {
  std::size_t roster_offset = 0;
  std::size_t roster_limit = 200;
  std::size_t movements_limit = 200;  // the newest
};

// A unit found by a search: by its id (credit code) or a part of its name.
struct UnitMatch {
  model::UnitId unit_id;
  std::string name;
  std::string region;
  model::UnitKind kind = model::UnitKind::organ;
};

}  // namespace staffchain::chain
