// The alert dispatcher, one of the daemon's parts: the alert manager (alerts from findings,
// grouping, silences), its flush timer, and delivery of its outbox through the notifier
// plugins, each on its own worker; for a one-cycle run, the wait for the outbox to empty. It
// owns its timers, notifiers and store; the daemon only wires it.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "staffchain/alerts/alert_manager.hpp"
#include "staffchain/api/prometheus_writer.hpp"
#include "staffchain/config/config.hpp"
#include "staffchain/daemon/scheduler.hpp"
#include "staffchain/plugin_host/plugin_instance.hpp"
#include "staffchain/store/database.hpp"

namespace staffchain::daemon {

class AlertDispatcher {
 public:
  using NotifierFactory =
      std::function<Result<std::unique_ptr<plugin_host::NotifierInstance>>(const config::NotifierSettings& settings)>;
  // How a one-cycle run ends: exit code 0 when the outbox emptied, 3 when messages are left.
  using OnceDone = std::function<void(int exit_code, const std::string& why)>;

  // `once`: close grouping windows at once, deliver in line, arm no timer.
  AlertDispatcher(Scheduler& scheduler, NotifierFactory make_notifier, bool once);
  ~AlertDispatcher();
  AlertDispatcher(const AlertDispatcher&) = delete;
  AlertDispatcher& operator=(const AlertDispatcher&) = delete;
  AlertDispatcher(AlertDispatcher&&) = delete;
  AlertDispatcher& operator=(AlertDispatcher&&) = delete;

  // The configuration in force; it must outlive its use here (the daemon keeps old ones). Starts
  // the notifiers (restarting those whose tables changed) and gives the manager its settings.
  void configure(const config::Config& config);
  // Opens the alert store in the ledger's file, after the first configure(). False, logged.
  bool open(const store::Location& ledger_path);
  [[nodiscard]] bool isOpen() const noexcept { return manager_ != nullptr; }
  // For the API's alert, acknowledgement and silence routes.
  [[nodiscard]] alerts::AlertManager& manager() { return *manager_; }

  // An evaluation's open findings: alerts raised, changed and resolved, then flushed.
  void observe(const std::vector<chain::Finding>& open, const std::function<std::string(const std::string&)>& region_of,
               const std::set<std::string>& connectors_down, WallTime now);
  // The same for findings read in place (an evaluation's OpenFindings).
  void observeInPlace(const std::vector<const chain::Finding*>& open,
                      const std::function<std::string(const std::string&)>& region_of,
                      const std::set<std::string>& connectors_down, WallTime now);
  // AlertManager::observeChanges(), then due notifications written as after observeInPlace().
  // False (logged) when it could not be recorded: the next observation must be whole.
  bool observeChanges(const std::vector<const chain::Finding*>& changed, const std::vector<std::string>& gone,
                      const std::function<std::string(const std::string&)>& region_of,
                      const std::set<std::string>& connectors_down, WallTime now);
  // The next observation must be given every open finding (AlertManager::observesWholeNext).
  [[nodiscard]] bool observesWholeNext() const;
  // Writes the notifications due (grouping windows that closed) and delivers what is due.
  void flush();
  // A message of the daemon's own (a report) into the outbox, then delivered as digests are.
  // False when its idempotency key was written before: it is not sent again.
  Result<bool> send(const plugin::Notification& message);
  // LINK-003 of receivers that keep failing.
  [[nodiscard]] std::vector<chain::Finding> linkFindings(WallTime now) const;

  // One-cycle run: delivers until the outbox is empty, waiting for rate limits and retries at
  // most the bound below, then calls `done` (with 3 and a log line per receiver if any is left).
  void finishOnce(OnceDone done);
  // What the receivers' rate limits need for what is queued now, and a minute for retries;
  // never more than [daemon] once_wait.
  [[nodiscard]] std::chrono::milliseconds onceOutboxBound() const;

  // No timer fires and no delivery starts after this; the notifiers' calls are asked to stop.
  void stop();
  // Waits until the notifiers' workers are idle or `deadline` passes; one still inside a call
  // is abandoned then, as the daemon does with every plugin.
  void waitForNotifiers(SteadyTime deadline);
  // Notifiers and store released (after the last outcomes were recorded).
  void close();

  [[nodiscard]] std::size_t notifierCount() const noexcept { return notifiers_.size(); }
  void metrics(api::PrometheusWriter& out) const;

 private:
  [[nodiscard]] alerts::AlertSettings settings() const;
  void startNotifier(const config::NotifierSettings& settings);
  void deliverDue();
  std::size_t deliverDueBatch();  // hands out one batch of due messages; how many
  void awaitOnceOutbox(SteadyTime deadline, OnceDone done);
  void recordDelivery(std::int64_t id, const std::string& receiver, Result<std::string> outcome);

  Scheduler& scheduler_;
  NotifierFactory make_notifier_;
  bool once_;
  const config::Config* config_ = nullptr;
  bool stopping_ = false;
  std::map<std::string, std::unique_ptr<plugin_host::NotifierInstance>> notifiers_;
  std::unique_ptr<alerts::AlertManager> manager_;
  std::unique_ptr<Timer> flush_timer_;
  std::unique_ptr<Timer> delivery_timer_;
};

}  // namespace staffchain::daemon
