#include "vacancy_output.hpp"

#include <fmt/format.h>

#include <map>

#include "table_cell.hpp"

namespace staffchain::ctl {

using nlohmann::json;

void printVacancies(const json& pool, const std::string& format) {
  const json rows = pool.value("vacancies", json::array());
  if (format == "jsonl") {
    for (const auto& row : rows) fmt::print("{}\n", row.dump(-1, ' ', false, json::error_handler_t::replace));
    return;
  }
  if (format == "csv") {
    fmt::print(
        "region,unit_id,unit_name,estab_type,approved,occupied,reserved,vacant,vacant_since,recoverable,"
        "recoverable_because\n");
    for (const auto& r : rows) {
      fmt::print("{},{},{},{},{},{},{},{},{},{},{}\n", r.value("region", ""), r.value("unit_id", ""),
                 csvCell(r.value("unit_name", "")), r.value("estab_type", ""), r.value("approved", 0),
                 r.value("occupied", 0), r.value("reserved", 0), r.value("vacant", 0), r.value("vacant_since", ""),
                 r.value("recoverable", false) ? "yes" : "no", r.value("recoverable_because", ""));
    }
    return;
  }
  fmt::print("vacancy pool (零空编) as of {}: vacant = approved - occupied - reserved by open approvals\n",
             pool.value("as_of", ""));
  std::map<std::string, std::vector<const json*>> by_region;
  for (const auto& row : rows) by_region[row.value("region", "")].push_back(&row);
  const json regions = pool.value("regions", json::object());
  auto totals = [](const json& t) {
    return fmt::format("{:>8} {:>8} {:>8} {:>6}  {} over approved", t.value("approved", 0), t.value("occupied", 0),
                       t.value("reserved", 0), t.value("vacant", 0), t.value("excess", 0));
  };
  for (const auto& [region, list] : by_region) {
    const json summary = regions.value(region, json::object());
    fmt::print("\n{} {}\n", region.empty() ? "(no region)" : region, summary.value("region_name", ""));
    fmt::print("  {:<18} {}  {:<15} {:>8} {:>8} {:>8} {:>6}  {:<10} {}\n", "UNIT", paddedCell("NAME", 24), "TYPE",
               "APPROVED", "OCCUPIED", "RESERVED", "VACANT", "SINCE", "RECOVERABLE");
    for (const auto* r : list) {
      fmt::print("  {:<18} {}  {:<15} {:>8} {:>8} {:>8} {:>6}  {:<10} {}\n", r->value("unit_id", ""),
                 paddedCell(r->value("unit_name", ""), 24), r->value("estab_type", ""), r->value("approved", 0),
                 r->value("occupied", 0), r->value("reserved", 0), r->value("vacant", 0), r->value("vacant_since", ""),
                 r->value("recoverable", false) ? r->value("recoverable_because", "") : "");
    }
    fmt::print("  {:<18} {}  {:<15} {}, {} recoverable\n", "total", paddedCell("", 24), "", totals(summary),
               summary.value("recoverable", 0));
  }
  const json all = pool.value("total", json::object());
  fmt::print("\n{:<20} {}  {:<15} {}, {} recoverable, {} units\n", "all regions", paddedCell("", 24), "", totals(all),
             all.value("recoverable", 0), all.value("units", 0));
}

}  // namespace staffchain::ctl
