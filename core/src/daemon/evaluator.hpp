// The evaluator, one of the daemon's parts: the chain engine, judged as of today in the
// configured zone after data lands (a second's quiet coalesces the syncs that land together)
// and on a timer (deadlines pass with time alone); it waits while a connector's data is not
// whole yet, at most [daemon] first_sync_grace. It owns the engine and its timers; what the
// findings lead to is the daemon's to wire.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "open_findings.hpp"
#include "staffchain/chain/chain_engine.hpp"
#include "staffchain/config/config.hpp"
#include "staffchain/daemon/scheduler.hpp"
#include "staffchain/ingest/ingestor.hpp"

namespace staffchain::daemon {

class Evaluator {
 public:
  struct Hooks {
    // The enabled connectors whose data is not whole yet: no first sync finished, or a run of
    // batches half-way. Nothing is judged from a half-synced world.
    std::function<std::vector<std::string>()> not_settled;
    // Every finding open now: the engine's, given, and whatever else the daemon holds open.
    // The engine's are read in place (OpenFindings).
    std::function<OpenFindings(std::vector<const chain::Finding*> engine_findings, WallTime now)> open_findings;
    // An evaluation's result: every finding open now as of that day, with how many changed
    // and resolved, and how long it took.
    std::function<void(model::Date as_of, const OpenFindings& open, std::size_t changed, std::size_t resolved,
                       double milliseconds)>
        evaluated;
  };

  Evaluator(Scheduler& scheduler, Hooks hooks);
  ~Evaluator();
  Evaluator(const Evaluator&) = delete;
  Evaluator& operator=(const Evaluator&) = delete;
  Evaluator(Evaluator&&) = delete;
  Evaluator& operator=(Evaluator&&) = delete;

  // The configuration in force (rules for the next engine, intervals, the zone); it must
  // outlive its use here.
  void configure(const config::Config& config);
  // A new engine loaded from `dataset` (start, a snapshot that removed records, new rules);
  // its first evaluation judges everything.
  void load(model::Dataset dataset);
  [[nodiscard]] chain::ChainEngine& engine() { return *engine_; }
  [[nodiscard]] const chain::ChainEngine& engine() const { return *engine_; }
  // What `connector` committed, applied to the engine with the connector named as its records'
  // source (as the ledger names them when it loads). False, and nothing applied, when the batch
  // removed records: which ones the ledger knows, so the engine must be loaded from it again.
  bool apply(const std::string& connector, const ingest::IngestResult& result);
  // A unit's region ("" when unknown), for routing alerts and filtering findings.
  [[nodiscard]] std::string regionOf(const std::string& unit_id) const;
  // The same without a copy: valid until the next load or applied batch.
  [[nodiscard]] std::string_view regionView(std::string_view unit_id) const;
  // A unit's name ("" when unknown), for documents.
  [[nodiscard]] std::string unitName(const std::string& unit_id) const;
  // The units suspended by overdue rectification cases: told to this engine and to every engine
  // loaded after it; judged at the next evaluation.
  void setCaseSuspensions(std::vector<chain::CaseSuspension> suspensions);

  // Evaluates every [daemon] evaluate_interval from now on.
  void start();
  // Evaluates a second from now, once for everything that asks meanwhile.
  void soon();
  // Evaluates now, unless a connector's data is not whole yet and the grace has not passed.
  void evaluate();
  // No timer fires after this.
  void stop();

  // Today in the configured zone: evaluation is "as of" this date.
  [[nodiscard]] model::Date today() const;
  // While the evaluated hook runs: what the engine's evaluation changed, when every other
  // engine finding reads as at the evaluation before (no unit's region or name changed
  // since); null after a load, on the first evaluation, or when a unit row came.
  [[nodiscard]] const chain::FindingDelta* lastDelta() const noexcept { return last_delta_; }

 private:
  bool mayGoOn();  // false while evaluation waits for connectors; says once when the grace ran out
  void schedulePeriodic();

  Scheduler& scheduler_;
  Hooks hooks_;
  const config::Config* config_ = nullptr;
  std::unique_ptr<chain::ChainEngine> engine_;
  // The engine's source names (Origin::source indexes them): the ledger's at the last load,
  // then each connector that committed since, appended.
  std::vector<std::string> sources_;
  std::map<std::string, std::string, std::less<>> unit_regions_;  // unit id -> region code
  std::map<std::string, std::string> unit_names_;                 // unit id -> name
  std::vector<chain::CaseSuspension> case_suspensions_;
  bool evaluated_once_ = false;
  bool regions_changed_ = false;                     // a unit row applied since the last evaluation
  const chain::FindingDelta* last_delta_ = nullptr;  // see lastDelta()
  std::optional<SteadyTime> unsettled_since_;        // when evaluation began to wait
  bool grace_passed_said_ = false;
  bool stopping_ = false;
  std::unique_ptr<Timer> soon_timer_;
  std::unique_ptr<Timer> periodic_timer_;
};

}  // namespace staffchain::daemon
