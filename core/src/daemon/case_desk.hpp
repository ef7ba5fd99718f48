// The case desk, one of the daemon's parts: the rectification cases (整改) in the ledger file.
// After each evaluation the cases follow their findings (resolved, overdue), the engine is told
// which units an overdue case suspends, CASE-001 joins the open findings, and — when
// [cases] auto_case_after_days is set — long-open critical findings get a case by themselves.
// The API's case routes act through it.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "evaluator.hpp"
#include "open_findings.hpp"
#include "staffchain/api/prometheus_writer.hpp"
#include "staffchain/cases/case_store.hpp"
#include "staffchain/config/config.hpp"
#include "staffchain/daemon/scheduler.hpp"
#include "staffchain/store/database.hpp"

namespace staffchain::daemon {

class CaseDesk {
 public:
  explicit CaseDesk(Evaluator& evaluator);
  ~CaseDesk();
  CaseDesk(const CaseDesk&) = delete;
  CaseDesk& operator=(const CaseDesk&) = delete;

  void configure(const config::Config& config);
  // Opens the case tables in the ledger's file and tells the engine the suspensions they hold.
  // False, logged.
  bool open(const store::Location& ledger_path);
  [[nodiscard]] bool isOpen() const noexcept { return store_ != nullptr; }
  [[nodiscard]] cases::CaseStore& store() { return *store_; }
  [[nodiscard]] const cases::CaseStore& store() const { return *store_; }

  // An evaluation as of `as_of` left `open` open (every finding the daemon holds): the cases
  // follow it, then CASE-001 of each overdue case is appended to `open`.
  void follow(model::Date as_of, OpenFindings& open, WallTime now);

  // A case for `unit` bundling the findings named (every open finding of the unit not yet in a
  // case when none is named), as the last evaluation had them.
  cases::CaseAnswer openCase(const std::string& unit_id, const std::vector<std::string>& finding_ids,
                             std::optional<model::Date> deadline, const cases::Actor& actor, model::Date today,
                             WallTime now);
  cases::CaseAnswer act(std::int64_t number, cases::CaseAction action, const cases::Actor& actor, WallTime now);

  void metrics(api::PrometheusWriter& out) const;

 private:
  // The engine's open findings of a unit that a case may bundle (chain rules and data rows).
  [[nodiscard]] std::vector<chain::Finding> bundleable(const std::string& unit_id) const;
  void autoOpen(model::Date as_of, const OpenFindings& open, WallTime now);
  void tellEngine();

  Evaluator& evaluator_;
  const config::Config* config_ = nullptr;
  std::unique_ptr<cases::CaseStore> store_;
};

}  // namespace staffchain::daemon
