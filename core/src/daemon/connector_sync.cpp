// The connectors' schedule: each pulls on its own interval on its own worker, each batch is
// ingested and committed on the event loop, failures back off and count against link health.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "daemon_runtime.hpp"
#include "staffchain/daemon/held_snapshot_finding.hpp"
#include "staffchain/daemon/progress_text.hpp"
#include "staffchain/plugin/support/backoff.hpp"
#include "staffchain/plugin/support/text_encoding.hpp"
#include "staffchain/plugin_host/guard.hpp"

namespace staffchain::daemon {
namespace {

// A long run logs where it stands this often, and once more with its totals when it ends.
constexpr std::chrono::seconds kProgressLogEvery{10};

}  // namespace

void Daemon::startConnector(const config::ConnectorSettings& settings) {
  if (!settings.enabled) {
    spdlog::info("connector {} is disabled in the configuration", settings.name);
    return;
  }
  health_.track(settings.name, settings.role, settings.max_staleness, Clock::now());
  auto created = plugin_host::createSource(*catalog_, settings, spdlog::default_logger(),
                                           config_->daemon.state_dir / "plugins", settings.timeout);
  auto runtime = std::make_unique<ConnectorRuntime>();
  runtime->settings = settings;
  runtime->timer = std::make_unique<asio::steady_timer>(io_);
  runtime->deadline = std::make_unique<asio::steady_timer>(io_);
  if (!created) {
    spdlog::error("{}", created.error().message);
    health_.recordFailure(settings.name, Clock::now(), created.error().message);
    runtime->finished_once_cycle = true;
    connectors_[settings.name] = std::move(runtime);
    return;
  }
  runtime->instance = std::move(created.value());
  connectors_[settings.name] = std::move(runtime);
  scheduleSync(settings.name, milliseconds(0));
}

void Daemon::stopConnector(const std::string& name, bool forget_health) {
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
void Daemon::retire(std::unique_ptr<ConnectorRuntime> runtime) {
  std::erase_if(retired_, [](const auto& old) { return !old->instance || old->instance->worker().idle(); });
  if (runtime->instance && !runtime->instance->worker().idle()) {
    retired_.push_back(std::move(runtime));
  }
}

void Daemon::scheduleSync(const std::string& name, milliseconds delay) {
  auto it = connectors_.find(name);
  if (it == connectors_.end() || stopping_) return;
  it->second->timer->expires_after(delay);
  it->second->timer->async_wait([this, name](const boost::system::error_code& error) {
    if (!error) startSync(name);
  });
}

void Daemon::startSync(const std::string& name) {
  auto it = connectors_.find(name);
  if (it == connectors_.end() || stopping_ || paused_.count(name) > 0) return;
  ConnectorRuntime& runtime = *it->second;
  if (!runtime.instance || runtime.in_flight) return;
  auto cursor = ledger_->cursor(name);
  if (!cursor) {
    syncFailed(runtime, fmt::format("cannot read its cursor: {}", cursor.error().message));
    return;
  }
  if (runtime.timed_out && !runtime.instance->worker().idle()) {
    syncFailed(runtime, "still inside an earlier pull that did not return in time");
    return;
  }
  runtime.in_flight = true;
  runtime.timed_out = false;
  runtime.started = SteadyClock::now();
  runtime.started_wall = Clock::now();
  runtime.pulled_from_start = !cursor.value().has_value() || cursor.value()->empty();
  const std::uint64_t generation = ++runtime.generation;
  plugin_host::SourceInstance* instance = runtime.instance.get();
  if (!instance->worker().stuck()) instance->cancel().reset();
  const bool queued =
      instance->worker().submit([this, instance, name, generation, from = cursor.value().value_or("")]() {
        auto batch = plugin_host::guardCall(fmt::format("connector {} pulling", name), [&] {
          return instance->object().pull(plugin::PullRequest{from, &instance->cancel()});
        });
        asio::post(io_, [this, name, generation, batch = std::move(batch)]() mutable {
          onPulled(name, generation, std::move(batch));
        });
      });
  if (!queued) {
    runtime.in_flight = false;
    return;  // the worker is stopping: so is the daemon
  }
  runtime.deadline->expires_after(runtime.settings.timeout);
  runtime.deadline->async_wait([this, name, generation](const boost::system::error_code& error) {
    if (error) return;
    auto found = connectors_.find(name);
    if (found == connectors_.end() || found->second->generation != generation || !found->second->in_flight) return;
    ConnectorRuntime& late = *found->second;
    late.timed_out = true;
    late.in_flight = false;
    late.instance->cancel().cancel();
    syncFailed(late, fmt::format("did not answer within {} ms", late.settings.timeout.count()));
  });
}

void Daemon::onPulled(const std::string& name, std::uint64_t generation, Result<plugin::SourceBatch> batch) {
  auto it = connectors_.find(name);
  if (it == connectors_.end() || stopping_) return;  // dropped: nothing committed, the next run pulls again
  ConnectorRuntime& runtime = *it->second;
  if (runtime.generation != generation || runtime.timed_out) return;
  runtime.deadline->cancel();
  runtime.in_flight = false;
  if (!batch) {
    syncFailed(runtime, batch.error().message);
    return;
  }
  const ledger::RemovalGuard guard{runtime.settings.max_removal_ratio, runtime.settings.max_removal_rows};
  auto ingested = ingest::ingestBatch(*ledger_, name, batch.value(), propagator_->planner(), guard);
  if (!ingested) {
    syncFailed(runtime, fmt::format("ledger refused the batch: {}", ingested.error().message));
    return;
  }
  const ingest::IngestResult& result = ingested.value();
  if (result.held) {
    onHeld(runtime, std::move(batch.value()), *result.held);
    return;
  }
  runtime.snapshot_underway =
      batch->snapshot_part == plugin::SnapshotPart::first || batch->snapshot_part == plugin::SnapshotPart::middle;
  const double seconds = std::chrono::duration<double>(SteadyClock::now() - runtime.started).count();
  health_.recordSuccess(name, Clock::now(), batch->records.size(), result.quarantine.size(), seconds);
  const bool synced_before = runtime.synced_once;
  runtime.synced_once = true;
  const auto& stats = result.stats;
  auto& held_records = ledger_records_[name];
  held_records = held_records + stats.inserted >= stats.removed ? held_records + stats.inserted - stats.removed : 0;
  spdlog::info("connector {}: {} records ({} new, {} changed, {} unchanged, {} removed), {} quarantined, {:.2f} s",
               name, batch->records.size(), stats.inserted, stats.updated, stats.unchanged, stats.removed,
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
  trackProgress(runtime, batch.value(), synced_before);
  // Let the plugin archive what it consumed, now that the ledger holds it.
  runtime.instance->worker().submit([instance = runtime.instance.get(), committed = std::move(batch.value()), name]() {
    auto done = plugin_host::guardCall(fmt::format("connector {} archiving", name),
                                       [&] { return instance->object().committed(committed); });
    if (!done) spdlog::warn("{}", done.error().message);
  });
  applyToEngine(name, result);
  propagator_->afterCommit(result, evaluator_->engine());
  if (runtime.restart_after_pull) {
    runtime.restart_after_pull = false;
    if (auto reset = ledger_->resetCursor(name); !reset) {
      spdlog::error("connector {}: cannot reset its cursor for the resync asked for: {}", name, reset.error().message);
    }
    runtime.progress.reset();
    scheduleSync(name, milliseconds(0));
    return;
  }
  if (batch->more) {
    scheduleSync(name, milliseconds(0));
    return;
  }
  if (batch->pull_again_after) {
    // Something is about to be ready (a file settling): look again then, not an interval later;
    // a single cycle waits for it too.
    scheduleSync(name, std::min<milliseconds>(runtime.settings.interval, *batch->pull_again_after));
    if (options_.once) return;
    evaluator_->soon();
    return;
  }
  if (options_.once) {
    runtime.finished_once_cycle = true;
    maybeFinishOnceCycle();
    return;
  }
  scheduleSync(name, runtime.settings.interval);
  evaluator_->soon();
}

void Daemon::trackProgress(ConnectorRuntime& runtime, const plugin::SourceBatch& batch, bool synced_before) {
  const auto now = SteadyClock::now();
  if (!runtime.progress) {
    if (!batch.more) return;  // a sync of one batch: nothing to estimate
    const char* kind = !runtime.pulled_from_start ? "catch-up" : synced_before ? "resync" : "first sync";
    // The run began when its first pull did.
    runtime.progress.emplace(kind, runtime.started);
    runtime.progress_started_at = runtime.started_wall;
  }
  SyncProgress& progress = *runtime.progress;
  progress.addBatch(batch.records.size() + batch.rejected.size(), batch.remaining, now);
  const std::string& name = runtime.settings.name;
  if (batch.more) {
    if (progress.takeLogSlot(now, kProgressLogEvery)) {
      spdlog::info("{}", progressLogLine(name, progress.kind(), progress.figures()));
    }
    return;
  }
  spdlog::info("{}", progressDoneLine(name, progress.kind(), progress.recordsRead(), progress.elapsedSeconds()));
  runtime.progress.reset();
}

void Daemon::applyToEngine(const std::string& connector, const ingest::IngestResult& result) {
  if (result.stats.removed > 0) {
    // A snapshot dropped records; the ledger knows which. Reload rather than guess.
    if (!rebuildEngine()) spdlog::error("engine not refreshed; findings may lag until the next sync");
    return;
  }
  if (result.stats.inserted + result.stats.updated > 0) {
    // Ingest leaves Origin::source at 0: name the connector, as the ledger does when it loads.
    auto known = std::find(engine_sources_.begin(), engine_sources_.end(), connector);
    if (known == engine_sources_.end()) {
      engine_sources_.push_back(connector);
      evaluator_->engine().setSources(engine_sources_);
      known = std::prev(engine_sources_.end());
    }
    const auto source = static_cast<std::uint32_t>(known - engine_sources_.begin());
    for (auto record : result.records) {
      std::visit([source](auto& typed) { typed.origin.source = source; }, record);
      if (const auto* unit = std::get_if<model::Unit>(&record)) unit_regions_[unit->unit_id.str()] = unit->region;
      evaluator_->engine().apply(record);
    }
  }
  for (const auto& entry : result.quarantine) evaluator_->engine().addQuarantine(entry);
}

void Daemon::onHeld(ConnectorRuntime& runtime, plugin::SourceBatch batch, const ledger::HeldSnapshot& held) {
  const std::string& name = runtime.settings.name;
  const std::string reason = heldSnapshotReason(held);
  spdlog::critical("connector {}: {}", name, reason);
  // The source answered: its link is healthy, whatever it sent.
  const double seconds = std::chrono::duration<double>(SteadyClock::now() - runtime.started).count();
  health_.recordSuccess(name, Clock::now(), 0, 0, seconds);
  runtime.synced_once = true;
  runtime.snapshot_underway = false;
  runtime.progress.reset();
  const bool more = batch.more;
  runtime.instance->worker().submit([instance = runtime.instance.get(), held_batch = std::move(batch), reason, name]() {
    auto done = plugin_host::guardCall(fmt::format("connector {} setting a held batch aside", name),
                                       [&] { return instance->object().held(held_batch, reason); });
    if (!done) spdlog::error("{}", done.error().message);
  });
  if (options_.once && !more) {
    runtime.finished_once_cycle = true;
    maybeFinishOnceCycle();
    return;
  }
  scheduleSync(name, more ? milliseconds(0) : runtime.settings.interval);
  evaluator_->soon();
}

void Daemon::syncFailed(ConnectorRuntime& runtime, const std::string& reason) {
  const std::string& name = runtime.settings.name;
  health_.recordFailure(name, Clock::now(), reason);
  const auto failures = health_.connectors().at(name).consecutive_failures;
  // Back off: 10 s, 20 s, 40 s ... up to 10240 s, but never longer than the connector's own interval.
  const milliseconds backoff = std::min<milliseconds>(
      runtime.settings.interval,
      plugin::backoffCeiling(milliseconds(10'000), milliseconds(10'000) * 1024, static_cast<std::int64_t>(failures)));
  spdlog::error("connector {}: sync failed ({} in a row): {}; next try in {} s", name, failures, reason,
                backoff.count() / 1000);
  if (options_.once) {
    runtime.finished_once_cycle = true;
    maybeFinishOnceCycle();
    return;
  }
  scheduleSync(name, backoff);
  evaluator_->soon();
}

void Daemon::maybeFinishOnceCycle() {
  for (const auto& [name, runtime] : connectors_) {
    if (!runtime->finished_once_cycle) return;
  }
  finishOnceCycle();
}

void Daemon::finishOnceCycle() {
  propagator_->check();
  evaluator_->evaluate();
  dispatcher_->finishOnce([this](int exit_code, const std::string& why) {
    exit_code_ = exit_code;
    beginStop(why);
  });
}

}  // namespace staffchain::daemon
