// Propagation in the daemon: the planner handed to ingest (notices written with their
// movement), the sinks on their own workers, delivery from the outbox with backoff, dry runs,
// tracking after each commit, overdue checks on a timer, and notice evidence on findings.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "daemon_runtime.hpp"
#include "staffchain/model/enums.hpp"
#include "staffchain/model/identifiers.hpp"
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

bool Daemon::openNotices(const std::filesystem::path& ledger_path) {
  auto opened = propagation::NoticeStore::open(ledger_path);
  if (!opened) {
    spdlog::critical("cannot open the notice outbox: {}", opened.error().message);
    return false;
  }
  notices_ = std::move(opened.value());
  tracker_ = std::make_unique<propagation::NoticeTracker>(*notices_);
  return true;
}

void Daemon::startSink(const config::SinkSettings& settings) {
  if (!settings.enabled) {
    spdlog::info("sink {} is disabled in the configuration", settings.name);
    return;
  }
  auto created = plugin_host::createSink(*catalog_, settings, spdlog::default_logger(),
                                         config_->daemon.state_dir / "plugins", config_->daemon.plugin_call_timeout);
  if (!created) {
    // Its notices wait in the outbox and count as failures, so LINK-003 says so.
    spdlog::error("{}", created.error().message);
    sink_health_.recordFailure(settings.name, created.error().message, Clock::now());
    return;
  }
  sink_health_.recordSuccess(settings.name);
  spdlog::info("sink {} ({} for {}){} started", settings.name, settings.plugin, model::toString(settings.role),
               settings.dry_run ? " in dry-run mode" : "");
  sinks_[settings.name] = std::move(created.value());
}

