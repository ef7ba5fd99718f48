#include "staffchain/daemon/daemon.hpp"

#include <systemd/sd-daemon.h>

#include <chrono>
#include <csignal>
#include <ctime>
#include <map>
#include <memory>
#include <set>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "staffchain/chain/chain_engine.hpp"
#include "staffchain/config/config.hpp"
#include "staffchain/daemon/digest.hpp"
#include "staffchain/daemon/link_health.hpp"
#include "staffchain/ingest/ingestor.hpp"
#include "staffchain/ledger/sqlite_ledger.hpp"
#include "staffchain/model/enums.hpp"
#include "staffchain/plugin_host/guard.hpp"
#include "staffchain/plugin_host/plugin_catalog.hpp"
#include "staffchain/plugin_host/plugin_instance.hpp"

namespace staffchain::daemon {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

model::Date localToday() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  return model::Date::fromYmd(local.tm_year + 1900, static_cast<unsigned>(local.tm_mon + 1),
                              static_cast<unsigned>(local.tm_mday));
}

void notifySystemd(const std::string& state) { sd_notify(0, state.c_str()); }

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
};

class Daemon {
 public:
  explicit Daemon(DaemonOptions options)
      : options_(std::move(options)), signals_(io_, SIGINT, SIGTERM, SIGHUP), eval_timer_(io_), periodic_timer_(io_),
        watchdog_timer_(io_) {}

  int run() {
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
    if (!rebuildEngine()) return 2;

    for (const auto& [name, settings] : config_->notifiers) startNotifier(settings);
    for (const auto& [name, settings] : config_->connectors) startConnector(settings);
    if (connectors_.empty()) spdlog::warn("no connector is configured or enabled: nothing will be synchronised");

    signals_.async_wait([this](const boost::system::error_code& error, int signal) { onSignal(error, signal); });
    startWatchdog();
    schedulePeriodicEvaluation();
    notifySystemd(fmt::format("READY=1\nSTATUS=running with {} connectors", connectors_.size()));
    spdlog::info("staffchaind started: {} connectors, {} notifiers, state in {}{}", connectors_.size(),
                 notifiers_.size(), config_->daemon.state_dir.string(), options_.once ? " (one cycle)" : "");
    if (options_.once && connectors_.empty()) finishOnceCycle();

    io_.run();
    return shutdown();
  }

 private:
  int refuseConfig(const std::vector<std::string>& errors) {
    for (const auto& error : errors) fmt::print(stderr, "{}\n", error);
    fmt::print(stderr, "staffchaind: {} configuration error(s) in {}; not started\n", errors.size(),
               options_.config_path.string());
    return 1;
  }

  bool rebuildEngine() {
    auto dataset = ledger_->loadDataset();
    if (!dataset) {
      spdlog::critical("cannot read the ledger: {}", dataset.error().message);
      return false;
    }
    engine_ = std::make_unique<chain::ChainEngine>(config_->rules);
    engine_->load(std::move(dataset.value()));
    evaluated_once_ = false;
    return true;
  }

  // ---- connectors ---------------------------------------------------------------------

