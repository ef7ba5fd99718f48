#include "notice_propagator.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "staffchain/model/enums.hpp"
#include "staffchain/plugin/support/backoff.hpp"
#include "staffchain/plugin_host/guard.hpp"
#include "staffchain/propagation/notice_evidence.hpp"
#include "staffchain/propagation/notice_planner.hpp"

namespace staffchain::daemon {
namespace {

// How many due notices one pass hands to the sinks' workers.
constexpr std::size_t kDeliveryBatch = 64;

plugin::Notice toNotice(const propagation::StoredNotice& stored) {
  plugin::Notice notice;
  notice.id = stored.id;
  notice.sink = stored.sink;
  notice.fields = stored.fields;
  return notice;
}

}  // namespace

NoticePropagator::NoticePropagator(Scheduler& scheduler, SinkFactory make_sink, bool once)
    : scheduler_(scheduler),
      make_sink_(std::move(make_sink)),
      once_(once),
      delivery_timer_(scheduler.timer()),
      check_timer_(scheduler.timer()) {}

NoticePropagator::~NoticePropagator() = default;

bool NoticePropagator::open(const store::Location& ledger_path) {
  auto opened = propagation::NoticeStore::open(ledger_path, [this] { return scheduler_.wallNow(); });
  if (!opened) {
    spdlog::critical("cannot open the notice outbox: {}", opened.error().message);
    return false;
  }
  store_ = std::move(opened.value());
  tracker_ = std::make_unique<propagation::NoticeTracker>(*store_);
  return true;
}

void NoticePropagator::configure(const config::Config& config) {
  const config::Config* previous = config_;
  config_ = &config;
  if (previous == nullptr) {
    for (const auto& [name, settings] : config.sinks) startSink(settings);
    return;
  }
  std::vector<std::string> changed;
  for (const auto& [name, instance] : sinks_) {
    auto now = config.sinks.find(name);
    const auto before = previous->sinks.find(name);
    if (now == config.sinks.end() || before == previous->sinks.end() ||
        now->second.fingerprint != before->second.fingerprint) {
      changed.push_back(name);
    }
  }
  for (const auto& name : changed) {
    auto instance = std::move(sinks_.at(name));
    sinks_.erase(name);
    if (!instance->worker().idle()) instance->cancel().cancel();
    retired_sinks_.push_back(std::move(instance));
  }
  std::erase_if(retired_sinks_, [](const auto& old) { return old->worker().idle(); });
  for (const auto& [name, settings] : config.sinks) {
    if (sinks_.count(name) == 0) startSink(settings);
  }
  for (auto it = sink_health_.sinks().begin(); it != sink_health_.sinks().end();) {
    const std::string name = (it++)->first;
    if (config.sinks.count(name) == 0) sink_health_.forget(name);
  }
  deliver();
}

void NoticePropagator::startSink(const config::SinkSettings& settings) {
  if (!settings.enabled) {
    spdlog::info("sink {} is disabled in the configuration", settings.name);
    return;
  }
  auto created = make_sink_(settings);
  if (!created) {
    // Its notices wait in the outbox and count as failures, so LINK-003 says so.
    spdlog::error("{}", created.error().message);
    sink_health_.recordFailure(settings.name, created.error().message, scheduler_.wallNow());
    return;
  }
  sink_health_.recordSuccess(settings.name);
  spdlog::info("sink {} ({} for {}){} started", settings.name, settings.plugin, model::toString(settings.role),
               settings.dry_run ? " in dry-run mode" : "");
  sinks_[settings.name] = std::move(created.value());
}

ingest::PlanNotices NoticePropagator::planner() const {
  std::vector<propagation::SinkTarget> targets;
  for (const auto& [name, sink] : config_->sinks) {
    if (sink.enabled) targets.push_back({name, sink.role, sink.dry_run});
  }
  auto planner = std::make_shared<propagation::NoticePlanner>(config_->propagation, std::move(targets));
  if (planner->empty()) return {};
  // Called in line by ingest on this thread, while the store (opened at start) is alive.
  propagation::NoticeStore* store = store_.get();
  // Deadlines count from today in the configured zone.
  return [planner, store, zone = config_->daemon.timezone, &scheduler = scheduler_](
             const std::string&, const std::vector<model::Record>& records) {
    const auto now = scheduler.wallNow();
    auto planned = planner->plan(records, zone.dateAt(now), model::formatUtcTime(now));
    if (store != nullptr && !planned.empty()) {
      // A notice stored under another id (an older staffchain's, or another record's of the
      // same stay) keeps that id, so the ledger leaves it be and nothing is sent twice.
      if (auto adopted = store->adoptStoredIds(planned); !adopted) {
        spdlog::error(
            "propagation: cannot compare new notices with the stored ones (a notice an older "
            "version stored under another id may be sent again): {}",
            adopted.error().message);
      }
    }
    return planned;
  };
}

void NoticePropagator::afterCommit(const ingest::IngestResult& result, const chain::ChainEngine& engine) {
  if (!tracker_) return;
  if (result.stats.inserted + result.stats.updated > 0) {
    auto completed = tracker_->observe(result.records);
    if (!completed) {
      spdlog::error("propagation: cannot track notices: {}", completed.error().message);
    } else if (completed.value() > 0) {
      spdlog::info("propagation: {} notices completed by what the targets reported", completed.value());
    }
  }
  if (result.stats.notices_written == 0) return;
  spdlog::info("propagation: {} notices written to the outbox", result.stats.notices_written);
  // The answer may have landed before the record that asks for it (another system synced
  // first): look at everything held of these people (roster rows, movements, payroll), as the
  // check at start does, so a notice already answered is never sent, whichever came first.
  std::set<model::PersonId> people;
  for (const auto& record : result.records) {
    std::visit(
        [&people](const auto& typed) {
          if constexpr (requires { typed.person_id; }) people.insert(typed.person_id);
        },
        record);
  }
  std::vector<model::Record> earlier;
  for (const auto& person : people) {
    auto held = engine.recordsOf(person);
    earlier.insert(earlier.end(), std::make_move_iterator(held.begin()), std::make_move_iterator(held.end()));
  }
  if (auto completed = tracker_->observe(earlier); !completed) {
    spdlog::error("propagation: cannot track notices: {}", completed.error().message);
  } else if (completed.value() > 0) {
    spdlog::info("propagation: {} new notices already answered by the targets", completed.value());
  }
  deliver();
}

void NoticePropagator::afterLoad(const model::Dataset& dataset) {
  if (!tracker_) return;
  auto completed = tracker_->observeAll(dataset);
  if (!completed) {
    spdlog::error("propagation: cannot track notices: {}", completed.error().message);
  } else if (completed.value() > 0) {
    spdlog::info("propagation: {} notices completed by what the targets reported", completed.value());
  }
}

void NoticePropagator::start() {
  check();  // what a crash left unsent goes out now
  scheduleChecks();
}

void NoticePropagator::check() {
  if (!store_ || config_ == nullptr) return;
  const model::Date today = config_->daemon.timezone.dateAt(scheduler_.wallNow());
  if (auto overdue = tracker_->markOverdue(today); !overdue) {
    spdlog::error("propagation: cannot mark overdue notices: {}", overdue.error().message);
  } else if (overdue.value() > 0) {
    spdlog::warn("propagation: {} notices passed their deadline without the expected record", overdue.value());
  }
  deliver();
}

void NoticePropagator::scheduleChecks() {
  if (once_ || stopping_ || config_ == nullptr) return;
  check_timer_->after(std::chrono::duration_cast<std::chrono::milliseconds>(config_->propagation.check_interval),
                      [this] {
                        if (stopping_) return;
                        check();
                        scheduleChecks();
                      });
}

void NoticePropagator::deliver() {
  if (!store_ || stopping_ || config_ == nullptr) return;
  auto due = store_->due(kDeliveryBatch);
  if (!due) {
    spdlog::error("propagation: cannot read the outbox: {}", due.error().message);
    return;
  }
  for (auto& stored : due.value()) {
    if (in_flight_.count(stored.id) > 0) continue;
    auto settings = config_->sinks.find(stored.sink);
    auto running = sinks_.find(stored.sink);
    if (settings == config_->sinks.end() || !settings->second.enabled || running == sinks_.end() ||
        running->second->worker().stuck()) {
      const std::string why = settings == config_->sinks.end() ? "is no longer configured"
                              : !settings->second.enabled      ? "is disabled"
                                                               : "is not running";
      recordOutcome(stored.id, stored.sink, stored.attempts, makeError(fmt::format("sink {} {}", stored.sink, why)),
                    false);
      continue;
    }
    const bool dry_run = settings->second.dry_run || stored.state == "dry_run";
    plugin_host::SinkInstance* instance = running->second.get();
    in_flight_.insert(stored.id);
    if (once_) {
      // One-shot: deliver in line, so the run ends with every notice sent or recorded as failed.
      Result<plugin::SinkReceipt> outcome =
          dry_run ? plugin_host::guardCall(
                        fmt::format("sink {} describing notice {}", stored.sink, stored.id),
                        [&]() -> Result<plugin::SinkReceipt> {
                          return plugin::SinkReceipt{instance->object().describe(toNotice(stored)), false};
                        })
                  : plugin_host::deliverNotice(*instance, toNotice(stored), settings->second.timeout);
      recordOutcome(stored.id, stored.sink, stored.attempts, std::move(outcome), dry_run);
      continue;
    }
    instance->worker().submit([this, instance, dry_run, attempts = stored.attempts, notice = toNotice(stored)]() {
      auto outcome = plugin_host::guardCall(
          fmt::format("sink {} {} notice {}", notice.sink, dry_run ? "describing" : "delivering", notice.id),
          [&]() -> Result<plugin::SinkReceipt> {
            if (dry_run) return plugin::SinkReceipt{instance->object().describe(notice), false};
            return instance->object().deliver(notice, instance->cancel());
          });
      scheduler_.post(
          [this, id = notice.id, sink = notice.sink, attempts, dry_run, outcome = std::move(outcome)]() mutable {
            if (store_) recordOutcome(id, sink, attempts, std::move(outcome), dry_run);
          });
    });
  }
  scheduleDelivery();
}

void NoticePropagator::scheduleDelivery() {
  if (once_ || stopping_ || !store_) return;
  auto next = store_->nextAttempt();
  if (!next || !next.value()) return;
  const auto wait = std::max(*next.value() - scheduler_.wallNow(), WallTime::duration::zero());
  // A notice due now is one a sink's worker holds: its outcome schedules the next pass.
  if (wait == WallTime::duration::zero() && !in_flight_.empty()) return;
  delivery_timer_->after(std::chrono::ceil<std::chrono::milliseconds>(wait) + std::chrono::milliseconds(10),
                         [this] { deliver(); });
}

void NoticePropagator::recordOutcome(const std::string& id, const std::string& sink, std::int64_t attempts,
                                     Result<plugin::SinkReceipt> outcome, bool dry_run) {
  in_flight_.erase(id);
  Result<void> recorded;
  if (outcome && dry_run) {
    spdlog::info("sink {} (dry run): notice {} would be sent as: {}", sink, id, outcome->detail);
    recorded = store_->dryRun(id, outcome->detail);
  } else if (outcome) {
    sink_health_.recordSuccess(sink);
    spdlog::info("sink {}: notice {} delivered{} ({})", sink, id,
                 outcome->duplicate ? ", the target had it already" : "", outcome->detail);
    recorded = store_->delivered(id, outcome->detail, outcome->duplicate);
  } else {
    sink_health_.recordFailure(sink, outcome.error().message, scheduler_.wallNow());
    const auto& p = config_->propagation;
    // initial, 2 x initial, 4 x initial ... capped at retry_max, by the failures so far.
    const auto retry = plugin::backoffCeiling(p.retry_initial, p.retry_max, attempts + 1);
    spdlog::warn("sink {}: notice {} not delivered ({} in a row), next try in {} s: {}", sink, id,
                 sink_health_.sinks().at(sink).consecutive_failures, retry.count() / 1000, outcome.error().message);
    recorded = store_->failed(id, outcome.error().message, retry);
  }
  if (!recorded) spdlog::error("propagation: outcome of notice {} not recorded: {}", id, recorded.error().message);
  if (!once_ && !stopping_) scheduleDelivery();
}

void NoticePropagator::stop() {
  stopping_ = true;
  delivery_timer_->cancel();
  check_timer_->cancel();
  for (auto& [name, sink] : sinks_) sink->cancel().cancel();
}

void NoticePropagator::waitForSinks(SteadyTime deadline) {
  for (auto& [name, instance] : sinks_) plugin_host::awaitIdleOrAbandon(instance, deadline, "sink " + name);
  for (auto& instance : retired_sinks_) {
    if (instance) plugin_host::awaitIdleOrAbandon(instance, deadline, "sink " + instance->name());
  }
}

void NoticePropagator::close() {
  sinks_.clear();
  retired_sinks_.clear();
  tracker_.reset();
  store_.reset();
}

std::vector<chain::Finding> NoticePropagator::withEvidence(std::vector<chain::Finding> findings) const {
  if (!store_) return findings;
  if (auto added = propagation::appendNoticeEvidence(*store_, findings); !added) {
    spdlog::error("propagation: notice evidence not added: {}", added.error().message);
  }
  return findings;
}

void NoticePropagator::addEvidence(OpenFindings& open) const {
  if (!store_) return;
  const auto added = propagation::forEachNoticeEvidence(
      *store_, open.size(), [&](std::size_t i) -> const chain::Finding& { return open[i]; },
      [&](std::size_t i, std::vector<chain::EvidenceItem> items) {
        auto& amended = open.amend(i);
        for (auto& item : items) amended.evidence.push_back(std::move(item));
      });
  if (!added) spdlog::error("propagation: notice evidence not added: {}", added.error().message);
}

std::vector<chain::Finding> NoticePropagator::linkFindings() const {
  if (config_ == nullptr) return {};
  return sink_health_.findings(config_->propagation.failures_before_alert, config_->daemon.timezone);
}

nlohmann::json NoticePropagator::json(const propagation::NoticeFilter& filter) const {
  nlohmann::json out = nlohmann::json::array();
  if (!store_ || config_ == nullptr) return out;
  // Stored in UTC; shown in the configured zone with its offset.
  auto shown = [&](const std::string& utc) { return config_->daemon.timezone.rfc3339FromUtc(utc); };
  auto listed = store_->list(filter);
  if (!listed) {
    spdlog::error("propagation: cannot list notices: {}", listed.error().message);
    return out;
  }
  for (const auto& notice : listed.value()) {
    nlohmann::json fields = nlohmann::json::object();
    for (const auto& [key, value] : notice.fields) fields[key] = value;
    nlohmann::json history = nlohmann::json::array();
    if (auto events = store_->history(notice.id)) {
      for (const auto& event : events.value()) {
        history.push_back({{"at", event.at}, {"event", event.event}, {"detail", event.detail}});
      }
    }
    out.push_back({{"id", notice.id},
                   {"sink", notice.sink},
                   {"action", notice.action},
                   {"system", notice.target_system},
                   {"person_id", notice.person_id},
                   {"unit_id", notice.unit_id},
                   {"deadline", notice.deadline},
                   {"state", notice.state},
                   {"written_at", shown(notice.created_at)},
                   {"delivered_at", shown(notice.delivered_at)},
                   {"completed_at", shown(notice.completed_at)},
                   {"attempts", notice.attempts},
                   {"next_attempt_at", shown(notice.next_attempt_at)},
                   {"last_error", notice.last_error},
                   {"answer", notice.receipt},
                   {"fields", fields},
                   {"history", history}});
  }
  return out;
}

std::map<std::string, std::size_t> NoticePropagator::countByState() const {
  if (!store_) return {};
  auto counts = store_->countByState();
  return counts ? std::move(counts.value()) : std::map<std::string, std::size_t>{};
}

void NoticePropagator::metrics(api::PrometheusWriter& out) const {
  for (const auto& [state, count] : countByState()) {
    out.gauge("staffchain_notices", "Propagation notices by state.", {{"state", state}}, static_cast<double>(count));
  }
  for (const auto& [name, state] : sink_health_.sinks()) {
    out.counter("staffchain_sink_deliveries_total", "Notices a sink delivered.", {{"sink", name}},
                static_cast<double>(state.deliveries_total));
    out.counter("staffchain_sink_failures_total", "Notice deliveries that failed.", {{"sink", name}},
                static_cast<double>(state.failures_total));
    out.gauge("staffchain_sink_consecutive_failures", "Notice deliveries that failed in a row.", {{"sink", name}},
              static_cast<double>(state.consecutive_failures));
  }
}

}  // namespace staffchain::daemon