void Daemon::reloadSinks(const config::Config& previous) {
  std::vector<std::string> changed;
  for (const auto& [name, instance] : sinks_) {
    auto it = config_->sinks.find(name);
    const auto before = previous.sinks.find(name);
    if (it == config_->sinks.end() || before == previous.sinks.end() ||
        it->second.fingerprint != before->second.fingerprint) {
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
  for (const auto& [name, settings] : config_->sinks) {
    if (sinks_.count(name) == 0) startSink(settings);
  }
  for (auto it = sink_health_.sinks().begin(); it != sink_health_.sinks().end();) {
    const std::string name = (it++)->first;
    if (config_->sinks.count(name) == 0) sink_health_.forget(name);
  }
  deliverNotices();
}

ingest::NoticePlanner Daemon::noticePlanner() const {
  std::vector<propagation::SinkTarget> targets;
  for (const auto& [name, sink] : config_->sinks) {
    if (sink.enabled) targets.push_back({name, sink.role, sink.dry_run});
  }
  auto planner = std::make_shared<propagation::NoticePlanner>(config_->propagation, std::move(targets));
  if (planner->empty()) return {};
  // Called in line by ingest on this thread, while the store (opened at start) is alive.
  propagation::NoticeStore* store = notices_.get();
  // Deadlines count from today in the configured zone.
  return
      [planner, store, zone = config_->daemon.timezone](const std::string&, const std::vector<model::Record>& records) {
        auto planned = planner->plan(records, zone.dateAt(Clock::now()), model::formatUtcTime(Clock::now()));
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

void Daemon::trackNotices(const ingest::IngestResult& result) {
  if (!tracker_) return;
  if (result.stats.inserted + result.stats.updated > 0) {
    auto completed = tracker_->observe(result.records);
    if (!completed) {
      spdlog::error("propagation: cannot track notices: {}", completed.error().message);
    } else if (completed.value() > 0) {
      spdlog::info("propagation: {} notices completed by what the targets reported", completed.value());
    }
  }
  if (result.stats.notices_written > 0) {
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
      auto held = engine_->recordsOf(person);
      earlier.insert(earlier.end(), std::make_move_iterator(held.begin()), std::make_move_iterator(held.end()));
    }
    if (auto completed = tracker_->observe(earlier); !completed) {
      spdlog::error("propagation: cannot track notices: {}", completed.error().message);
    } else if (completed.value() > 0) {
      spdlog::info("propagation: {} new notices already answered by the targets", completed.value());
    }
    deliverNotices();
  }
}

void Daemon::trackAllNotices(const model::Dataset& dataset) {
  if (!tracker_) return;
  auto completed = tracker_->observeAll(dataset);
  if (!completed) {
    spdlog::error("propagation: cannot track notices: {}", completed.error().message);
  } else if (completed.value() > 0) {
    spdlog::info("propagation: {} notices completed by what the targets reported", completed.value());
  }
}

void Daemon::checkNotices() {
  if (!notices_) return;
  if (auto overdue = tracker_->markOverdue(today()); !overdue) {
    spdlog::error("propagation: cannot mark overdue notices: {}", overdue.error().message);
  } else if (overdue.value() > 0) {
    spdlog::warn("propagation: {} notices passed their deadline without the expected record", overdue.value());
  }
  deliverNotices();
}

void Daemon::scheduleNoticeChecks() {
  notice_check_timer_.expires_after(config_->propagation.check_interval);
  notice_check_timer_.async_wait([this](const boost::system::error_code& error) {
    if (error || stopping_) return;
    checkNotices();
    scheduleNoticeChecks();
  });
}

void Daemon::deliverNotices() {
  if (!notices_ || stopping_) return;
  auto due = notices_->due(kDeliveryBatch);
  if (!due) {
    spdlog::error("propagation: cannot read the outbox: {}", due.error().message);
    return;
  }
  for (auto& stored : due.value()) {
    if (notices_in_flight_.count(stored.id) > 0) continue;
    auto settings = config_->sinks.find(stored.sink);
    auto running = sinks_.find(stored.sink);
    if (settings == config_->sinks.end() || !settings->second.enabled || running == sinks_.end() ||
        running->second->worker().stuck()) {
      const std::string why = settings == config_->sinks.end() ? "is no longer configured"
                              : !settings->second.enabled      ? "is disabled"
                                                               : "is not running";
      recordNoticeOutcome(stored.id, stored.sink, stored.attempts,
                          makeError(fmt::format("sink {} {}", stored.sink, why)), false);
      continue;
    }
    const bool dry_run = settings->second.dry_run || stored.state == "dry_run";
    plugin_host::SinkInstance* instance = running->second.get();
    notices_in_flight_.insert(stored.id);
    if (options_.once) {
      // One-shot: deliver in line, so the run ends with every notice sent or recorded as failed.
      Result<plugin::SinkReceipt> outcome =
          dry_run ? plugin_host::guardCall(
                        fmt::format("sink {} describing notice {}", stored.sink, stored.id),
                        [&]() -> Result<plugin::SinkReceipt> {
                          return plugin::SinkReceipt{instance->object().describe(toNotice(stored)), false};
                        })
                  : plugin_host::deliverNotice(*instance, toNotice(stored), settings->second.timeout);
      recordNoticeOutcome(stored.id, stored.sink, stored.attempts, std::move(outcome), dry_run);
      continue;
    }
    instance->worker().submit([this, instance, dry_run, attempts = stored.attempts, notice = toNotice(stored)]() {
      auto outcome = plugin_host::guardCall(
          fmt::format("sink {} {} notice {}", notice.sink, dry_run ? "describing" : "delivering", notice.id),
          [&]() -> Result<plugin::SinkReceipt> {
            if (dry_run) return plugin::SinkReceipt{instance->object().describe(notice), false};
            return instance->object().deliver(notice, instance->cancel());
          });
      asio::post(io_,
                 [this, id = notice.id, sink = notice.sink, attempts, dry_run, outcome = std::move(outcome)]() mutable {
                   if (notices_) recordNoticeOutcome(id, sink, attempts, std::move(outcome), dry_run);
                 });
    });
  }
  scheduleNoticeDelivery();
}

void Daemon::scheduleNoticeDelivery() {
  if (options_.once || stopping_ || !notices_) return;
  auto next = notices_->nextAttempt();
  if (!next || !next.value()) return;
  const auto wait = std::max(*next.value() - Clock::now(), Clock::duration::zero());
  // A notice due now is one a sink's worker holds: its outcome schedules the next pass.
  if (wait == Clock::duration::zero() && !notices_in_flight_.empty()) return;
  notice_timer_.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(wait) +
                              std::chrono::milliseconds(10));
  notice_timer_.async_wait([this](const boost::system::error_code& error) {
    if (!error) deliverNotices();
  });
}

void Daemon::recordNoticeOutcome(const std::string& id, const std::string& sink, std::int64_t attempts,
                                 Result<plugin::SinkReceipt> outcome, bool dry_run) {
  notices_in_flight_.erase(id);
  Result<void> recorded;
  if (outcome && dry_run) {
    spdlog::info("sink {} (dry run): notice {} would be sent as: {}", sink, id, outcome->detail);
    recorded = notices_->dryRun(id, outcome->detail);
  } else if (outcome) {
    sink_health_.recordSuccess(sink);
    spdlog::info("sink {}: notice {} delivered{} ({})", sink, id,
                 outcome->duplicate ? ", the target had it already" : "", outcome->detail);
    recorded = notices_->delivered(id, outcome->detail, outcome->duplicate);
  } else {
    sink_health_.recordFailure(sink, outcome.error().message, Clock::now());
    const auto& p = config_->propagation;
    const auto retry = propagation::retryDelay(attempts + 1, p.retry_initial, p.retry_max);
    spdlog::warn("sink {}: notice {} not delivered ({} in a row), next try in {} s: {}", sink, id,
                 sink_health_.sinks().at(sink).consecutive_failures, retry.count() / 1000, outcome.error().message);
    recorded = notices_->failed(id, outcome.error().message, retry);
  }
  if (!recorded) spdlog::error("propagation: outcome of notice {} not recorded: {}", id, recorded.error().message);
  if (!options_.once && !stopping_) scheduleNoticeDelivery();
}

std::vector<chain::Finding> Daemon::withNoticeEvidence(std::vector<chain::Finding> findings) const {
  if (!notices_) return findings;
  if (auto added = propagation::appendNoticeEvidence(*notices_, findings); !added) {
    spdlog::error("propagation: notice evidence not added: {}", added.error().message);
  }
  return findings;
}

nlohmann::json Daemon::noticesJson(const propagation::NoticeFilter& filter) const {
  // Stored in UTC; shown in the configured zone with its offset.
  auto shown = [&](const std::string& utc) { return config_->daemon.timezone.rfc3339FromUtc(utc); };
  nlohmann::json out = nlohmann::json::array();
  if (!notices_) return out;
  auto listed = notices_->list(filter);
  if (!listed) {
    spdlog::error("propagation: cannot list notices: {}", listed.error().message);
    return out;
  }
  for (const auto& notice : listed.value()) {
    nlohmann::json fields = nlohmann::json::object();
    for (const auto& [key, value] : notice.fields) fields[key] = value;
    nlohmann::json history = nlohmann::json::array();
    if (auto events = notices_->history(notice.id)) {
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

void Daemon::noticeMetrics(api::PrometheusWriter& out) const {
  if (notices_) {
    if (auto counts = notices_->countByState()) {
      for (const auto& [state, count] : counts.value()) {
        out.gauge("staffchain_notices", "Propagation notices by state.", {{"state", state}},
                  static_cast<double>(count));
      }
    }
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
