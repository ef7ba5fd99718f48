#include "staffchain/daemon/daemon.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>

#include "daemon_runtime.hpp"
#include "staffchain/ledger/sqlite_ledger.hpp"
#include "staffchain/plugin_host/config_check.hpp"

namespace staffchain::daemon {

void notifySystemd(const std::string& state) {
  sd_notify(0, state.c_str());
}

namespace {

// The state folder holds the only full copies of personal data (SECURITY.md). A folder the
// daemon creates is 0700 whatever the umask (mkdir's mode can only lose bits to it, and the
// chmod after it puts back any the umask took from the owner). A folder that already exists
// keeps its mode unless `tighten` (under systemd StateDirectoryMode decides, and the drop
// folders beneath may need their group to pass through).
Result<void> makePrivateFolder(const std::filesystem::path& folder, bool tighten) {
  std::error_code ec;
  const bool existed = std::filesystem::is_directory(folder, ec);
  if (!existed) {
    if (folder.has_parent_path()) std::filesystem::create_directories(folder.parent_path(), ec);
    if (::mkdir(folder.c_str(), 0700) != 0 && errno != EEXIST) {
      return makeError(fmt::format("cannot create the state folder {}: {}", folder.string(), std::strerror(errno)));
    }
  }
  if (!existed || tighten) {
    std::filesystem::permissions(folder, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace, ec);
    if (ec) return makeError(fmt::format("cannot make {} private (0700): {}", folder.string(), ec.message()));
  }
  return {};
}

}  // namespace

int runDaemon(const DaemonOptions& options) {
  Daemon daemon(options);
  return daemon.run();
}

Daemon::Daemon(DaemonOptions options)
    : options_(std::move(options)), signals_(io_, SIGINT, SIGTERM, SIGHUP), watchdog_timer_(io_) {}

int Daemon::run() {
  std::optional<plugin_host::PluginCatalog> catalog;
  auto loaded = plugin_host::loadCheckedConfig(options_.config_path, catalog);
  if (!loaded.config) return refuseConfig(loaded.errors);
  config_ = std::make_unique<config::Config>(std::move(*loaded.config));
  catalog_ = std::make_unique<plugin_host::PluginCatalog>(std::move(*catalog));
  logging::installProcessLogger(config_->daemon.log);
  health_.setTimeZone(config_->daemon.timezone);
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
  const auto ledger_path = config_->daemon.state_dir / "ledger.db";
  auto ledger = ledger::SqliteLedger::open(ledger_path);
  if (!ledger) {
    spdlog::critical("cannot open the ledger: {}", ledger.error().message);
    return 2;
  }
  ledger_ = std::move(ledger.value());
  propagator_ = std::make_unique<NoticePropagator>(
      *scheduler_,
      [this](const config::SinkSettings& settings) {
        return plugin_host::createSink(*catalog_, settings, spdlog::default_logger(),
                                       config_->daemon.state_dir / "plugins", config_->daemon.plugin_call_timeout);
      },
      options_.once);
  if (!propagator_->open(ledger_path)) return 2;  // before the engine: its first load also tracks notices
  evaluator_ = std::make_unique<Evaluator>(*scheduler_, evaluatorHooks());
  evaluator_->configure(*config_);
  if (!rebuildEngine()) return 2;

  dispatcher_ = std::make_unique<AlertDispatcher>(
      *scheduler_,
      [this](const config::NotifierSettings& settings) {
        return plugin_host::createNotifier(*catalog_, settings, spdlog::default_logger(),
                                           config_->daemon.state_dir / "plugins", config_->daemon.plugin_call_timeout);
      },
      options_.once);
  dispatcher_->configure(*config_);
  if (!dispatcher_->open(ledger_path)) return 2;
  propagator_->configure(*config_);
  for (const auto& [name, settings] : config_->connectors) startConnector(settings);
  if (connectors_.empty()) spdlog::warn("no connector is configured or enabled: nothing will be synchronised");

  if (!startApi()) {
    beginStop("the api could not start");
    shutdown();
    return 2;
  }
  signals_.async_wait([this](const boost::system::error_code& error, int signal) { onSignal(error, signal); });
  startWatchdog();
  evaluator_->start();
  propagator_->start();  // what a crash left unsent goes out now, then checks on a timer
  notifySystemd(fmt::format("READY=1\nSTATUS=running with {} connectors", connectors_.size()));
  spdlog::info("staffchaind started: {} connectors, {} notifiers, state in {}{}", connectors_.size(),
               dispatcher_->notifierCount(), config_->daemon.state_dir.string(), options_.once ? " (one cycle)" : "");
  if (options_.once && connectors_.empty()) finishOnceCycle();

  io_.run();
  return shutdown();
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
  unit_regions_.clear();
  for (const auto& unit : dataset->units) unit_regions_[unit.unit_id.str()] = unit.region;
  countLedgerRecords(dataset.value());
  engine_sources_ = dataset->sources;
  if (propagator_) propagator_->afterLoad(dataset.value());
  evaluator_->load(std::move(dataset.value()));
  return true;
}

void Daemon::countLedgerRecords(const model::Dataset& dataset) {
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

void Daemon::onSignal(const boost::system::error_code& error, int signal) {
  if (error) return;
  if (signal == SIGHUP) {
    reload();
    signals_.async_wait([this](const boost::system::error_code& e, int s) { onSignal(e, s); });
    return;
  }
  beginStop(signal == SIGTERM ? "SIGTERM" : "SIGINT");
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

  std::vector<std::string> restart;
  for (const auto& [name, runtime] : connectors_) {
    auto it = next->connectors.find(name);
    if (it == next->connectors.end() || it->second.fingerprint != runtime->settings.fingerprint)
      restart.push_back(name);
  }
  // A restarted connector keeps its sync record (LAST SUCCESS, failures): only one the new
  // configuration drops is forgotten.
  for (const auto& name : restart) {
    const auto kept = next->connectors.find(name);
    stopConnector(name, kept == next->connectors.end() || !kept->second.enabled);
  }

  const bool rules_changed = !sameRules(config_->rules, next->rules);
  old_configs_.push_back(std::move(config_));  // running instances may still point into it
  config_ = std::move(next);
  health_.setTimeZone(config_->daemon.timezone);
  evaluator_->configure(*config_);
  dispatcher_->configure(*config_);
  propagator_->configure(*config_);
  std::size_t started = 0;
  for (const auto& [name, settings] : config_->connectors) {
    if (connectors_.count(name) == 0) {
      startConnector(settings);
      ++started;
    } else {
      connectors_[name]->settings = settings;  // same table; keep it pointing at the live document
    }
  }
  if (rules_changed) {
    spdlog::info("rule parameters changed: re-evaluating everything");
    rebuildEngine();
  }
  spdlog::info("reloaded: {} connectors restarted or added, {} kept running", started, connectors_.size() - started);
  if (api_) {
    std::vector<std::string> token_errors;
    auto tokens = resolveApiTokens(token_errors);
    for (const auto& error : token_errors) spdlog::error("reload: {}", error);
    if (token_errors.empty()) api_->setTokens(std::move(tokens));
    api_->setMaxConnections(config_->api.max_connections);
  }
  notifySystemd("READY=1");
  evaluator_->soon();
  return true;
}

bool Daemon::sameRules(const chain::RuleParams& a, const chain::RuleParams& b) {
  auto table = [](const std::vector<chain::RetirementAgeRule>& rows) {
    std::string out;
    for (const auto& r : rows) {
      out += fmt::format("{}:{}:{}:{};", r.born_from.days, r.born_to.days, static_cast<int>(r.sex), r.age_months);
    }
    return out;
  };
  return a.roster_after_hire_days == b.roster_after_hire_days && a.pay_after_roster_days == b.pay_after_roster_days &&
         a.roster_after_exit_days == b.roster_after_exit_days && a.payroll_grace_months == b.payroll_grace_months &&
         a.secondment_max_days == b.secondment_max_days && a.suspend_after_days == b.suspend_after_days &&
         a.retirement_age_months_male == b.retirement_age_months_male &&
         a.retirement_age_months_female == b.retirement_age_months_female && a.disabled_rules == b.disabled_rules &&
         table(a.retirement_table) == table(b.retirement_table);
}

void Daemon::beginStop(const std::string& why) {
  if (stopping_) return;
  stopping_ = true;
  notifySystemd("STOPPING=1\nSTATUS=stopping");
  spdlog::info("stopping ({})", why);
  signals_.cancel();
  if (evaluator_) evaluator_->stop();
  watchdog_timer_.cancel();
  for (auto& [name, runtime] : connectors_) {
    runtime->timer->cancel();
    runtime->deadline->cancel();
    if (runtime->instance) runtime->instance->cancel().cancel();
  }
  if (dispatcher_) dispatcher_->stop();
  if (propagator_) propagator_->stop();
  if (api_) api_->stop();
  io_.stop();
}

int Daemon::shutdown() {
  // Each handler runs to its end before the loop looks at signals, so no ledger write is
  // cut in half; what is left is to let plugin calls return and close the ledger.
  const auto deadline = SteadyClock::now() + config_->daemon.shutdown_grace;
  for (auto& [name, runtime] : connectors_) {
    plugin_host::awaitIdleOrAbandon(runtime->instance, deadline, "connector " + name);
  }
  for (auto& runtime : retired_) {
    plugin_host::awaitIdleOrAbandon(runtime->instance, deadline, "connector " + runtime->settings.name);
  }
  if (dispatcher_) dispatcher_->waitForNotifiers(deadline);
  if (propagator_) propagator_->waitForSinks(deadline);
  // Deliveries that finished while stopping posted their outcome: record it, so that a message
  // the receiver took is not sent again at the next start.
  io_.restart();
  io_.poll();
  connectors_.clear();
  retired_.clear();
  if (dispatcher_) dispatcher_->close();
  if (propagator_) propagator_->close();
  if (ledger_) ledger_->close();
  spdlog::info("stopped");
  spdlog::default_logger()->flush();
  return exit_code_;
}

void Daemon::startWatchdog() {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return;
  watchdog_interval_ = std::chrono::microseconds(usec / 2);
  pingWatchdog();
}

void Daemon::pingWatchdog() {
  // Pinged from the event loop itself: a loop stuck in a handler stops the pings and
  // systemd restarts the service.
  notifySystemd("WATCHDOG=1");
  watchdog_timer_.expires_after(watchdog_interval_);
  watchdog_timer_.async_wait([this](const boost::system::error_code& error) {
    if (!error) pingWatchdog();
  });
}

}  // namespace staffchain::daemon
