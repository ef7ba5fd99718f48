// AlertManager: findings in, grouped and routed notifications out through a durable outbox,
// with silences, inhibition, acknowledgement and escalation; state kept in the ledger file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "staffchain/alerts/alert.hpp"
#include "staffchain/alerts/alert_settings.hpp"
#include "staffchain/chain/finding.hpp"
#include "staffchain/plugin/result.hpp"
#include "staffchain/store/database.hpp"

namespace staffchain::alerts {

// The region code of a unit, or empty when the unit is unknown.
using RegionLookup = std::function<std::string(const std::string& unit_id)>;

// One object per daemon, used from one thread. Every call that changes state commits it to
// SQLite before it returns; a failed call leaves both the file and the object as they were.
class AlertManager {
 public:
  // Opens (creating if needed) the alert tables in the ledger file: tables prefixed `alert_`,
  // versioned in `alert_schema`, on a connection of its own (WAL, busy timeout).
  static Result<std::unique_ptr<AlertManager>> open(const store::Location& ledger_db, AlertSettings settings);
  ~AlertManager();
  AlertManager(const AlertManager&) = delete;
  AlertManager& operator=(const AlertManager&) = delete;

  // On reload: routes, receivers and delivery policy. Alerts are re-routed at the next observe.
  void reconfigure(AlertSettings settings);

  // One evaluation: `open` is every finding open now (engine, LINK-001/002, LINK-003 from
  // linkFindings); alerts missing from it resolve. `connectors_down` are the connectors with
  // an open LINK-001 or LINK-002: findings resting on their data are held back.
  Result<void> observe(const std::vector<chain::Finding>& open, const RegionLookup& region_of,
                       const std::set<std::string>& connectors_down, TimePoint now);
  // The same for findings read in place (the engine's, and the few the daemon adds).
  Result<void> observeInPlace(const std::vector<const chain::Finding*>& open, const RegionLookup& region_of,
                              const std::set<std::string>& connectors_down, TimePoint now);
  // An observation told only what changed since the last one: `changed` holds every open
  // finding that may read differently (new, changed, or read differently by region or held
  // connectors), `gone` the fingerprint of every finding open then and not now; every other
  // alert stays as it is. Refused while observesWholeNext(): the caller observes whole then.
  Result<void> observeChanges(const std::vector<const chain::Finding*>& changed, const std::vector<std::string>& gone,
                              const RegionLookup& region_of, const std::set<std::string>& connectors_down,
                              TimePoint now);
  // After opening, a reconfigure, or a call that failed (the state read back from the file):
  // the next observation must be given every open finding.
  [[nodiscard]] bool observesWholeNext() const noexcept;

  // Ends silences that expired, escalates what waited too long, and writes every digest that
  // is due (group_wait, group_interval, repeat_interval) into the outbox. `windows_ahead` closes
  // grouping windows that early (a one-shot run does not wait for them); the digests still say
  // `now`, the time they are written.
  Result<void> flush(TimePoint now, std::chrono::milliseconds windows_ahead = std::chrono::milliseconds(0));
  // When flush next has something to do (a group or escalation falling due, a silence
  // expiring), for the daemon's timer; empty when nothing waits on time.
  [[nodiscard]] std::optional<TimePoint> nextFlush() const;

  // A message of the daemon's own, about no alert (the quarterly report): written to the outbox
  // and delivered like a digest, with its retries and the receiver's rate limit. False when a
  // message with that idempotency key was ever written (sent or not): a key goes out once.
  Result<bool> enqueue(const plugin::Notification& message, TimePoint now);

  // Messages to send now, oldest first per receiver, within each receiver's rate limit and
  // outside its backoff; each is leased until delivered() or failed() is called for it.
  Result<std::vector<OutboxMessage>> dueMessages(TimePoint now, std::size_t limit);
  Result<void> delivered(std::int64_t message_id, const std::string& receipt, TimePoint now);
  // Keeps the message pending and backs its receiver off (exponential, jittered).
  Result<void> failed(std::int64_t message_id, const std::string& error, TimePoint now);
  // When the outbox next has a message to hand out, for the daemon's timer.
  [[nodiscard]] Result<std::optional<TimePoint>> nextDelivery(TimePoint now) const;

  // LINK-003 for each receiver that keeps failing (DeliveryPolicy); pass them to observe.
  [[nodiscard]] std::vector<chain::Finding> linkFindings(TimePoint now) const;

  // Appends to the alert's history (who, through which API token, when, why) and marks it
  // acknowledged; an acknowledged alert may be acknowledged again, with a further comment.
  Result<Alert> acknowledge(const std::string& alert_id, const Acknowledgement& acknowledgement, TimePoint now);

  // Both check the request (checkSilenceRequest with settings' max_silence, and that each
  // alert id names an alert); the preview says what the silence would hold and creates nothing.
  [[nodiscard]] Result<SilencePreview> previewSilence(const SilenceRequest& request, TimePoint now) const;
  Result<Silence> createSilence(const SilenceRequest& request, TimePoint now);
  Result<void> expireSilence(const std::string& silence_id, const std::string& who, TimePoint now);

  [[nodiscard]] std::vector<Alert> alerts(const AlertFilter& filter) const;
  // The same without copying them (a province's alerts carry their evidence): pointers into the
  // manager, valid until its next change.
  [[nodiscard]] std::vector<const Alert*> alertsInPlace(const AlertFilter& filter) const;
  [[nodiscard]] std::optional<Alert> alert(const std::string& alert_id) const;
  // The same without a copy: valid until the manager's next change; nullptr when there is none.
  [[nodiscard]] const Alert* alertInPlace(const std::string& alert_id) const;
  [[nodiscard]] std::vector<Silence> silences(bool include_ended) const;
  [[nodiscard]] Result<AlertCounts> counts() const;
  // The outbox as stored, for status pages and tests; delivered ones included when asked.
  [[nodiscard]] Result<std::vector<OutboxMessage>> outbox(bool include_delivered) const;
  // The times alerts were open in [from, to), each reopening a span of its own: what a report of
  // a past quarter or a leader's tenure counts.
  [[nodiscard]] Result<std::vector<AlertSpan>> spans(TimePoint from, TimePoint to) const;
  // Alerts opened and resolved since `from`, counted per minute (a trend's weeks).
  [[nodiscard]] Result<std::vector<SpanMinute>> spanMinutes(TimePoint from) const;

 private:
  class State;
  explicit AlertManager(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace staffchain::alerts
