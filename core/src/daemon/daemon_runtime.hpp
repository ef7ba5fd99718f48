// The daemon's runtime, private to the daemon area: one object owning the event loop, the
// plugins, the ledger, the engine and the schedule. Its methods are split by concern over
// daemon.cpp (start, reload, stop), connector_sync.cpp, evaluation.cpp and daemon_api.cpp;
// the engine is the Evaluator's (evaluator.hpp), notices the NoticePropagator's
// (notice_propagator.hpp), alerts the AlertDispatcher's (alert_dispatcher.hpp).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "alert_dispatcher.hpp"
#include "evaluator.hpp"
#include "notice_propagator.hpp"
#include "staffchain/alerts/alert_manager.hpp"
#include "staffchain/api/api_server.hpp"
#include "staffchain/api/prometheus_writer.hpp"
#include "staffchain/chain/chain_engine.hpp"
#include "staffchain/config/config.hpp"
#include "staffchain/daemon/daemon.hpp"
#include "staffchain/daemon/link_health.hpp"
#include "staffchain/daemon/scheduler.hpp"
#include "staffchain/daemon/sync_progress.hpp"
#include "staffchain/ingest/ingestor.hpp"
#include "staffchain/ledger/ledger.hpp"
#include "staffchain/plugin_host/plugin_catalog.hpp"
#include "staffchain/plugin_host/plugin_instance.hpp"

namespace staffchain::daemon {

namespace asio = boost::asio;
using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

void notifySystemd(const std::string& state);

struct ConnectorRuntime {
  config::ConnectorSettings settings;
  std::unique_ptr<plugin_host::SourceInstance> instance;
  std::unique_ptr<asio::steady_timer> timer;
  std::unique_ptr<asio::steady_timer> deadline;
  bool in_flight = false;
  bool timed_out = false;
  bool synced_once = false;
  bool finished_once_cycle = false;
  std::uint64_t generation = 0;
  SteadyClock::time_point started{};
  Clock::time_point started_wall{};  // the same moment on the wall clock, for the API
  bool pulled_from_start = false;    // the pull under way began with no cursor
  // A resync or cursor reset arrived while a pull was under way: once that pull is committed,
  // its cursor is reset again and the connector pulls from the start.
  bool restart_after_pull = false;
  // A snapshot sent in parts has had its first part committed and not yet its last: what the
  // ledger holds of it is half old, half new, and no alert is raised from that.
  bool snapshot_underway = false;
  // While the connector pulls a run of batches with `more` set (a resync, a first sync): what it
  // has read and how fast; gone when the run's last batch is committed.
  std::optional<SyncProgress> progress;
  Clock::time_point progress_started_at{};
};

class Daemon {
 public:
  explicit Daemon(DaemonOptions options);
  int run();

 private:
  // ---- start, reload, stop (daemon.cpp)
  int refuseConfig(const std::vector<std::string>& errors);
  bool rebuildEngine();
  void countLedgerRecords(const model::Dataset& dataset);
  void onSignal(const boost::system::error_code& error, int signal);
  // False when the new configuration is refused; its errors then go to `refused_for` too.
  bool reload(std::vector<std::string>* refused_for = nullptr);  // false when the new configuration was refused
  static bool sameRules(const chain::RuleParams& a, const chain::RuleParams& b);
  void beginStop(const std::string& why);
  int shutdown();
  void startWatchdog();
  void pingWatchdog();

