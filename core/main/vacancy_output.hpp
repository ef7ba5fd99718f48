// The vacancy pool as staffchainctl prints it, from the API's answer (`vacancies`) or from a
// folder (`audit DIR --vacancies`): the same rows, the same three formats.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace staffchain::ctl {

// `pool` is the API's answer: {"as_of", "vacancies": [...], "regions": {...}, "total": {...}}.
// table: per region, each unit/type and the region's totals, then the city's; jsonl: one row
// a line; csv: a header and one row a line (ids in full: the pool names no person).
void printVacancies(const nlohmann::json& pool, const std::string& format);

}  // namespace staffchain::ctl
