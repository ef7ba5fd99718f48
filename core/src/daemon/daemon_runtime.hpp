// The daemon's runtime, private to the daemon area: one object owning the event loop, the
// plugins, the ledger, the engine and the schedule. Its methods are split by concern over
// daemon.cpp (start, reload, stop), connector_sync.cpp, evaluation.cpp, alert_delivery.cpp
// and daemon_api.cpp.
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

#include "staffchain/alerts/alert_manager.hpp"
#include "staffchain/api/api_server.hpp"
#include "staffchain/api/prometheus_writer.hpp"
#include "staffchain/chain/chain_engine.hpp"
#include "staffchain/config/config.hpp"
#include "staffchain/daemon/daemon.hpp"
#include "staffchain/daemon/link_health.hpp"
#include "staffchain/daemon/sync_progress.hpp"
#include "staffchain/ingest/ingestor.hpp"
#include "staffchain/ledger/ledger.hpp"
#include "staffchain/plugin_host/plugin_catalog.hpp"
#include "staffchain/plugin_host/plugin_instance.hpp"
#include "staffchain/propagation/notice_store.hpp"
#include "staffchain/propagation/notice_tracker.hpp"
#include "staffchain/propagation/sink_health.hpp"

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

  // Today in the configured zone ([daemon] timezone): evaluation is "as of" this date.
  [[nodiscard]] model::Date today() const { return config_->daemon.timezone.dateAt(Clock::now()); }

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

  // ---- evaluation and notification (evaluation.cpp)
  void scheduleEvaluation();
  void schedulePeriodicEvaluation();
  void evaluate();
  // The enabled connectors whose data is not whole yet: no first sync finished, or a run of
  // batches half-way. Alerts wait for them (at most first_sync_grace).
  [[nodiscard]] std::vector<std::string> connectorsNotSettled() const;
  // False while alerts wait for connectorsNotSettled(); says once when the grace ran out.
  bool alertsMayGoOn();
  // Every finding open now: the engine's, link health's (LINK-001/002) and the outbox's (LINK-003).
  [[nodiscard]] std::vector<chain::Finding> openFindings(Clock::time_point now) const;
  void startNotifier(const config::NotifierSettings& settings);

  // ---- alerts to departments (alert_delivery.cpp)
  [[nodiscard]] alerts::AlertSettings alertSettings() const;
  bool openAlerts(const std::filesystem::path& ledger_path);
  void flushAlerts();
  void deliverDue();
  std::size_t deliverDueBatch();  // hands out one batch of due messages; how many
  // --once: waits for the outbox to empty within onceOutboxBound(), or says what is left (exit 3).
  void awaitOnceOutbox(SteadyClock::time_point deadline);
  [[nodiscard]] std::chrono::milliseconds onceOutboxBound() const;
  void recordDelivery(std::int64_t id, const std::string& receiver, Result<std::string> outcome);

  // ---- propagation: notices to other departments' systems (notice_propagation.cpp)
  bool openNotices(const std::filesystem::path& ledger_path);
  void startSink(const config::SinkSettings& settings);
  void reloadSinks(const config::Config& previous);
  [[nodiscard]] ingest::NoticePlanner noticePlanner() const;
  void trackNotices(const ingest::IngestResult& result);
  void trackAllNotices(const model::Dataset& dataset);
  void checkNotices();
  void scheduleNoticeChecks();
  void deliverNotices();
  void scheduleNoticeDelivery();
  void recordNoticeOutcome(const std::string& id, const std::string& sink, std::int64_t attempts,
                           Result<plugin::SinkReceipt> outcome, bool dry_run);
  // CHAIN-003/005/006/017 findings with the history of the notice they are about.
  [[nodiscard]] std::vector<chain::Finding> withNoticeEvidence(std::vector<chain::Finding> findings) const;
  [[nodiscard]] nlohmann::json noticesJson(const propagation::NoticeFilter& filter) const;
  void noticeMetrics(api::PrometheusWriter& out) const;

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
  asio::steady_timer eval_timer_;
  asio::steady_timer periodic_timer_;
  asio::steady_timer watchdog_timer_;
  std::chrono::microseconds watchdog_interval_{0};
  std::unique_ptr<plugin_host::PluginCatalog> catalog_;
  std::unique_ptr<config::Config> config_;
  std::vector<std::unique_ptr<config::Config>> old_configs_;
  std::unique_ptr<ledger::Ledger> ledger_;
  std::unique_ptr<chain::ChainEngine> engine_;
  LinkHealth health_;
  std::map<std::string, std::unique_ptr<ConnectorRuntime>> connectors_;
  std::vector<std::unique_ptr<ConnectorRuntime>> retired_;
  std::map<std::string, std::unique_ptr<plugin_host::NotifierInstance>> notifiers_;
  std::set<std::string> paused_;
  std::unique_ptr<alerts::AlertManager> alerts_;
  std::unique_ptr<propagation::NoticeStore> notices_;
  std::unique_ptr<propagation::NoticeTracker> tracker_;
  std::map<std::string, std::unique_ptr<plugin_host::SinkInstance>> sinks_;
  std::vector<std::unique_ptr<plugin_host::SinkInstance>> retired_sinks_;  // until their calls return
  propagation::SinkHealth sink_health_;
  std::set<std::string> notices_in_flight_;  // handed to a sink's worker, outcome not back yet
  asio::steady_timer notice_timer_{io_};
  asio::steady_timer notice_check_timer_{io_};
  asio::steady_timer flush_timer_{io_};
  asio::steady_timer delivery_timer_{io_};
  std::map<std::string, std::string> unit_regions_;  // unit id -> region code, for routing
  // Current records the ledger holds from each connector (counted when the engine loads, then
  // moved by each commit's inserts and removals): the status's RECORDS, whatever reloads happened.
  std::map<std::string, std::uint64_t> ledger_records_;
  // The engine's source names (Origin::source indexes them): the ledger's at the last rebuild,
  // then each connector that committed since, appended.
  std::vector<std::string> engine_sources_;
  bool evaluated_once_ = false;
  std::optional<SteadyClock::time_point> unsettled_since_;  // when alerts began to wait
  bool grace_passed_said_ = false;
  bool evaluation_pending_ = false;
  bool stopping_ = false;
  int exit_code_ = 0;                    // what run() returns after a clean stop (3: --once left messages queued)
  std::unique_ptr<api::ApiServer> api_;  // last: destroyed first, before what its handlers use
};

}  // namespace staffchain::daemon
