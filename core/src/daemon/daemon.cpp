#include "staffchain/daemon/daemon.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <csignal>
#include <set>

#include "daemon_runtime.hpp"
#include "staffchain/daemon/held_snapshot_finding.hpp"
#include "staffchain/ledger/sql_ledger.hpp"
#include "staffchain/logging/logging.hpp"
#include "staffchain/plugin_host/config_check.hpp"
#include "staffchain/plugin_host/plugin_instance.hpp"

namespace staffchain::daemon {

int runDaemon(const DaemonOptions& options) {
  Daemon daemon(options);
  return daemon.run();
}

Daemon::Daemon(DaemonOptions options) : options_(std::move(options)), signals_(io_, SIGINT, SIGTERM, SIGHUP) {}

int Daemon::run() {
  std::optional<plugin_host::PluginCatalog> catalog;
  auto loaded = plugin_host::loadCheckedConfig(options_.config_path, catalog);
  if (!loaded.config) return refuseConfig(loaded.errors);
  config_ = std::make_unique<config::Config>(std::move(*loaded.config));
  catalog_ = std::make_unique<plugin_host::PluginCatalog>(std::move(*catalog));
  logging::installProcessLogger(config_->daemon.log);
  for (const auto& refusal : catalog_->refusals()) spdlog::error("plugin refused: {}", refusal.reason);
  if (const auto skipped = catalog_->skippedNote(); !skipped.empty()) spdlog::info("{}", skipped);
  for (const auto& [name, plugin] : catalog_->plugins()) {
    spdlog::info("plugin {} {} ({}) loaded from {}", name, plugin.descriptor->version,
                 plugin::pluginKindName(plugin.kind()), plugin.path.string());
  }

  // The plugins' own state (a csv source's books, a sink's delivered names) lives under
  // plugins/, the daemon's alone: 0700 even in a state folder others may pass through.
  for (const auto& [folder, tighten] :
       {std::pair{config_->daemon.state_dir, false}, std::pair{config_->daemon.state_dir / "plugins", true}}) {
    if (auto made = makePrivateFolder(folder, tighten); !made) {
      spdlog::critical("{}", made.error().message);
      return 2;
    }
  }
  auto where = storeLocation(config_->daemon);
  if (!where) {
    spdlog::critical("cannot open the store: {}", where.error().message);
    return 2;
  }
  if (where->postgres) {
    // Daemons sharing the store take turns: this one works while it holds the lease, and writes
    // under its term (fenced), or waits as the standby.
    leadership_ = std::make_unique<Leadership>(
        io_, *scheduler_,
        Leadership::Hooks{[this](std::int64_t) {
                            signals_.cancel();
                            io_.stop();  // back in run(): the parts start under the term
                          },
                          [this](const std::string& why) {
                            spdlog::critical("{}: this daemon stops now and writes nothing more", why);
                            exit_code_ = 4;
                            beginStop(why);
                          }});
    auto held = leadership_->open(*where->postgres, *config_->daemon.store);
    if (!held) {
      spdlog::critical("cannot open the store: {}", held.error().message);
      return 2;
    }
    if (!*held) {
      if (options_.once) {
        const auto status = leadership_->status(config_->daemon.timezone);
        spdlog::critical("another daemon ({}) is working on this store: a one-cycle run would write beside it",
                         status.value("holder", "?"));
        return 2;
      }
      if (!leadership_->waitAsStandby(*config_)) return 2;
      awaitSignal();
      io_.run();
      if (!leadership_->active()) {
        leadership_->stop();
        return shutdown();
      }
      io_.restart();
    }
    where->postgres->fence_term = leadership_->term();
  }
  auto ledger = ledger::SqlLedger::open(*where);
  if (!ledger) {
    spdlog::critical("cannot open the ledger: {}", ledger.error().message);
    return 2;
  }
  ledger_ = std::move(ledger.value());
  if (where->postgres) {
    spdlog::info("the store is PostgreSQL: {}; this daemon ({}) is the active one, term {}", config_->daemon.store->url,
                 config_->daemon.store->instance, leadership_->term());
  }
  if (!assemble(*where)) return 2;
  if (leadership_) {
    // Every part has created its tables: from now on only this term's writes get through.
    if (auto fenced = leadership_->fenceTables(); !fenced) {
      spdlog::critical("cannot fence the store's tables: {}", fenced.error().message);
      return 2;
    }
    leadership_->keepRenewing();
  }

  connectors_->configure(*config_);
  if (!options_.once) {
    api_->configure(*config_);
    if (!api_->start()) {
      beginStop("the api could not start");
      shutdown();
      return 2;
    }
  }
  awaitSignal();
  watchdog_.start();
  evaluator_->start();
  propagator_->start();  // what a crash left unsent goes out now, then checks on a timer
  // What fell due while the daemon was down goes out now; a one-cycle run sends no report.
  if (!options_.once) reports_->start();
  notifySystemd(fmt::format("READY=1\nSTATUS=running with {} connectors", connectors_->size()));
  spdlog::info("staffchaind started: {} connectors, {} notifiers, state in {}{}", connectors_->size(),
               dispatcher_->notifierCount(), config_->daemon.state_dir.string(), options_.once ? " (one cycle)" : "");
  if (options_.once && connectors_->size() == 0) finishOnceCycle();

  io_.run();
  return shutdown();
}

Result<store::Location> storeLocation(const config::DaemonSettings& daemon) {
  store::Location where(daemon.state_dir / "ledger.db");
  if (!daemon.store) return where;
  const auto& settings = *daemon.store;
  store::PostgresTarget target;
  target.url = settings.url;
  if (!settings.password.empty()) {
    auto password = plugin_host::resolveSecretReference(settings.password);
    if (!password) return makeError(fmt::format("[daemon] store_password: {}", password.error().message));
    target.password = std::move(password.value());
  }
  target.connect_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(settings.connect_timeout);
  target.sslmode = settings.sslmode;
  target.sslrootcert = settings.sslrootcert;
  where.postgres = std::move(target);
  return where;
}

bool Daemon::assemble(const store::Location& ledger_path) {
  const auto plugin_state = config_->daemon.state_dir / "plugins";
  propagator_ = std::make_unique<NoticePropagator>(
      *scheduler_,
      [this, plugin_state](const config::SinkSettings& settings) {
        return plugin_host::createSink(*catalog_, settings, spdlog::default_logger(), plugin_state,
                                       config_->daemon.plugin_call_timeout);
      },
      options_.once);
  if (!propagator_->open(ledger_path)) return false;  // before the engine: its first load also tracks notices

  Evaluator::Hooks evaluation;
  evaluation.not_settled = [this] { return connectors_->notSettled(); };
  evaluation.open_findings = [this](std::vector<const chain::Finding*> engine_findings, WallTime now) {
    return openFindings(std::move(engine_findings), now);
  };
  evaluation.evaluated = [this](model::Date as_of, const OpenFindings& open, std::size_t changed, std::size_t resolved,
                                double ms) { onEvaluated(as_of, open, changed, resolved, ms); };
  evaluator_ = std::make_unique<Evaluator>(*scheduler_, std::move(evaluation));
  evaluator_->configure(*config_);

  ConnectorScheduler::Hooks syncing;
  syncing.plan_notices = [this] { return propagator_->planner(); };
  syncing.committed = [this](const std::string& connector, const ingest::IngestResult& result) {
    onCommitted(connector, result);
  };
  syncing.evaluate_soon = [this] { evaluator_->soon(); };
  syncing.once_cycle_done = [this] { finishOnceCycle(); };
  connectors_ = std::make_unique<ConnectorScheduler>(
      *scheduler_, *ledger_,
      [this, plugin_state](const config::ConnectorSettings& settings) {
        return plugin_host::createSource(*catalog_, settings, spdlog::default_logger(), plugin_state, settings.timeout);
      },
      std::move(syncing), options_.once);
  if (!rebuildEngine()) return false;

  dispatcher_ = std::make_unique<AlertDispatcher>(
      *scheduler_,
      [this, plugin_state](const config::NotifierSettings& settings) {
        return plugin_host::createNotifier(*catalog_, settings, spdlog::default_logger(), plugin_state,
                                           config_->daemon.plugin_call_timeout);
      },
      options_.once);
  dispatcher_->configure(*config_);
  if (!dispatcher_->open(ledger_path)) return false;
  propagator_->configure(*config_);
  cases_ = std::make_unique<CaseDesk>(*evaluator_);
  cases_->configure(*config_);
  if (!cases_->open(ledger_path)) return false;
  reports_ = std::make_unique<QuarterlyReports>(*scheduler_, *evaluator_, *dispatcher_, *cases_);
  reports_->configure(*config_);

  api_ = std::make_unique<AdminApi>(
      io_, AdminApi::Parts{*scheduler_, *ledger_, *connectors_, *evaluator_, *propagator_, *dispatcher_, *cases_,
                           *reports_, [this](std::vector<std::string>* refused_for) { return reload(refused_for); },
                           leadership_.get()});
  return true;
}

int Daemon::refuseConfig(const std::vector<std::string>& errors) {
  for (const auto& error : errors) fmt::print(stderr, "{}\n", error);
  fmt::print(stderr, "staffchaind: {} configuration error(s) in {}; not started\n", errors.size(),
             options_.config_path.string());
  return 1;
}

bool Daemon::rebuildEngine() {
  auto dataset = ledger_->loadDataset();
  if (!dataset) {
    spdlog::critical("cannot read the ledger: {}", dataset.error().message);
    return false;
  }
  connectors_->countRecords(dataset.value());
  propagator_->afterLoad(dataset.value());
  evaluator_->load(std::move(dataset.value()));
  return true;
}

void Daemon::onCommitted(const std::string& connector, const ingest::IngestResult& result) {
  // A snapshot that dropped records: the ledger knows which. Reload rather than guess.
  if (!evaluator_->apply(connector, result) && !rebuildEngine()) {
    spdlog::error("engine not refreshed; findings may lag until the next sync");
  }
  propagator_->afterCommit(result, evaluator_->engine());
}

OpenFindings Daemon::openFindings(std::vector<const chain::Finding*> engine_findings, WallTime now) {
  OpenFindings open(std::move(engine_findings));
  propagator_->addEvidence(open);
  for (auto& finding : connectors_->linkFindings(now)) open.add(std::move(finding));
  for (auto& finding : propagator_->linkFindings()) open.add(std::move(finding));
  for (auto& finding : dispatcher_->linkFindings(now)) open.add(std::move(finding));
  if (auto held = ledger_->heldSnapshots(true); held) {
    for (const auto& snapshot : held.value()) open.add(heldSnapshotFinding(snapshot));
  } else {
    spdlog::error("cannot read the held snapshots: {}", held.error().message);
  }
  if (cases_) cases_->follow(evaluator_->today(), open, now);
  return open;
}

void Daemon::onEvaluated(model::Date as_of, const OpenFindings& open, std::size_t changed, std::size_t resolved,
                         double ms) {
  std::map<std::string, std::size_t> by_severity;
  std::set<std::string> connectors_down;
  for (const auto* found : open.all()) {
    const chain::Finding& finding = *found;
    by_severity[std::string(chain::toString(finding.severity))]++;
    if (finding.rule == "LINK-001" || finding.rule == "LINK-002") {
      for (const auto& item : finding.evidence) connectors_down.insert(item.source);
    }
  }
  const auto started = std::chrono::steady_clock::now();
  observeAlerts(open, std::move(connectors_down));
  const double alerts_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  spdlog::info(
      "evaluation as of {}: {} open findings (critical {}, major {}, minor {}), {} changed, {} resolved; "
      "{:.1f} ms, alerts {:.1f} ms",
      model::formatDate(as_of), open.size(), by_severity["critical"], by_severity["major"], by_severity["minor"],
      changed, resolved, ms, alerts_ms);
  notifySystemd(fmt::format("STATUS={} open findings, {} connectors", open.size(), connectors_->size()));
}

void Daemon::observeAlerts(const OpenFindings& open, std::set<std::string> connectors_down) {
  if (!dispatcher_->isOpen()) return;
  const auto region_of = [this](const std::string& unit_id) { return evaluator_->regionOf(unit_id); };
  const auto owned = open.owned();
  std::unordered_set<std::string> owned_now;
  for (const auto* finding : owned) owned_now.insert(finding->fingerprint);
  const chain::FindingDelta* delta = evaluator_->lastDelta();
  if (delta == nullptr || connectors_down != observed_connectors_down_ || dispatcher_->observesWholeNext()) {
    dispatcher_->observeInPlace(open.all(), region_of, connectors_down, scheduler_->wallNow());
  } else {
    // Only what may read differently than at the last observation: the engine's changes, every
    // finding the daemon added or amended, and those it added or amended last time (which now
    // read as the engine has them, or are gone). Every other finding is the engine's, as it was.
    std::vector<const chain::Finding*> changed_findings = owned;
    for (const auto& finding : delta->changed) {
      if (!owned_now.contains(finding.fingerprint)) changed_findings.push_back(&finding);
    }
    std::vector<std::string> gone = delta->resolved;
    for (const auto& fingerprint : observed_owned_) {
      if (owned_now.contains(fingerprint)) continue;
      if (const auto* finding = evaluator_->engine().findingInPlace(fingerprint)) {
        changed_findings.push_back(finding);
      } else {
        gone.push_back(fingerprint);
      }
    }
    dispatcher_->observeChanges(changed_findings, gone, region_of, connectors_down, scheduler_->wallNow());
  }
  observed_owned_ = std::move(owned_now);
  observed_connectors_down_ = std::move(connectors_down);
}

void Daemon::finishOnceCycle() {
  propagator_->check();
  evaluator_->evaluate();
  dispatcher_->finishOnce([this](int exit_code, const std::string& why) {
    exit_code_ = exit_code;
    beginStop(why);
  });
}

void Daemon::awaitSignal() {
  signals_.async_wait([this](const boost::system::error_code& error, int signal) {
    if (error) return;
    if (signal != SIGHUP) {
      beginStop(signal == SIGTERM ? "SIGTERM" : "SIGINT");
      return;
    }
    reload();
    awaitSignal();
  });
}

bool Daemon::reload(std::vector<std::string>* refused_for) {
  notifySystemd("RELOADING=1");
  spdlog::info("reloading {}", options_.config_path.string());
  // The same validation as the start and `staffchainctl check-config`, secrets included: a
  // configuration the daemon could not start with does not replace the running one either.
  auto loaded = plugin_host::loadCheckedConfig(options_.config_path, *catalog_);
  if (!loaded.config) {
    for (const auto& problem : loaded.errors) spdlog::error("reload refused: {}", problem);
    spdlog::error("reload refused: {} error(s); the running configuration stays", loaded.errors.size());
    if (refused_for != nullptr) *refused_for = std::move(loaded.errors);
    notifySystemd("READY=1");
    return false;
  }
  auto next = std::make_unique<config::Config>(std::move(*loaded.config));
  logging::setProcessLevel(next->daemon.log.level);
  if (!evaluator_) {
    // A standby has no parts yet: the configuration is kept for when it takes over.
    old_configs_.push_back(std::move(config_));
    config_ = std::move(next);
    spdlog::info("reloaded: this daemon is the standby and starts on this configuration when it takes over");
    notifySystemd("READY=1");
    return true;
  }
  if (next->daemon.store != config_->daemon.store || next->daemon.state_dir != config_->daemon.state_dir) {
    // Everything the daemon keeps is open there: another store takes a restart.
    spdlog::warn("reload: [daemon] state_dir and store take effect at the next start; the running store stays");
  }
  const bool rules_changed = !(config_->rules == next->rules);
  old_configs_.push_back(std::move(config_));
  config_ = std::move(next);
  evaluator_->configure(*config_);
  dispatcher_->configure(*config_);
  propagator_->configure(*config_);
  cases_->configure(*config_);
  reports_->configure(*config_);
  const std::size_t started = connectors_->configure(*config_);
  if (rules_changed) {
    spdlog::info("rule parameters changed: re-evaluating everything");
    rebuildEngine();
  }
  spdlog::info("reloaded: {} connectors restarted or added, {} kept running", started, connectors_->size() - started);
  api_->configure(*config_);  // replaces the tokens of a running API
  reports_->sendDue();        // a receiver just added gets the quarter that is due now, not tomorrow
  notifySystemd("READY=1");
  evaluator_->soon();
  return true;
}

void Daemon::beginStop(const std::string& why) {
  if (stopping_) return;
  stopping_ = true;
  notifySystemd("STOPPING=1\nSTATUS=stopping");
  spdlog::info("stopping ({})", why);
  signals_.cancel();
  watchdog_.stop();
  if (evaluator_) evaluator_->stop();
  if (connectors_) connectors_->stop();
  if (dispatcher_) dispatcher_->stop();
  if (propagator_) propagator_->stop();
  if (reports_) reports_->stop();
  if (api_) api_->stop();
  if (leadership_) leadership_->stop();
  io_.stop();
}

int Daemon::shutdown() {
  // Each handler runs to its end before the loop looks at signals, so no ledger write is
  // cut in half; what is left is to let plugin calls return and close the ledger.
  const auto deadline = std::chrono::steady_clock::now() + config_->daemon.shutdown_grace;
  if (connectors_) connectors_->waitForSources(deadline);
  if (dispatcher_) dispatcher_->waitForNotifiers(deadline);
  if (propagator_) propagator_->waitForSinks(deadline);
  // Deliveries that finished while stopping posted their outcome: record it, so that a message
  // the receiver took is not sent again at the next start.
  io_.restart();
  io_.poll();
  if (connectors_) connectors_->close();
  if (dispatcher_) dispatcher_->close();
  if (propagator_) propagator_->close();
  if (ledger_) ledger_->close();
  // After the last write: a standby takes over at its next try, not when the lease lapses.
  if (leadership_) leadership_->release();
  spdlog::info("stopped");
  spdlog::default_logger()->flush();
  return exit_code_;
}

}  // namespace staffchain::daemon
