// The quarterly monitoring report's figures (季度监控, DOMAIN.md §7), computed from what the daemon
// holds: the chain engine's records (posts, reduction tasks, payroll) as of the quarter's last day,
// the alert history (every time a finding or a link alert was open) and the rectification cases
// the caller passes. The result is the plain QuarterlyReport the workbook writer lays out.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "staffchain/alerts/alert_manager.hpp"
#include "staffchain/chain/chain_engine.hpp"
#include "staffchain/model/calendar.hpp"
#include "staffchain/model/time_zone.hpp"
#include "staffchain/plugin/result.hpp"
#include "staffchain/reports/quarterly_report.hpp"

namespace staffchain::reports {

// A calendar quarter, written "2026Q4".
struct Quarter {
  int year = 0;
  unsigned number = 1;  // 1..4

  [[nodiscard]] model::Date firstDay() const noexcept;
  [[nodiscard]] model::Date lastDay() const noexcept;
  [[nodiscard]] std::string text() const;  // "2026Q4"
  // The quarter that ended last before `day`'s quarter (2027-01-05 -> 2026Q4).
  static Quarter before(model::Date day) noexcept;
  static Quarter of(model::Date day) noexcept;
  friend auto operator<=>(const Quarter&, const Quarter&) = default;
};

// Exactly four digits of year, "Q" (or "q") and 1..4; an error names the text and the form.
Result<Quarter> parseQuarter(std::string_view text);

// A rectification case as the report counts it; the cases area owns the real ones.
struct CaseRecord {
  std::string doc_no;  // 呼编督〔2026〕12号
  std::string unit_id;
  std::string region;
  model::Date opened_on;
  std::optional<model::Date> closed_on;   // verified (closed)
  std::optional<model::Date> overdue_on;  // the day its deadline passed with a finding still open
  // The days it was overdue, each [from, until) (until empty: still), when known: a case is
  // overdue in a quarter when one of them reaches into it. Without them, overdue_on alone counts
  // a case overdue from that day while it is open.
  std::vector<std::pair<model::Date, std::optional<model::Date>>> overdue_spans;
};

// A source link to report on: every configured connector, whether or not it was ever down.
struct LinkSubject {
  std::string connector;
  std::string role;  // estab, org, hr, finance
};

struct QuarterlyInputs {
  Quarter quarter;
  std::string region;  // a GB/T 2260 code, or empty for every region
  std::string issuing_office;
  model::TimeZone zone;  // quarter boundaries are midnights there
  std::chrono::system_clock::time_point now{};
  std::vector<CaseRecord> cases;
  std::vector<LinkSubject> links;
};

// Computes the report. The engine is read as of the quarter's last day, or today (in `zone`) when
// the quarter is not over; findings and links are counted from the alert spans of the quarter up
// to `now`. A quarter that has not begun yet, or a malformed region, is an error saying so.
Result<QuarterlyReport> quarterlyFigures(const QuarterlyInputs& inputs, const chain::ChainEngine& engine,
                                         const alerts::AlertManager& alerts);

}  // namespace staffchain::reports
