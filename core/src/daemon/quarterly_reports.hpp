// The quarterly reports, one of the daemon's parts: the quarterly monitoring workbook (季度监控)
// computed from the live engine and the alert history, for the API, and sent on its day
// ([reports] quarterly_on_day of the month after each quarter) to each of the configured
// receivers through the alert outbox, once: the message's idempotency key is the quarter, the
// region and the receiver, so neither a restart nor a second check sends it again, and a daemon
// that was down on the day sends it when it is back. It owns its timer; the daemon wires it.
#pragma once

#include <memory>
#include <set>
#include <string>

#include "alert_dispatcher.hpp"
#include "case_desk.hpp"
#include "evaluator.hpp"
#include "staffchain/config/config.hpp"
#include "staffchain/daemon/scheduler.hpp"
#include "staffchain/reports/quarterly_figures.hpp"

namespace staffchain::daemon {

class QuarterlyReports {
 public:
  // The cases counted come from `cases` (none while its store is not open).
  QuarterlyReports(Scheduler& scheduler, Evaluator& evaluator, AlertDispatcher& dispatcher, const CaseDesk& cases);
  ~QuarterlyReports();
  QuarterlyReports(const QuarterlyReports&) = delete;
  QuarterlyReports& operator=(const QuarterlyReports&) = delete;
  QuarterlyReports(QuarterlyReports&&) = delete;
  QuarterlyReports& operator=(QuarterlyReports&&) = delete;

  // The configuration in force; it must outlive its use here.
  void configure(const config::Config& config);
  // Sends what is due now, then looks again after each midnight in [daemon] timezone.
  void start();
  void stop();

  // The quarter's figures for `region` (empty: every region), as of now.
  [[nodiscard]] Result<reports::QuarterlyReport> figures(const reports::Quarter& quarter,
                                                         const std::string& region) const;
  // The same as a workbook: its bytes and its file name.
  struct Workbook {
    std::string name;
    std::string bytes;
  };
  [[nodiscard]] Result<Workbook> workbook(const reports::Quarter& quarter, const std::string& region) const;

  // Writes the last ended quarter's report to the outbox for each receiver and region once its
  // day has come, and hands it to the dispatcher. Already written ones are left alone.
  void sendDue();

 private:
  void scheduleNextCheck();

  Scheduler& scheduler_;
  Evaluator& evaluator_;
  AlertDispatcher& dispatcher_;
  const CaseDesk& cases_;
  const config::Config* config_ = nullptr;
  bool stopping_ = false;
  // Quarter|region|receiver written (or found written) by this process: not computed again.
  std::set<std::string> written_;
  std::unique_ptr<Timer> check_timer_;
};

}  // namespace staffchain::daemon
