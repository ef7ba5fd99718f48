// The notice propagator, one of the daemon's parts: the planner handed to ingest (notices are
// written with the batch that causes them), the sinks on their own workers, delivery from the
// outbox with backoff, dry runs, tracking after each commit, overdue checks on a timer, and the
// notices' history as evidence on findings. It owns its timers, sinks and outbox; the daemon
// only wires it.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "open_findings.hpp"
#include "staffchain/api/prometheus_writer.hpp"
#include "staffchain/chain/chain_engine.hpp"
#include "staffchain/config/config.hpp"
#include "staffchain/daemon/scheduler.hpp"
#include "staffchain/ingest/ingestor.hpp"
#include "staffchain/plugin_host/plugin_instance.hpp"
#include "staffchain/propagation/notice_store.hpp"
#include "staffchain/propagation/notice_tracker.hpp"
#include "staffchain/propagation/sink_health.hpp"
#include "staffchain/store/database.hpp"

namespace staffchain::daemon {

class NoticePropagator {
 public:
  using SinkFactory =
      std::function<Result<std::unique_ptr<plugin_host::SinkInstance>>(const config::SinkSettings& settings)>;

  // `once`: deliver in line and arm no timer (a one-cycle run ends with every notice sent or
  // recorded as failed).
  NoticePropagator(Scheduler& scheduler, SinkFactory make_sink, bool once);
  ~NoticePropagator();
  NoticePropagator(const NoticePropagator&) = delete;
  NoticePropagator& operator=(const NoticePropagator&) = delete;
  NoticePropagator(NoticePropagator&&) = delete;
  NoticePropagator& operator=(NoticePropagator&&) = delete;

  // Opens the outbox in the ledger's file (the ledger created it). False, logged, when it cannot.
  bool open(const store::Location& ledger_path);
  // The configuration in force; it must outlive its use here (the daemon keeps old ones).
  // The first call starts the sinks; later ones restart those whose tables changed, start new
  // ones, retire removed ones, and deliver what waits.
  void configure(const config::Config& config);

  // Handed to ingest: the notices a batch's records call for, written in the batch's transaction.
  [[nodiscard]] ingest::PlanNotices planner() const;
  // After a commit: notices the new records answer are completed; new notices already answered
  // by what `engine` holds of their people are completed before they are ever sent.
  void afterCommit(const ingest::IngestResult& result, const chain::ChainEngine& engine);
  // After the ledger was loaded whole (start, a snapshot that removed records, new rules).
  void afterLoad(const model::Dataset& dataset);

  // Marks overdue notices and delivers what is due now; then every [propagation] check_interval.
  void start();
  // Marks overdue notices (as of today in the configured zone) and delivers what is due.
  void check();
  // No timer fires and no delivery starts after this; the sinks' calls are asked to stop.
  void stop();
  // Waits until the sinks' workers are idle or `deadline` passes; a sink still inside a call
  // then is abandoned (its thread left running), as the daemon does with every plugin.
  void waitForSinks(SteadyTime deadline);
  // Sinks, tracker and outbox released (after the last outcomes were recorded).
  void close();

  // Findings with the history of the notices they are about (CHAIN-003/005/006/017).
  [[nodiscard]] std::vector<chain::Finding> withEvidence(std::vector<chain::Finding> findings) const;
  // The same for an evaluation's findings: only those given notice evidence are copied.
  void addEvidence(OpenFindings& open) const;
  // LINK-003: sinks that failed [propagation] failures_before_alert times in a row.
  [[nodiscard]] std::vector<chain::Finding> linkFindings() const;
  [[nodiscard]] nlohmann::json json(const propagation::NoticeFilter& filter) const;
  void metrics(api::PrometheusWriter& out) const;
  // Notices per state (pending, delivered, completed, overdue, dry_run); empty when the outbox is not open.
  [[nodiscard]] std::map<std::string, std::size_t> countByState() const;

 private:
  void startSink(const config::SinkSettings& settings);
  void deliver();
  void scheduleDelivery();
  void recordOutcome(const std::string& id, const std::string& sink, std::int64_t attempts,
                     Result<plugin::SinkReceipt> outcome, bool dry_run);
  void scheduleChecks();

  Scheduler& scheduler_;
  SinkFactory make_sink_;
  bool once_;
  const config::Config* config_ = nullptr;
  bool stopping_ = false;
  std::unique_ptr<propagation::NoticeStore> store_;
  std::unique_ptr<propagation::NoticeTracker> tracker_;
  std::map<std::string, std::unique_ptr<plugin_host::SinkInstance>> sinks_;
  std::vector<std::unique_ptr<plugin_host::SinkInstance>> retired_sinks_;  // until their calls return
  propagation::SinkHealth sink_health_;
  std::set<std::string> in_flight_;  // handed to a sink's worker, outcome not back yet
  std::unique_ptr<Timer> delivery_timer_;
  std::unique_ptr<Timer> check_timer_;
};

}  // namespace staffchain::daemon
