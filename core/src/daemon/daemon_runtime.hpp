// The daemon's runtime, private to the daemon area: the composition root. It owns the event
// loop, the plugin catalog, the configuration and the ledger, and wires the parts that do the
// work, each with its own timers and state: the connector scheduler (connector_scheduler.hpp),
// the evaluator (evaluator.hpp), the notice propagator (notice_propagator.hpp), the alert
// dispatcher (alert_dispatcher.hpp), the quarterly reports (quarterly_reports.hpp) and the admin
// API (admin_api.hpp). What is left here is
// start, reload and stop, in the order the parts need.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <memory>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "admin_api.hpp"
#include "alert_dispatcher.hpp"
#include "case_desk.hpp"
#include "connector_scheduler.hpp"
#include "evaluator.hpp"
#include "leadership.hpp"
#include "notice_propagator.hpp"
#include "quarterly_reports.hpp"
#include "service_manager.hpp"
#include "staffchain/config/config.hpp"
#include "staffchain/daemon/daemon.hpp"
#include "staffchain/daemon/scheduler.hpp"
#include "staffchain/ledger/ledger.hpp"
#include "staffchain/plugin_host/plugin_catalog.hpp"
#include "staffchain/store/database.hpp"

namespace staffchain::daemon {

// Where the daemon keeps its state: the ledger file in state_dir, or the PostgreSQL database of
// [daemon] store with its password resolved (an error names the reference, never a value).
Result<store::Location> storeLocation(const config::DaemonSettings& daemon);

class Daemon {
 public:
  explicit Daemon(DaemonOptions options);
  int run();

 private:
  int refuseConfig(const std::vector<std::string>& errors);
  // Creates the parts and wires them to each other; false (logged) when one cannot open.
  bool assemble(const store::Location& ledger_path);
  // Loads the engine from the whole ledger (start, a snapshot that removed records, new rules).
  bool rebuildEngine();
  void onCommitted(const std::string& connector, const ingest::IngestResult& result);
  // Every finding open now: the engine's (with the notices' history), the connectors' link
  // health (LINK-001/002), the sinks' and receivers' (LINK-003), held snapshots' (DATA-002) and
  // overdue rectification cases' (CASE-001, after the cases followed the findings).
  [[nodiscard]] OpenFindings openFindings(std::vector<const chain::Finding*> engine_findings, WallTime now);
  void onEvaluated(model::Date as_of, const OpenFindings& open, std::size_t changed, std::size_t resolved, double ms);
  // The alerts told of an evaluation: only its changes when the last observation saw the rest
  // as it is now (same connectors held back, no unit's region changed, the alerts' state as
  // they left it), else every open finding.
  void observeAlerts(const OpenFindings& open, std::set<std::string> connectors_down);
  void finishOnceCycle();
  void awaitSignal();
  // False when the new configuration is refused; its errors then go to `refused_for` too.
  bool reload(std::vector<std::string>* refused_for = nullptr);
  void beginStop(const std::string& why);
  int shutdown();

  DaemonOptions options_;
  boost::asio::io_context io_;
  boost::asio::signal_set signals_;
  std::unique_ptr<Scheduler> scheduler_ = asioScheduler(io_);
  Watchdog watchdog_{*scheduler_};
  std::unique_ptr<plugin_host::PluginCatalog> catalog_;
  std::unique_ptr<config::Config> config_;
  std::unique_ptr<Leadership> leadership_;                    // active/standby, on a PostgreSQL store only
  std::vector<std::unique_ptr<config::Config>> old_configs_;  // running instances may still point into them
  std::unique_ptr<ledger::Ledger> ledger_;
  std::unique_ptr<NoticePropagator> propagator_;
  std::unique_ptr<Evaluator> evaluator_;
  std::unique_ptr<AlertDispatcher> dispatcher_;
  std::unique_ptr<CaseDesk> cases_;
  std::unique_ptr<ConnectorScheduler> connectors_;
  std::unique_ptr<QuarterlyReports> reports_;
  std::unique_ptr<AdminApi> api_;  // last: destroyed first, before what its handlers use
  // What the last observation of the alerts was given, for the next one to be told only the
  // changes: the findings the daemon added or amended, and the connectors held back.
  std::unordered_set<std::string> observed_owned_;
  std::set<std::string> observed_connectors_down_;
  bool stopping_ = false;
  int exit_code_ = 0;  // what run() returns after a clean stop (3: --once left messages queued)
};

}  // namespace staffchain::daemon
