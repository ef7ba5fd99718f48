#include "connector_scheduler.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "staffchain/daemon/held_snapshot_finding.hpp"
#include "staffchain/daemon/progress_text.hpp"
#include "staffchain/model/enums.hpp"
#include "staffchain/plugin/support/backoff.hpp"
#include "staffchain/plugin/support/text_encoding.hpp"
#include "staffchain/plugin_host/guard.hpp"

namespace staffchain::daemon {

using std::chrono::milliseconds;

namespace {

// A long run logs where it stands this often, and once more with its totals when it ends.
constexpr std::chrono::seconds kProgressLogEvery{10};

double secondsBetween(SteadyTime from, SteadyTime to) {
  return std::chrono::duration<double>(to - from).count();
}

std::string isoTime(const model::TimeZone& zone, std::optional<WallTime> at) {
  return at ? zone.rfc3339(*at) : std::string();
}

// A run of batches under way: what it has read, how fast, and what is left when the source says.
nlohmann::json progressJson(const model::TimeZone& zone, const SyncProgress& progress, WallTime started_at) {
  using nlohmann::json;
  const ProgressFigures figures = progress.figures();
  const auto fraction = progress.fractionDone();
  return {{"kind", progress.kind()},
          {"started_at", zone.rfc3339(started_at)},
          {"elapsed_seconds", progress.elapsedSeconds()},
          {"batches", progress.batches()},
          {"records_read", figures.records_read},
          {"records_per_second", figures.records_per_second},
          {"remaining", figures.remaining ? json(*figures.remaining) : json(nullptr)},
          {"fraction_done", fraction ? json(*fraction) : json(nullptr)},
          {"eta_seconds", figures.eta ? json(figures.eta->count()) : json(nullptr)}};
}

}  // namespace

struct ConnectorScheduler::Connector {
  config::ConnectorSettings settings;
  std::unique_ptr<plugin_host::SourceInstance> instance;
  std::unique_ptr<Timer> timer;     // the next pull
  std::unique_ptr<Timer> deadline;  // the pull under way gives up
  bool in_flight = false;
  bool timed_out = false;
  bool synced_once = false;
  bool finished_once_cycle = false;
  std::uint64_t generation = 0;
  SteadyTime started{};
  WallTime started_wall{};         // the same moment on the wall clock, for the API
  bool pulled_from_start = false;  // the pull under way began with no cursor
  // A resync or cursor reset arrived while a pull was under way: once that pull is committed,
  // its cursor is reset again and the connector pulls from the start.
  bool restart_after_pull = false;
  // A snapshot sent in parts has had its first part committed and not yet its last: what the
  // ledger holds of it is half old, half new, and no alert is raised from that.
  bool snapshot_underway = false;
  // While the connector pulls a run of batches with `more` set (a resync, a first sync): what it
  // has read and how fast; gone when the run's last batch is committed.
  std::optional<SyncProgress> progress;
  WallTime progress_started_at{};
};

ConnectorScheduler::ConnectorScheduler(Scheduler& scheduler, ledger::Ledger& ledger, SourceFactory make_source,
                                       Hooks hooks, bool once)
    : scheduler_(scheduler),
      ledger_(ledger),
      make_source_(std::move(make_source)),
      hooks_(std::move(hooks)),
      once_(once) {}

ConnectorScheduler::~ConnectorScheduler() = default;

std::size_t ConnectorScheduler::configure(const config::Config& config) {
  const bool first = !configured_;
  health_.setTimeZone(config.daemon.timezone);
  std::vector<std::string> restart;
  for (const auto& [name, connector] : connectors_) {
    auto it = config.connectors.find(name);
    if (it == config.connectors.end() || it->second.fingerprint != connector->settings.fingerprint) {
      restart.push_back(name);
    }
  }
  // A restarted connector keeps its sync record (LAST SUCCESS, failures): only one the new
  // configuration drops is forgotten.
  for (const auto& name : restart) {
    const auto kept = config.connectors.find(name);
    stopConnector(name, kept == config.connectors.end() || !kept->second.enabled);
  }
  configured_ = true;
  std::size_t started = 0;
  for (const auto& [name, settings] : config.connectors) {
    if (auto running = connectors_.find(name); running != connectors_.end()) {
      running->second->settings = settings;  // the same table; keep it pointing at the live document
      continue;
    }
    start(settings);
    if (!first) ++started;
  }
  if (first && connectors_.empty()) spdlog::warn("no connector is configured or enabled: nothing will be synchronised");
  return started;
}

void ConnectorScheduler::countRecords(const model::Dataset& dataset) {
  std::vector<std::uint64_t> by_source(dataset.sources.size(), 0);
  auto count = [&](const auto& records) {
    for (const auto& record : records) {
      if (record.origin.source < by_source.size()) ++by_source[record.origin.source];
    }
  };
  count(dataset.units);
  count(dataset.quotas);
  count(dataset.leader_quotas);
  count(dataset.approvals);
  count(dataset.roster);
  count(dataset.movements);
  count(dataset.payroll);
  count(dataset.deaths);
  ledger_records_.clear();
  for (std::size_t i = 0; i < dataset.sources.size(); ++i) ledger_records_[dataset.sources[i]] = by_source[i];
}

void ConnectorScheduler::start(const config::ConnectorSettings& settings) {
  if (!settings.enabled) {
    spdlog::info("connector {} is disabled in the configuration", settings.name);
    return;
  }
  health_.track(settings.name, settings.role, settings.max_staleness, scheduler_.wallNow());
  auto created = make_source_(settings);
  auto connector = std::make_unique<Connector>();
  connector->settings = settings;
  connector->timer = scheduler_.timer();
  connector->deadline = scheduler_.timer();
  if (!created) {
    spdlog::error("{}", created.error().message);
    health_.recordFailure(settings.name, scheduler_.wallNow(), created.error().message);
    connector->finished_once_cycle = true;
    connectors_[settings.name] = std::move(connector);
    return;
  }
  connector->instance = std::move(created.value());
  connectors_[settings.name] = std::move(connector);
  scheduleSync(settings.name, milliseconds(0));
}

void ConnectorScheduler::stopConnector(const std::string& name, bool forget_health) {
  auto it = connectors_.find(name);
  if (it == connectors_.end()) return;
  it->second->timer->cancel();
  it->second->deadline->cancel();
  if (it->second->instance) it->second->instance->cancel().cancel();
  retire(std::move(it->second));
  connectors_.erase(it);
  if (forget_health) health_.forget(name);
}

// An instance still inside a call is kept until the call returns (its worker joins then);
// the ones retired earlier whose calls have returned go now.
void ConnectorScheduler::retire(std::unique_ptr<Connector> connector) {
  std::erase_if(retired_, [](const auto& old) { return !old->instance || old->instance->worker().idle(); });
  if (connector->instance && !connector->instance->worker().idle()) retired_.push_back(std::move(connector));
}

void ConnectorScheduler::scheduleSync(const std::string& name, milliseconds delay) {
  auto it = connectors_.find(name);
  if (it == connectors_.end() || stopping_) return;
  it->second->timer->after(delay, [this, name] { startSync(name); });
}

void ConnectorScheduler::startSync(const std::string& name) {
  auto it = connectors_.find(name);
  if (it == connectors_.end() || stopping_ || paused_.count(name) > 0) return;
  Connector& connector = *it->second;
  if (!connector.instance || connector.in_flight) return;
  auto cursor = ledger_.cursor(name);
  if (!cursor) {
    syncFailed(connector, fmt::format("cannot read its cursor: {}", cursor.error().message));
    return;
  }
  if (connector.timed_out && !connector.instance->worker().idle()) {
    syncFailed(connector, "still inside an earlier pull that did not return in time");
    return;
  }
  connector.in_flight = true;
  connector.timed_out = false;
  connector.started = scheduler_.now();
  connector.started_wall = scheduler_.wallNow();
  connector.pulled_from_start = !cursor.value().has_value() || cursor.value()->empty();
  const std::uint64_t generation = ++connector.generation;
  plugin_host::SourceInstance* instance = connector.instance.get();
  if (!instance->worker().stuck()) instance->cancel().reset();
  const bool queued =
      instance->worker().submit([this, instance, name, generation, from = cursor.value().value_or("")]() {
        auto batch = plugin_host::guardCall(fmt::format("connector {} pulling", name), [&] {
          return instance->object().pull(plugin::PullRequest{from, &instance->cancel()});
        });
        // The pulled batch is a move-only result: the posted task takes it through a shared slot.
        auto slot = std::make_shared<Result<plugin::SourceBatch>>(std::move(batch));
        scheduler_.post([this, name, generation, slot] { onPulled(name, generation, std::move(*slot)); });
      });
  if (!queued) {
    connector.in_flight = false;
    return;  // the worker is stopping: so is the daemon
  }
  connector.deadline->after(connector.settings.timeout, [this, name, generation] {
    auto found = connectors_.find(name);
    if (found == connectors_.end() || found->second->generation != generation || !found->second->in_flight) return;
    Connector& late = *found->second;
    late.timed_out = true;
    late.in_flight = false;
    late.instance->cancel().cancel();
    syncFailed(late, fmt::format("did not answer within {} ms", late.settings.timeout.count()));
  });
}

void ConnectorScheduler::onPulled(const std::string& name, std::uint64_t generation,
                                  Result<plugin::SourceBatch> batch) {
  auto it = connectors_.find(name);
  if (it == connectors_.end() || stopping_) return;  // dropped: nothing committed, the next run pulls again
  Connector& connector = *it->second;
  if (connector.generation != generation || connector.timed_out) return;
  connector.deadline->cancel();
  connector.in_flight = false;
  if (!batch) {
    syncFailed(connector, batch.error().message);
    return;
  }
  const ledger::RemovalGuard guard{connector.settings.max_removal_ratio, connector.settings.max_removal_rows};
  auto ingested = ingest::ingestBatch(ledger_, name, batch.value(),
                                      hooks_.plan_notices ? hooks_.plan_notices() : ingest::PlanNotices{}, guard);
  if (!ingested) {
    syncFailed(connector, fmt::format("ledger refused the batch: {}", ingested.error().message));
    return;
  }
  if (ingested->held) {
    onHeld(connector, std::move(batch.value()), *ingested->held);
    return;
  }
  onCommitted(connector, std::move(batch.value()), ingested.value());
}

void ConnectorScheduler::onCommitted(Connector& connector, plugin::SourceBatch batch,
                                     const ingest::IngestResult& result) {
  const std::string name = connector.settings.name;
  connector.snapshot_underway =
      batch.snapshot_part == plugin::SnapshotPart::first || batch.snapshot_part == plugin::SnapshotPart::middle;
  const double seconds = secondsBetween(connector.started, scheduler_.now());
  health_.recordSuccess(name, scheduler_.wallNow(), batch.records.size(), result.quarantine.size(), seconds);
  const bool synced_before = connector.synced_once;
  connector.synced_once = true;
  const auto& stats = result.stats;
  auto& held_records = ledger_records_[name];
  held_records = held_records + stats.inserted >= stats.removed ? held_records + stats.inserted - stats.removed : 0;
  spdlog::info("connector {}: {} records ({} new, {} changed, {} unchanged, {} removed), {} quarantined, {:.2f} s",
               name, batch.records.size(), stats.inserted, stats.updated, stats.unchanged, stats.removed,
               result.quarantine.size(), seconds);
  // Each refused row is logged when it is first seen; a source that sends it again at every sync
  // (a snapshot) does not repeat it — `staffchainctl quarantine` lists them all.
  for (const std::uint32_t index : stats.new_quarantine) {
    if (index >= result.quarantine.size()) continue;
    const auto& entry = result.quarantine[index];
    spdlog::warn("quarantined {} {}: {}: {} (value \"{}\")", name, entry.origin, entry.field, entry.reason,
                 plugin::excerpt(entry.value));
  }
  if (stats.quarantine_repeats > 0) {
    spdlog::info("connector {}: {} refused rows seen before are still refused (staffchainctl quarantine lists them)",
                 name, stats.quarantine_repeats);
  }
  if (stats.kept_unreadable > 0) {
    spdlog::warn(
        "connector {}: kept the stored version of {} snapshot records whose new rows were unreadable "
        "(quarantined above) instead of removing them",
        name, stats.kept_unreadable);
  }
  trackProgress(connector, batch, synced_before);
  const bool more = batch.more;
  const auto pull_again_after = batch.pull_again_after;
  // Let the plugin archive what it consumed, now that the ledger holds it.
  connector.instance->worker().submit([instance = connector.instance.get(), committed = std::move(batch), name]() {
    auto done = plugin_host::guardCall(fmt::format("connector {} archiving", name),
                                       [&] { return instance->object().committed(committed); });
    if (!done) spdlog::warn("{}", done.error().message);
  });
  if (hooks_.committed) hooks_.committed(name, result);
  if (connector.restart_after_pull) {
    connector.restart_after_pull = false;
    if (auto reset = ledger_.resetCursor(name); !reset) {
      spdlog::error("connector {}: cannot reset its cursor for the resync asked for: {}", name, reset.error().message);
    }
    connector.progress.reset();
    scheduleSync(name, milliseconds(0));
    return;
  }
  if (more) {
    scheduleSync(name, milliseconds(0));
    return;
  }
  if (pull_again_after) {
    // Something is about to be ready (a file settling): look again then, not an interval later;
    // a single cycle waits for it too.
    scheduleSync(name, std::min<milliseconds>(connector.settings.interval, *pull_again_after));
    if (!once_ && hooks_.evaluate_soon) hooks_.evaluate_soon();
    return;
  }
  afterPull(connector, connector.settings.interval);
}

void ConnectorScheduler::trackProgress(Connector& connector, const plugin::SourceBatch& batch, bool synced_before) {
  const auto now = scheduler_.now();
  if (!connector.progress) {
    if (!batch.more) return;  // a sync of one batch: nothing to estimate
    const char* kind = !connector.pulled_from_start ? "catch-up" : synced_before ? "resync" : "first sync";
    // The run began when its first pull did.
    connector.progress.emplace(kind, connector.started);
    connector.progress_started_at = connector.started_wall;
  }
  SyncProgress& progress = *connector.progress;
  progress.addBatch(batch.records.size() + batch.rejected.size(), batch.remaining, now);
  const std::string& name = connector.settings.name;
  if (batch.more) {
    if (progress.takeLogSlot(now, kProgressLogEvery)) {
      spdlog::info("{}", progressLogLine(name, progress.kind(), progress.figures()));
    }
    return;
  }
  spdlog::info("{}", progressDoneLine(name, progress.kind(), progress.recordsRead(), progress.elapsedSeconds()));
  connector.progress.reset();
}

void ConnectorScheduler::onHeld(Connector& connector, plugin::SourceBatch batch, const ledger::HeldSnapshot& held) {
  const std::string& name = connector.settings.name;
  const std::string reason = heldSnapshotReason(held);
  spdlog::critical("connector {}: {}", name, reason);
  // The source answered: its link is healthy, whatever it sent.
  health_.recordSuccess(name, scheduler_.wallNow(), 0, 0, secondsBetween(connector.started, scheduler_.now()));
  connector.synced_once = true;
  connector.snapshot_underway = false;
  connector.progress.reset();
  const bool more = batch.more;
  connector.instance->worker().submit(
      [instance = connector.instance.get(), held_batch = std::move(batch), reason, name]() {
        auto done = plugin_host::guardCall(fmt::format("connector {} setting a held batch aside", name),
                                           [&] { return instance->object().held(held_batch, reason); });
        if (!done) spdlog::error("{}", done.error().message);
      });
  if (more) {
    scheduleSync(name, milliseconds(0));
    if (hooks_.evaluate_soon) hooks_.evaluate_soon();
    return;
  }
  afterPull(connector, connector.settings.interval);
}

void ConnectorScheduler::syncFailed(Connector& connector, const std::string& reason) {
  const std::string& name = connector.settings.name;
  health_.recordFailure(name, scheduler_.wallNow(), reason);
  const auto failures = health_.connectors().at(name).consecutive_failures;
  // Back off: 10 s, 20 s, 40 s ... up to 10240 s, but never longer than the connector's own interval.
  const milliseconds backoff = std::min<milliseconds>(
      connector.settings.interval,
      plugin::backoffCeiling(milliseconds(10'000), milliseconds(10'000) * 1024, static_cast<std::int64_t>(failures)));
  spdlog::error("connector {}: sync failed ({} in a row): {}; next try in {} s", name, failures, reason,
                backoff.count() / 1000);
  afterPull(connector, backoff);
}

void ConnectorScheduler::afterPull(Connector& connector, milliseconds next) {
  if (once_) {
    finishedOnceCycle(connector);
    return;
  }
  scheduleSync(connector.settings.name, next);
  if (hooks_.evaluate_soon) hooks_.evaluate_soon();
}

void ConnectorScheduler::finishedOnceCycle(Connector& connector) {
  connector.finished_once_cycle = true;
  const bool all = std::all_of(connectors_.begin(), connectors_.end(),
                               [](const auto& entry) { return entry.second->finished_once_cycle; });
  if (all && hooks_.once_cycle_done) hooks_.once_cycle_done();
}

std::vector<std::string> ConnectorScheduler::notSettled() const {
  std::vector<std::string> waiting;
  for (const auto& [name, connector] : connectors_) {
    if (!connector->instance || !connector->settings.enabled) continue;  // one that failed to start waits for nothing
    if (!connector->synced_once || connector->snapshot_underway || connector->progress) waiting.push_back(name);
  }
  return waiting;
}

std::vector<chain::Finding> ConnectorScheduler::linkFindings(WallTime now) const {
  return health_.findings(now);
}

bool ConnectorScheduler::pluginRunning(const std::string& name) const {
  const auto it = connectors_.find(name);
  return it != connectors_.end() && it->second->instance != nullptr;
}

void ConnectorScheduler::pause(const std::string& name) {
  auto it = connectors_.find(name);
  if (it == connectors_.end()) return;
  paused_.insert(name);
  it->second->timer->cancel();
}

void ConnectorScheduler::resume(const std::string& name) {
  paused_.erase(name);
  scheduleSync(name, milliseconds(0));
}

Result<void> ConnectorScheduler::restartFromBeginning(const std::string& name, bool resync) {
  auto it = connectors_.find(name);
  if (it == connectors_.end()) return makeError(fmt::format("no running connector named \"{}\"", name));
  if (auto reset = ledger_.resetCursor(name); !reset) {
    return makeError(fmt::format("cannot reset the cursor of {}: {}", name, reset.error().message));
  }
  it->second->progress.reset();  // the run starts over, and so does its count
  if (it->second->in_flight) it->second->restart_after_pull = true;
  if (resync) resume(name);
  return {};
}

Result<std::future<Result<std::string>>> ConnectorScheduler::pluginAction(const std::string& name,
                                                                          const std::string& action,
                                                                          const std::string& file) {
  auto it = connectors_.find(name);
  if (it == connectors_.end()) return makeError(fmt::format("no running connector named \"{}\"", name));
  if (!it->second->instance) return makeError("the connector's plugin is not running");
  auto promise = std::make_shared<std::promise<Result<std::string>>>();
  auto answer = promise->get_future();
  const bool queued =
      it->second->instance->worker().submit([instance = it->second->instance.get(), promise, action, file, name] {
        promise->set_value(plugin_host::guardCall(fmt::format("connector {} {}", name, action),
                                                  [&] { return instance->object().act(action, file); }));
      });
  if (!queued) return makeError("the connector is stopping");
  return answer;
}

void ConnectorScheduler::syncNow(const std::string& name) {
  scheduleSync(name, milliseconds(0));
}

nlohmann::json ConnectorScheduler::json(const model::TimeZone& zone) const {
  using nlohmann::json;
  json out = json::array();
  for (const auto& [name, health] : health_.connectors()) {
    auto found = connectors_.find(name);
    const Connector* connector = found == connectors_.end() ? nullptr : found->second.get();
    const bool paused = paused_.count(name) > 0;
    const std::string state = paused                                         ? "paused"
                              : health.failing_since                         ? "failing"
                              : connector != nullptr && connector->in_flight ? "syncing"
                                                                             : "idle";
    const auto records = ledger_records_.find(name);
    out.push_back({{"name", name},
                   {"role", model::toString(health.role)},
                   {"plugin", connector != nullptr ? connector->settings.plugin : ""},
                   {"state", state},
                   {"synced_once", connector != nullptr && connector->synced_once},
                   {"last_attempt", isoTime(zone, health.last_attempt)},
                   {"last_success", isoTime(zone, health.last_success)},
                   {"last_error", health.last_error},
                   {"consecutive_failures", health.consecutive_failures},
                   {"attempts", health.attempts},
                   {"failures", health.failures},
                   {"records_last_sync", health.records_last_sync},
                   {"records", records == ledger_records_.end() ? 0 : records->second},
                   {"restart_pending", connector != nullptr && connector->restart_after_pull},
                   {"records_total", health.records_total},
                   {"quarantined_total", health.quarantined_total},
                   {"last_sync_seconds", health.last_sync_seconds},
                   {"progress", connector != nullptr && connector->progress
                                    ? progressJson(zone, *connector->progress, connector->progress_started_at)
                                    : json(nullptr)}});
  }
  return json{{"connectors", out}};
}

void ConnectorScheduler::metrics(api::PrometheusWriter& out) const {
  for (const auto& [name, health] : health_.connectors()) {
    const api::Labels labels{{"connector", name}, {"role", std::string(model::toString(health.role))}};
    out.counter("staffchain_connector_records_ingested_total", "Records received from a source and committed.", labels,
                static_cast<double>(health.records_total));
    out.counter("staffchain_connector_records_quarantined_total", "Records refused by validation (DATA-001).", labels,
                static_cast<double>(health.quarantined_total));
    out.counter("staffchain_connector_syncs_total", "Sync attempts.", labels, static_cast<double>(health.attempts));
    out.counter("staffchain_connector_sync_failures_total", "Sync attempts that failed.", labels,
                static_cast<double>(health.failures));
    out.gauge("staffchain_connector_last_sync_duration_seconds", "How long the last successful sync took.", labels,
              health.last_sync_seconds);
    out.gauge("staffchain_connector_last_success_timestamp_seconds", "When the last sync succeeded (0: never).", labels,
              health.last_success ? std::chrono::duration<double>(health.last_success->time_since_epoch()).count() : 0);
    out.gauge("staffchain_connector_up", "1 when the connector's last sync succeeded.", labels,
              health.failing_since ? 0 : 1);
    const auto found = connectors_.find(name);
    const SyncProgress* progress =
        found != connectors_.end() && found->second->progress ? &*found->second->progress : nullptr;
    out.gauge("staffchain_connector_sync_in_progress", "1 while the connector pulls a run of batches (a resync).",
              labels, progress != nullptr ? 1 : 0);
    if (progress != nullptr) {
      out.gauge("staffchain_connector_sync_records_read", "Records read so far in the run under way.", labels,
                static_cast<double>(progress->recordsRead()));
      out.gauge("staffchain_connector_sync_records_per_second", "Records read per second in the run under way.", labels,
                progress->recordsPerSecond());
      if (const auto remaining = progress->remaining()) {
        out.gauge("staffchain_connector_sync_remaining_records",
                  "Records the source still holds for the run under way, as it last said.", labels,
                  static_cast<double>(*remaining));
      }
    }
  }
}

void ConnectorScheduler::stop() {
  stopping_ = true;
  for (auto& [name, connector] : connectors_) {
    connector->timer->cancel();
    connector->deadline->cancel();
    if (connector->instance) connector->instance->cancel().cancel();
  }
}

void ConnectorScheduler::waitForSources(SteadyTime deadline) {
  for (auto& [name, connector] : connectors_) {
    plugin_host::awaitIdleOrAbandon(connector->instance, deadline, "connector " + name);
  }
  for (auto& connector : retired_) {
    plugin_host::awaitIdleOrAbandon(connector->instance, deadline, "connector " + connector->settings.name);
  }
}

void ConnectorScheduler::close() {
  connectors_.clear();
  retired_.clear();
}

}  // namespace staffchain::daemon