  // ---- connectors (connector_sync.cpp)
  void startConnector(const config::ConnectorSettings& settings);
  // `forget_health`: drop its sync record too (it leaves the configuration).
  void stopConnector(const std::string& name, bool forget_health);
  // An instance still inside a call is kept until the call returns (its worker joins then).
  void retire(std::unique_ptr<ConnectorRuntime> runtime);
  void scheduleSync(const std::string& name, milliseconds delay);
  void startSync(const std::string& name);
  void onPulled(const std::string& name, std::uint64_t generation, Result<plugin::SourceBatch> batch);
  void trackProgress(ConnectorRuntime& runtime, const plugin::SourceBatch& batch, bool synced_before);
  // Applies what `connector` committed; its records name it as their source in the engine.
  void applyToEngine(const std::string& connector, const ingest::IngestResult& result);
  // The removal guard held the batch: the plugin sets it aside, operations and its department
  // hear of it (DATA-002), and the connector goes on with what comes next.
  void onHeld(ConnectorRuntime& runtime, plugin::SourceBatch batch, const ledger::HeldSnapshot& held);
  // An operator's action carried out by the connector's plugin (csv: accept, reingest).
  api::ApiResponse pluginAction(ConnectorRuntime& runtime, const std::string& action, const std::string& body,
                                const std::string& caller);
  void syncFailed(ConnectorRuntime& runtime, const std::string& reason);
  void maybeFinishOnceCycle();
  void finishOnceCycle();

  // ---- evaluation (evaluation.cpp): what the evaluator waits for and where its findings go
  Evaluator::Hooks evaluatorHooks();
  // The enabled connectors whose data is not whole yet: no first sync finished, or a run of
  // batches half-way. Evaluation waits for them (at most first_sync_grace).
  [[nodiscard]] std::vector<std::string> connectorsNotSettled() const;
  // Every finding open now: the engine's, link health's (LINK-001/002), the sinks' and the
  // receivers' (LINK-003) and the held snapshots' (DATA-002).
  [[nodiscard]] std::vector<chain::Finding> openFindings(std::vector<chain::Finding> engine_findings,
                                                         Clock::time_point now) const;
  void onEvaluated(model::Date as_of, const std::vector<chain::Finding>& open, std::size_t changed,
                   std::size_t resolved, double ms);

  // ---- the HTTP API (daemon_api.cpp)
  bool startApi();
  void registerRoutes();
  std::vector<api::ApiToken> resolveApiTokens(std::vector<std::string>& errors) const;
  [[nodiscard]] nlohmann::json connectorsJson() const;
  api::ApiResponse connectorAction(const std::string& name, const std::string& action, const std::string& body,
                                   const std::string& caller);
  [[nodiscard]] std::string metricsText() const;

  DaemonOptions options_;
  asio::io_context io_;
  asio::signal_set signals_;
  asio::steady_timer watchdog_timer_;
  std::chrono::microseconds watchdog_interval_{0};
  std::unique_ptr<plugin_host::PluginCatalog> catalog_;
  std::unique_ptr<config::Config> config_;
  std::vector<std::unique_ptr<config::Config>> old_configs_;
  std::unique_ptr<ledger::Ledger> ledger_;
  LinkHealth health_;
  std::map<std::string, std::unique_ptr<ConnectorRuntime>> connectors_;
  std::vector<std::unique_ptr<ConnectorRuntime>> retired_;
  std::set<std::string> paused_;
  std::unique_ptr<Scheduler> scheduler_ = asioScheduler(io_);
  // Notices to the other departments' systems: planned at ingest, delivered through the sinks.
  std::unique_ptr<NoticePropagator> propagator_;
  // Alerts to the departments: raised from findings, grouped, delivered through the notifiers.
  std::unique_ptr<AlertDispatcher> dispatcher_;
  // The chain engine, judged after data lands and on a timer.
  std::unique_ptr<Evaluator> evaluator_;
  std::map<std::string, std::string> unit_regions_;  // unit id -> region code, for routing
  // Current records the ledger holds from each connector (counted when the engine loads, then
  // moved by each commit's inserts and removals): the status's RECORDS, whatever reloads happened.
  std::map<std::string, std::uint64_t> ledger_records_;
  // The engine's source names (Origin::source indexes them): the ledger's at the last rebuild,
  // then each connector that committed since, appended.
  std::vector<std::string> engine_sources_;
  bool stopping_ = false;
  int exit_code_ = 0;                    // what run() returns after a clean stop (3: --once left messages queued)
  std::unique_ptr<api::ApiServer> api_;  // last: destroyed first, before what its handlers use
};

}  // namespace staffchain::daemon
