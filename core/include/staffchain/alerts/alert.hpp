// Alert, Silence and outbox records: the alert manager's durable view of the findings.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "staffchain/chain/finding.hpp"
#include "staffchain/plugin/notifier.hpp"

namespace staffchain::alerts {

// Time is always passed in; the manager never reads a clock. Stored with millisecond precision.
using TimePoint = std::chrono::system_clock::time_point;

// Silenced and inhibited are not states but overlays: a silenced alert keeps its state, and
// resumes where it was when the silence ends.
enum class AlertState : std::uint8_t { firing, acknowledged, resolved };

std::string_view toString(AlertState state) noexcept;
std::optional<AlertState> parseAlertState(std::string_view text) noexcept;

// One acknowledgement: someone took the alert on. Each one is kept, oldest first.
struct Acknowledgement {
  std::string by;      // the person who took it on
  std::string caller;  // the API token's name it came through; empty when not through the API
  TimePoint at{};
  std::string comment;
};

// One alert per finding fingerprint, for the life of the ledger: a finding that resolves and
// comes back reopens the same alert.
struct Alert {
  std::string id;  // the finding's fingerprint
  std::string rule;
  chain::Severity severity = chain::Severity::major;
  std::string unit_id;
  std::string person_id;             // full; masked whenever it is rendered
  std::string region;                // of the unit, when known
  std::vector<std::string> sources;  // connectors whose records the finding rests on
  std::vector<std::string> roles;    // their roles (estab, org, hr, finance)
  model::Date since;
  std::string summary_zh;
  std::string summary_en;
  std::vector<chain::EvidenceItem> evidence;  // the finding's, as last observed (ids in full)

  AlertState state = AlertState::firing;
  TimePoint first_seen{};
  TimePoint last_seen{};
  std::optional<TimePoint> resolved_at;
  // The latest acknowledgement of the current firing (cleared when the alert reopens)...
  std::string acknowledged_by;
  std::string acknowledge_comment;
  std::optional<TimePoint> acknowledged_at;
  // ...and every acknowledgement ever made, kept across reopenings: the alert's history.
  std::vector<Acknowledgement> acknowledgements;
  std::optional<TimePoint> escalated_at;
  std::string silenced_by;                // id of the active silence that holds it, or empty
  std::vector<std::string> inhibited_by;  // down or stale connectors it depends on
  // Set when a silence ended by expiry while the alert still fired; receivers are told once.
  std::string silence_expiry_note;

  [[nodiscard]] bool open() const noexcept { return state != AlertState::resolved; }
  [[nodiscard]] bool suppressed() const noexcept { return !silenced_by.empty() || !inhibited_by.empty(); }
};

// One time an alert was open: from its first sighting (or its reopening) to its resolution.
// What a report of a past period counts (opened, resolved, open at the end; a leader's tenure).
struct AlertSpan {
  std::string alert_id;
  std::string rule;
  chain::Severity severity = chain::Severity::major;
  std::string unit_id;
  std::string region;
  model::Date since;  // the violation's own start, as the finding gave it while open
  TimePoint opened_at{};
  std::optional<TimePoint> resolved_at;  // nullopt: still open
};

// How many alerts opened (or reopened) and resolved within one minute: what a trend counts, read
// without loading every span.
struct SpanMinute {
  TimePoint minute{};  // its start, UTC
  std::size_t opened = 0;
  std::size_t resolved = 0;
};

// Every listed criterion must hold; within a list any entry may match. Rules take a trailing
// '*' as a prefix; a region ending in "00" covers its subregions.
struct SilenceMatch {
  std::vector<std::string> alert_ids;
  std::vector<std::string> rules;
  std::vector<std::string> units;
  std::vector<std::string> regions;
  std::vector<std::string> severities;

  [[nodiscard]] bool empty() const noexcept {
    return alert_ids.empty() && rules.empty() && units.empty() && regions.empty() && severities.empty();
  }
};

struct Silence {
  std::string id;  // "S000001"
  SilenceMatch match;
  std::string reason;
  std::string author;      // the person who set it
  std::string created_by;  // the API token's name it came through; empty when not through the API
  TimePoint created_at{};
  TimePoint expires_at{};
  std::optional<TimePoint> ended_at;
  std::string end_reason;  // "expired", "resolved" (every alert it held resolved), "ended by <who>"
  bool held_any = false;   // it has held at least one alert

  [[nodiscard]] bool active() const noexcept { return !ended_at.has_value(); }
};

bool silenceMatches(const SilenceMatch& match, const Alert& alert);

// What an operator asks for; AlertManager::createSilence checks it (silence_check.hpp) first.
struct SilenceRequest {
  SilenceMatch match;
  std::string reason;
  std::string author;                     // required: the person
  std::string created_by;                 // the API caller, recorded beside the author
  std::chrono::milliseconds duration{0};  // from now; at most AlertSettings::max_silence
};

// What a silence would do, without creating it (a dry run).
struct SilencePreview {
  TimePoint expires_at{};
  std::size_t open_alerts = 0;         // open alerts it would hold now
  std::vector<std::string> alert_ids;  // the first of them, most severe first
};

struct AlertFilter {
  std::optional<AlertState> state;
  std::optional<chain::Severity> severity;
  std::string unit_id;
  std::string region;  // "00" suffix covers subregions, as in routes
  std::string rule;    // trailing '*' for a prefix
  bool include_resolved = true;
};

// One rendered notification part waiting in (or taken from) the durable outbox.
struct OutboxMessage {
  std::int64_t id = 0;
  std::string group_key;
  plugin::Notification notification;
  TimePoint created_at{};
  std::int64_t attempts = 0;
  std::string last_error;
};

// A receiver's delivery record, for LINK-003 and the metrics.
struct ReceiverHealth {
  std::string receiver;
  std::int64_t consecutive_failures = 0;
  std::int64_t failures_total = 0;
  std::int64_t delivered_total = 0;
  std::optional<TimePoint> failing_since;
  std::optional<TimePoint> last_success;
  std::optional<TimePoint> next_attempt_at;  // backoff: nothing is handed out before it
  std::string last_error;
};

struct AlertCounts {
  std::map<std::string, std::size_t> by_state;  // firing, acknowledged, resolved
  std::size_t silenced = 0;
  std::size_t inhibited = 0;
  std::map<std::string, std::size_t> outbox_pending;  // per receiver
  std::map<std::string, ReceiverHealth> receivers;
};

}  // namespace staffchain::alerts
