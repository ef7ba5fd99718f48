// The [reports] table: who receives the quarterly report (季度监控) and when, and its reader.
#pragma once

#include <string>
#include <vector>

namespace staffchain::plugin {
class ConfigReader;
}

namespace staffchain::reports {

struct ReportSettings {
  // Notifier names that receive each quarter's workbook; empty: no report is sent.
  std::vector<std::string> quarterly_receivers;
  // The day of the month after the quarter's end the report is sent (1..28, so every month has it).
  int quarterly_on_day = 5;
  // One workbook per region code listed, besides none: empty sends one workbook of every region.
  std::vector<std::string> quarterly_regions;
  // The office named under each sheet's title (填报单位).
  std::string issuing_office;
};

// Reads a [reports] table into `settings`; problems are added to the reader's errors, located.
// Receiver names are checked against the notifiers by the configuration loader, which knows them.
void readReportSettings(plugin::ConfigReader& reader, ReportSettings& settings);

}  // namespace staffchain::reports
