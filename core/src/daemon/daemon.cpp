#include "staffchain/daemon/daemon.hpp"

#include <systemd/sd-daemon.h>

#include <csignal>
#include <ctime>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "daemon_runtime.hpp"
#include "staffchain/ledger/sqlite_ledger.hpp"

namespace staffchain::daemon {

model::Date localToday() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  return model::Date::fromYmd(local.tm_year + 1900, static_cast<unsigned>(local.tm_mon + 1),
                              static_cast<unsigned>(local.tm_mday));
}

void notifySystemd(const std::string& state) { sd_notify(0, state.c_str()); }

int runDaemon(const DaemonOptions& options) {
  Daemon daemon(options);
  return daemon.run();
}

Daemon::Daemon(DaemonOptions options)
    : options_(std::move(options)), signals_(io_, SIGINT, SIGTERM, SIGHUP), eval_timer_(io_), periodic_timer_(io_),
      watchdog_timer_(io_) {}

int Daemon::run() {
  std::optional<plugin_host::PluginCatalog> catalog;
  auto loaded = plugin_host::loadConfigWithPlugins(options_.config_path, catalog);
  if (!loaded.config) return refuseConfig(loaded.errors);
  config_ = std::make_unique<config::Config>(std::move(*loaded.config));
  catalog_ = std::make_unique<plugin_host::PluginCatalog>(std::move(*catalog));
  logging::installProcessLogger(config_->daemon.log);
  for (const auto& refusal : catalog_->refusals()) spdlog::error("plugin refused: {}", refusal.reason);
  for (const auto& [name, plugin] : catalog_->plugins()) {
    spdlog::info("plugin {} {} ({}) loaded from {}", name, plugin.descriptor->version,
                 plugin::pluginKindName(plugin.kind()), plugin.path.string());
  }

  std::error_code ec;
  std::filesystem::create_directories(config_->daemon.state_dir, ec);
  const auto ledger_path = config_->daemon.state_dir / "ledger.db";
  auto ledger = ledger::SqliteLedger::open(ledger_path);
  if (!ledger) {
    spdlog::critical("cannot open the ledger: {}", ledger.error().message);
    return 2;
  }
  ledger_ = std::move(ledger.value());
  if (!openNotices(ledger_path)) return 2;  // before the engine: its first load also tracks notices
  if (!rebuildEngine()) return 2;

  for (const auto& [name, settings] : config_->notifiers) startNotifier(settings);
  if (!openAlerts(ledger_path)) return 2;
  for (const auto& [name, settings] : config_->sinks) startSink(settings);
  for (const auto& [name, settings] : config_->connectors) startConnector(settings);
  if (connectors_.empty()) spdlog::warn("no connector is configured or enabled: nothing will be synchronised");

  if (!startApi()) {
    beginStop("the api could not start");
    shutdown();
    return 2;
  }
  signals_.async_wait([this](const boost::system::error_code& error, int signal) { onSignal(error, signal); });
  startWatchdog();
  schedulePeriodicEvaluation();
  checkNotices();  // what a crash left unsent goes out now
  scheduleNoticeChecks();
  notifySystemd(fmt::format("READY=1\nSTATUS=running with {} connectors", connectors_.size()));
  spdlog::info("staffchaind started: {} connectors, {} notifiers, state in {}{}", connectors_.size(),
               notifiers_.size(), config_->daemon.state_dir.string(), options_.once ? " (one cycle)" : "");
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
  trackAllNotices(dataset.value());
  engine_ = std::make_unique<chain::ChainEngine>(config_->rules);
  engine_->load(std::move(dataset.value()));
  evaluated_once_ = false;
  return true;
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

bool Daemon::reload() {
  notifySystemd("RELOADING=1");
  spdlog::info("reloading {}", options_.config_path.string());
  auto loaded = config::loadConfig(options_.config_path, catalog_.get());
  if (!loaded.config) {
    for (const auto& problem : loaded.errors) spdlog::error("reload refused: {}", problem);
    spdlog::error("reload refused: {} error(s); the running configuration stays", loaded.errors.size());
    notifySystemd("READY=1");
    return false;
  }
  auto next = std::make_unique<config::Config>(std::move(*loaded.config));
  logging::setProcessLevel(next->daemon.log.level);

  std::vector<std::string> restart;
  for (const auto& [name, runtime] : connectors_) {
    auto it = next->connectors.find(name);
    if (it == next->connectors.end() || it->second.fingerprint != runtime->settings.fingerprint) restart.push_back(name);
  }
  for (const auto& name : restart) stopConnector(name);
  std::vector<std::string> changed_notifiers;
  for (const auto& [name, instance] : notifiers_) {
    auto it = next->notifiers.find(name);
    if (it == next->notifiers.end() || it->second.fingerprint != config_->notifiers.at(name).fingerprint) {
      changed_notifiers.push_back(name);
    }
  }
  for (const auto& name : changed_notifiers) notifiers_.erase(name);

  const bool rules_changed = !sameRules(config_->rules, next->rules);
  old_configs_.push_back(std::move(config_));  // running instances may still point into it
  config_ = std::move(next);
  for (const auto& [name, settings] : config_->notifiers) {
    if (notifiers_.count(name) == 0) startNotifier(settings);
  }
  if (alerts_) alerts_->reconfigure(alertSettings());
  reloadSinks(*old_configs_.back());
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
  spdlog::info("reloaded: {} connectors restarted or added, {} kept running", started,
               connectors_.size() - started);
  if (api_) {
    std::vector<std::string> token_errors;
    auto tokens = resolveApiTokens(token_errors);
    for (const auto& error : token_errors) spdlog::error("reload: {}", error);
    if (token_errors.empty()) api_->setTokens(std::move(tokens));
  }
  notifySystemd("READY=1");
  scheduleEvaluation();
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
  eval_timer_.cancel();
  periodic_timer_.cancel();
  watchdog_timer_.cancel();
  for (auto& [name, runtime] : connectors_) {
    runtime->timer->cancel();
    runtime->deadline->cancel();
    if (runtime->instance) runtime->instance->cancel().cancel();
  }
  flush_timer_.cancel();
  delivery_timer_.cancel();
  notice_timer_.cancel();
  notice_check_timer_.cancel();
  for (auto& [name, sink] : sinks_) sink->cancel().cancel();
  if (api_) api_->stop();
  io_.stop();
}

int Daemon::shutdown() {
  // Each handler runs to its end before the loop looks at signals, so no ledger write is
  // cut in half; what is left is to let plugin calls return and close the ledger.
  const auto deadline = SteadyClock::now() + config_->daemon.shutdown_grace;
  auto wait_idle = [&](auto& instance, const std::string& what) {
    while (instance && !instance->worker().idle() && SteadyClock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (instance && !instance->worker().idle()) {
      spdlog::error("{} did not return within the shutdown grace; leaving it", what);
      std::remove_reference_t<decltype(*instance)>::abandon(std::move(instance));
    }
  };
  for (auto& [name, runtime] : connectors_) wait_idle(runtime->instance, "connector " + name);
  for (auto& runtime : retired_) wait_idle(runtime->instance, "connector " + runtime->settings.name);
  for (auto& [name, instance] : notifiers_) wait_idle(instance, "notifier " + name);
  for (auto& [name, instance] : sinks_) wait_idle(instance, "sink " + name);
  for (auto& instance : retired_sinks_) wait_idle(instance, "sink " + instance->name());
  // Deliveries that finished while stopping posted their outcome: record it, so that a message
  // the receiver took is not sent again at the next start.
  io_.restart();
  io_.poll();
  connectors_.clear();
  retired_.clear();
  notifiers_.clear();
  sinks_.clear();
  retired_sinks_.clear();
  alerts_.reset();
  tracker_.reset();
  notices_.reset();
  if (ledger_) ledger_->close();
  spdlog::info("stopped");
  spdlog::default_logger()->flush();
  return 0;
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