  void startConnector(const config::ConnectorSettings& settings) {
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

  void stopConnector(const std::string& name) {
    auto it = connectors_.find(name);
    if (it == connectors_.end()) return;
    it->second->timer->cancel();
    it->second->deadline->cancel();
    if (it->second->instance) it->second->instance->cancel().cancel();
    retire(std::move(it->second));
    connectors_.erase(it);
    health_.forget(name);
  }

  // An instance still inside a call is kept until the call returns (its worker joins then).
  void retire(std::unique_ptr<ConnectorRuntime> runtime) {
    if (runtime->instance && !runtime->instance->worker().idle()) {
      retired_.push_back(std::move(runtime));
    }
  }

  void scheduleSync(const std::string& name, milliseconds delay) {
    auto it = connectors_.find(name);
    if (it == connectors_.end() || stopping_) return;
    it->second->timer->expires_after(delay);
    it->second->timer->async_wait([this, name](const boost::system::error_code& error) {
      if (!error) startSync(name);
    });
  }

  void startSync(const std::string& name) {
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
    const std::uint64_t generation = ++runtime.generation;
    plugin_host::SourceInstance* instance = runtime.instance.get();
    if (!instance->worker().stuck()) instance->cancel().reset();
    const bool queued = instance->worker().submit(
        [this, instance, name, generation, from = cursor.value().value_or("")]() {
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

  void onPulled(const std::string& name, std::uint64_t generation, Result<plugin::SourceBatch> batch) {
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
    auto ingested = ingest::ingestBatch(*ledger_, name, batch.value());
    if (!ingested) {
      syncFailed(runtime, fmt::format("ledger refused the batch: {}", ingested.error().message));
      return;
    }
    const ingest::IngestResult& result = ingested.value();
    const double seconds = std::chrono::duration<double>(SteadyClock::now() - runtime.started).count();
    health_.recordSuccess(name, Clock::now(), batch->records.size(), seconds);
    runtime.synced_once = true;
    const auto& stats = result.stats;
    spdlog::info("connector {}: {} records ({} new, {} changed, {} unchanged, {} removed), {} quarantined, {:.2f} s",
                 name, batch->records.size(), stats.inserted, stats.updated, stats.unchanged, stats.removed,
                 result.quarantine.size(), seconds);
    for (const auto& entry : result.quarantine) {
      spdlog::warn("quarantined {} {}: {}: {} (value \"{}\")", name, entry.origin, entry.field, entry.reason,
                   entry.value);
    }
    // Let the plugin archive what it consumed, now that the ledger holds it.
    runtime.instance->worker().submit([instance = runtime.instance.get(), committed = std::move(batch.value()), name]() {
      auto done = plugin_host::guardCall(fmt::format("connector {} archiving", name),
                                         [&] { return instance->object().committed(committed); });
      if (!done) spdlog::warn("{}", done.error().message);
    });
    applyToEngine(result);
    if (batch->more) {
      scheduleSync(name, milliseconds(0));
      return;
    }
    if (options_.once) {
      runtime.finished_once_cycle = true;
      maybeFinishOnceCycle();
      return;
    }
    scheduleSync(name, runtime.settings.interval);
    scheduleEvaluation();
  }

  void applyToEngine(const ingest::IngestResult& result) {
    if (result.stats.removed > 0) {
      // A snapshot dropped records; the ledger knows which. Reload rather than guess.
      if (!rebuildEngine()) spdlog::error("engine not refreshed; findings may lag until the next sync");
      return;
    }
    if (result.stats.inserted + result.stats.updated > 0) {
      for (const auto& record : result.records) engine_->apply(record);
    }
    for (const auto& entry : result.quarantine) engine_->addQuarantine(entry);
  }

  void syncFailed(ConnectorRuntime& runtime, const std::string& reason) {
    const std::string& name = runtime.settings.name;
    health_.recordFailure(name, Clock::now(), reason);
    const auto failures = health_.connectors().at(name).consecutive_failures;
    // Back off: 10 s, 20 s, 40 s ... but never longer than the connector's own interval.
    const milliseconds backoff = std::min<milliseconds>(
        runtime.settings.interval, milliseconds(10'000) * (1LL << std::min<std::uint64_t>(failures - 1, 10)));
    spdlog::error("connector {}: sync failed ({} in a row): {}; next try in {} s", name, failures, reason,
                  backoff.count() / 1000);
    if (options_.once) {
      runtime.finished_once_cycle = true;
      maybeFinishOnceCycle();
      return;
    }
    scheduleSync(name, backoff);
    scheduleEvaluation();
  }

  void maybeFinishOnceCycle() {
    for (const auto& [name, runtime] : connectors_) {
      if (!runtime->finished_once_cycle) return;
    }
    finishOnceCycle();
  }

  void finishOnceCycle() {
    evaluate();
    asio::post(io_, [this] { beginStop("one cycle done"); });
  }

  // ---- evaluation and notification -------------------------------------------------------

  void scheduleEvaluation() {
    if (evaluation_pending_) return;
    evaluation_pending_ = true;
    eval_timer_.expires_after(std::chrono::seconds(1));  // coalesce the syncs that land together
    eval_timer_.async_wait([this](const boost::system::error_code& error) {
      evaluation_pending_ = false;
      if (!error) evaluate();
    });
  }

  void schedulePeriodicEvaluation() {
    periodic_timer_.expires_after(config_->daemon.evaluate_interval);
    periodic_timer_.async_wait([this](const boost::system::error_code& error) {
      if (error) return;
      evaluate();  // deadlines pass with time alone, and sources go stale in silence
      schedulePeriodicEvaluation();
    });
  }

  void evaluate() {
    const model::Date today = localToday();
    const auto started = SteadyClock::now();
    std::vector<chain::Finding> opened;
    std::vector<std::string> resolved;
    if (!evaluated_once_) {
      // A fresh engine (start, reload, snapshot removal): compare its whole view with the last.
      std::set<std::string> now_open;
      for (auto& finding : engine_->evaluateAll(today)) {
        now_open.insert(finding.fingerprint);
        if (open_.count(finding.fingerprint) == 0) opened.push_back(std::move(finding));
      }
      for (const auto& fingerprint : open_) {
        if (now_open.count(fingerprint) == 0) resolved.push_back(fingerprint);
      }
      open_ = std::move(now_open);
      evaluated_once_ = true;
    } else {
      chain::FindingDelta delta = engine_->evaluateTouched(today);
      for (auto& finding : delta.changed) {
        if (open_.count(finding.fingerprint) == 0) opened.push_back(std::move(finding));
      }
      for (const auto& fingerprint : delta.resolved) {
        if (open_.erase(fingerprint) > 0) resolved.push_back(fingerprint);
      }
    }
    for (const auto& finding : opened) open_.insert(finding.fingerprint);

    // Link findings live beside the engine's.
    std::set<std::string> links_now;
    for (auto& finding : health_.findings(Clock::now())) {
      links_now.insert(finding.fingerprint);
      if (open_links_.count(finding.fingerprint) == 0) opened.push_back(std::move(finding));
    }
    for (const auto& fingerprint : open_links_) {
      if (links_now.count(fingerprint) == 0) resolved.push_back(fingerprint);
    }
    open_links_ = std::move(links_now);

    const auto findings = engine_->findings();
    std::map<std::string, std::size_t> by_severity;
    for (const auto& finding : findings) by_severity[std::string(chain::toString(finding.severity))]++;
    const double ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - started).count();
    spdlog::info("evaluation as of {}: {} open findings (critical {}, major {}, minor {}), {} link findings; "
                 "{} new, {} resolved; {:.1f} ms",
                 model::formatDate(today), findings.size(), by_severity["critical"], by_severity["major"], by_severity["minor"], open_links_.size(), opened.size(), resolved.size(), ms);
    notifySystemd(fmt::format("STATUS={} open findings, {} connectors", findings.size() + open_links_.size(),
                              connectors_.size()));
    if (!opened.empty() || !resolved.empty()) dispatch(opened, resolved, model::formatDate(today));
  }

  void dispatch(const std::vector<chain::Finding>& opened, const std::vector<std::string>& resolved,
                const std::string& as_of) {
    std::map<std::string, std::vector<const chain::Finding*>> per_receiver;
    for (const auto& finding : opened) {
      const model::SourceRole role = roleOf(finding);
      for (const auto& receiver : receiversFor(config_->route, finding, role)) per_receiver[receiver].push_back(&finding);
    }
    if (per_receiver.empty() && !resolved.empty()) {
      for (const auto& receiver : config_->route.receivers) per_receiver[receiver];
    }
    for (const auto& [receiver, findings] : per_receiver) {
      auto it = notifiers_.find(receiver);
      if (it == notifiers_.end()) {
        spdlog::error("receiver {} is not running; {} findings not delivered to it", receiver, findings.size());
        continue;
      }
      plugin::Notification message = renderDigest(receiver, findings, resolved, as_of);
      auto sent = plugin_host::sendNotification(*it->second, std::move(message), config_->daemon.plugin_call_timeout);
      if (sent) {
        spdlog::info("notifier {}: digest of {} findings delivered ({})", receiver, findings.size(), sent->detail);
      } else {
        spdlog::error("notifier {}: delivery failed: {}", receiver, sent.error().message);
      }
    }
  }

  model::SourceRole roleOf(const chain::Finding& finding) const {
    for (const auto& item : finding.evidence) {
      auto it = config_->connectors.find(item.source);
      if (it != config_->connectors.end()) return it->second.role;
    }
    return model::SourceRole::estab;
  }

  void startNotifier(const config::NotifierSettings& settings) {
    auto created = plugin_host::createNotifier(*catalog_, settings, spdlog::default_logger(),
                                               config_->daemon.state_dir / "plugins", config_->daemon.plugin_call_timeout);
    if (!created) {
      spdlog::error("{}", created.error().message);
      return;
    }
    notifiers_[settings.name] = std::move(created.value());
  }

  // ---- signals, reload, stop -------------------------------------------------------------

  void onSignal(const boost::system::error_code& error, int signal) {
    if (error) return;
    if (signal == SIGHUP) {
      reload();
      signals_.async_wait([this](const boost::system::error_code& e, int s) { onSignal(e, s); });
      return;
    }
    beginStop(signal == SIGTERM ? "SIGTERM" : "SIGINT");
  }

  void reload() {
    notifySystemd("RELOADING=1");
    spdlog::info("reloading {}", options_.config_path.string());
    auto loaded = config::loadConfig(options_.config_path, catalog_.get());
    if (!loaded.config) {
      for (const auto& problem : loaded.errors) spdlog::error("reload refused: {}", problem);
      spdlog::error("reload refused: {} error(s); the running configuration stays", loaded.errors.size());
      notifySystemd("READY=1");
      return;
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
    notifySystemd("READY=1");
    scheduleEvaluation();
  }

  static bool sameRules(const chain::RuleParams& a, const chain::RuleParams& b) {
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

  void beginStop(const std::string& why) {
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
    io_.stop();
  }

  int shutdown() {
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
    connectors_.clear();
    retired_.clear();
    notifiers_.clear();
    if (ledger_) ledger_->close();
    spdlog::info("stopped");
    spdlog::default_logger()->flush();
    return 0;
  }

  void startWatchdog() {
    std::uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return;
    watchdog_interval_ = std::chrono::microseconds(usec / 2);
    pingWatchdog();
  }

  void pingWatchdog() {
    // Pinged from the event loop itself: a loop stuck in a handler stops the pings and
    // systemd restarts the service.
    notifySystemd("WATCHDOG=1");
    watchdog_timer_.expires_after(watchdog_interval_);
    watchdog_timer_.async_wait([this](const boost::system::error_code& error) {
      if (!error) pingWatchdog();
    });
  }

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
  std::set<std::string> open_;
  std::set<std::string> open_links_;
  bool evaluated_once_ = false;
  bool evaluation_pending_ = false;
  bool stopping_ = false;
};

}  // namespace

int runDaemon(const DaemonOptions& options) {
  Daemon daemon(options);
  return daemon.run();
}

}  // namespace staffchain::daemon
