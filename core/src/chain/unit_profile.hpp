// The engine's side of ChainEngine::unitProfile and findUnits, on the index.
#pragma once

#include "chain_index.hpp"
#include "staffchain/chain/unit_profile.hpp"

namespace staffchain::chain::detail {

std::optional<UnitProfile> unitProfile(const ChainIndex& index, const model::UnitId& unit, model::Date day,
                                       const UnitPaging& paging);
std::vector<UnitMatch> findUnits(const ChainIndex& index, const std::string& text, std::size_t offset,
                                 std::size_t limit, std::size_t& total);

}  // namespace staffchain::chain::detail
