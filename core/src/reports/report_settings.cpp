#include "staffchain/reports/report_settings.hpp"

#include <algorithm>

#include "staffchain/plugin/config_reader.hpp"

namespace staffchain::reports {

void readReportSettings(plugin::ConfigReader& reader, ReportSettings& settings) {
  settings.quarterly_receivers = reader.stringArray("quarterly_receivers").value_or(settings.quarterly_receivers);
  // 29, 30 and 31 are not in every month: a report due on them would skip February's quarter.
  settings.quarterly_on_day = static_cast<int>(reader.integer("quarterly_on_day", 1, 28, settings.quarterly_on_day));
  settings.quarterly_regions = reader.stringArray("quarterly_regions").value_or(settings.quarterly_regions);
  for (const auto& region : settings.quarterly_regions) {
    const bool digits =
        region.size() == 6 && std::all_of(region.begin(), region.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits) {
      reader.fail("quarterly_regions", "\"" + region + "\" is not a region code (6 digits, GB/T 2260)");
    }
  }
  settings.issuing_office = reader.string("issuing_office", settings.issuing_office);
  reader.finish();
}

}  // namespace staffchain::reports
