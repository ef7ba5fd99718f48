// The connector scheduler, one of the daemon's parts: each connector pulls on its own interval on
// its own worker, each batch is ingested and committed on the scheduler's thread, a pull that
// does not answer in time is given up, failures back off and count against link health
// (LINK-001/002), a batch the removal guard holds is set aside (DATA-002), and runs of batches
// (a first sync, a resync) are followed as they go. It owns the sources, their timers, their
// link health and the operators' connector actions; the daemon only wires it.
#pragma once

#include <chrono>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "staffchain/api/prometheus_writer.hpp"
#include "staffchain/config/config.hpp"
#include "staffchain/daemon/link_health.hpp"
#include "staffchain/daemon/scheduler.hpp"
#include "staffchain/daemon/sync_progress.hpp"
#include "staffchain/ingest/ingestor.hpp"
#include "staffchain/ledger/ledger.hpp"
#include "staffchain/plugin_host/plugin_instance.hpp"

namespace staffchain::daemon {

class ConnectorScheduler {
 public:
  using SourceFactory =
      std::function<Result<std::unique_ptr<plugin_host::SourceInstance>>(const config::ConnectorSettings& settings)>;

  struct Hooks {
    // The notices a batch's records call for, written in the batch's transaction (asked anew
    // for each batch: the sinks may have changed).
    std::function<ingest::PlanNotices()> plan_notices;
    // A batch was committed by `connector`: its records go to the engine and the notices.
    std::function<void(const std::string& connector, const ingest::IngestResult& result)> committed;
    // Something landed or failed that an evaluation should see soon.
    std::function<void()> evaluate_soon;
    // One-cycle run: every connector has pulled once (or failed to).
    std::function<void()> once_cycle_done;
  };

  // `once`: each connector pulls until its source has nothing more, then stops.
  ConnectorScheduler(Scheduler& scheduler, ledger::Ledger& ledger, SourceFactory make_source, Hooks hooks, bool once);
  ~ConnectorScheduler();
  ConnectorScheduler(const ConnectorScheduler&) = delete;
  ConnectorScheduler& operator=(const ConnectorScheduler&) = delete;
  ConnectorScheduler(ConnectorScheduler&&) = delete;
  ConnectorScheduler& operator=(ConnectorScheduler&&) = delete;

  // The configuration in force (each connector keeps a copy of its own table). The first call starts every enabled
  // connector; later ones restart those whose tables changed (keeping their sync record), stop those dropped or
  // disabled (forgetting it), start new ones and keep the rest pulling. Returns how many were started or restarted.
  std::size_t configure(const config::Config& config);
  // The records the ledger holds from each connector, counted when the ledger is loaded whole;
  // each commit moves them after.
  void countRecords(const model::Dataset& dataset);

  [[nodiscard]] std::size_t size() const noexcept { return connectors_.size(); }
  [[nodiscard]] bool has(const std::string& name) const { return connectors_.count(name) > 0; }
  // Its plugin was created (one whose library failed to load is configured but not running).
  [[nodiscard]] bool pluginRunning(const std::string& name) const;
  // The enabled connectors whose data is not whole yet: no first sync finished, a snapshot
  // sent in parts half-way, or a run of batches under way. Nothing is judged from them.
  [[nodiscard]] std::vector<std::string> notSettled() const;
  // LINK-001 (failing) and LINK-002 (silent past max_staleness).
  [[nodiscard]] std::vector<chain::Finding> linkFindings(WallTime now) const;
  [[nodiscard]] const LinkHealth& health() const noexcept { return health_; }

  // ---- the operators' actions (the API's connector routes, staffchainctl connectors)
  // No pull starts until resume(); one under way finishes.
  void pause(const std::string& name);
  void resume(const std::string& name);
  // Forgets the connector's position: its next pull starts from the beginning (records stay;
  // the ledger's idempotence makes the re-read change only what really changed). A pull under
  // way would commit its own cursor over the reset, so it is reset again after that pull.
  // `resync`: unpaused and pulled at once.
  Result<void> restartFromBeginning(const std::string& name, bool resync);
  // An action of the connector's plugin (csv: accept, reingest) on its worker, after whatever
  // call it is inside; the answer comes when the plugin has carried it out.
  Result<std::future<Result<std::string>>> pluginAction(const std::string& name, const std::string& action,
                                                        const std::string& file);
  // Pulls now (after a plugin action put a file back).
  void syncNow(const std::string& name);

  // Each connector's sync record and state, for the API; times in `zone`.
  [[nodiscard]] nlohmann::json json(const model::TimeZone& zone) const;
  void metrics(api::PrometheusWriter& out) const;

  // No timer fires and no pull starts after this; pulls under way are asked to stop.
  void stop();
  // Waits until the sources' workers are idle or `deadline` passes; one still inside a call
  // is abandoned then, as the daemon does with every plugin.
  void waitForSources(SteadyTime deadline);
  // Sources released (after what finished while stopping was recorded).
  void close();

 private:
  struct Connector;

  void start(const config::ConnectorSettings& settings);
  // `forget_health`: drop its sync record too (it leaves the configuration).
  void stopConnector(const std::string& name, bool forget_health);
  void retire(std::unique_ptr<Connector> connector);
  void scheduleSync(const std::string& name, std::chrono::milliseconds delay);
  void startSync(const std::string& name);
  void onPulled(const std::string& name, std::uint64_t generation, Result<plugin::SourceBatch> batch);
  void onCommitted(Connector& connector, plugin::SourceBatch batch, const ingest::IngestResult& result);
  void trackProgress(Connector& connector, const plugin::SourceBatch& batch, bool synced_before);
  void onHeld(Connector& connector, plugin::SourceBatch batch, const ledger::HeldSnapshot& held);
  void syncFailed(Connector& connector, const std::string& reason);
  // What follows a settled pull: the next one after the interval, or the end of a single cycle.
  void afterPull(Connector& connector, std::chrono::milliseconds next);
  void finishedOnceCycle(Connector& connector);

  Scheduler& scheduler_;
  ledger::Ledger& ledger_;
  SourceFactory make_source_;
  Hooks hooks_;
  bool once_;
  bool configured_ = false;
  bool stopping_ = false;
  LinkHealth health_;
  std::map<std::string, std::unique_ptr<Connector>> connectors_;
  std::vector<std::unique_ptr<Connector>> retired_;  // until their calls return
  std::set<std::string> paused_;
  // Current records the ledger holds from each connector: the status's RECORDS.
  std::map<std::string, std::uint64_t> ledger_records_;
};

}  // namespace staffchain::daemon
