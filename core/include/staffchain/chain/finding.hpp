// A finding: one broken link of the staffing chain, with the records that prove it.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "staffchain/model/calendar.hpp"
#include "staffchain/model/records.hpp"

namespace staffchain::chain {

enum class Severity : std::uint8_t { critical, major, minor };

std::string_view toString(Severity severity) noexcept;
// "critical", "major" or "minor"; nothing for any other text.
std::optional<Severity> parseSeverity(std::string_view text) noexcept;

// One record that proves a finding. Ids in `fields` are full (not masked): evidence goes
// only to the departments that must act on it.
struct EvidenceItem {
  std::string source;       // connector name, "engine" for facts the engine derived
  std::string record_type;  // canonical file stem ("movements", "roster"), or "finding", "quarantine"
  std::string record_id;    // model::recordKey of the record, or the fingerprint of a finding
  std::vector<std::pair<std::string, std::string>> fields;

  friend bool operator==(const EvidenceItem&, const EvidenceItem&) = default;
};

struct Finding {
  std::string rule;  // "CHAIN-001" ... "CHAIN-018", "DATA-001"
  Severity severity = Severity::major;
  model::UnitId unit_id;      // empty only for DATA-001 rows without a readable unit
  model::PersonId person_id;  // empty for unit-level rules (CHAIN-007, CHAIN-012, CHAIN-016) and DATA-001 rows without
                              // a readable person
  model::Date since;          // when the violation began (see rules.md per rule)
  std::string summary_zh;     // one line; citizen ids masked
  std::string summary_en;
  std::vector<EvidenceItem> evidence;
  // Identifies the violation, not the evaluation: the same broken link has the same
  // fingerprint across runs, as-of dates and load orders (16 hex digits).
  std::string fingerprint;

  friend bool operator==(const Finding&, const Finding&) = default;
};

// 64-bit FNV-1a over the rule and the subject parts, as 16 lower-case hex digits. Stable
// across builds and platforms, unlike std::hash.
std::string makeFingerprint(std::string_view rule, std::initializer_list<std::string_view> subject);

// The order findings are reported in: rule, unit, person, since, fingerprint.
bool findingLess(const Finding& a, const Finding& b) noexcept;

// LINK-003: a receiver of what the daemon sends (a notification channel, a notice sink) failed
// `failures` deliveries in a row. `what_zh`/`what_en` name the kind of receiver ("通知渠道",
// "notification channel"); `failing_since` is shown as given.
struct DeliveryFailure {
  std::string name;
  std::string what_zh;
  std::string what_en;
  std::uint64_t failures = 0;
  model::Date since;
  std::string failing_since;
  std::string last_error;
  std::string fingerprint;
};
Finding deliveryFailureFinding(const DeliveryFailure& failure);

}  // namespace staffchain::chain
