// Raw records: what a source plugin hands the host before any validation or typing.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace staffchain::plugin {

// One canonical file of the exchange format each (units.csv, quotas.csv, ...).
enum class RecordType : std::uint8_t {
  unit,
  quota,
  leader_quota,
  approval,
  roster,
  movement,
  payroll,
  death,
  reduction,
};
inline constexpr std::size_t kRecordTypeCount = 9;

// The canonical file stem of a record type: "units", "quotas", "leader_quotas", ...
constexpr std::string_view recordTypeFile(RecordType type) noexcept {
  switch (type) {
    case RecordType::unit:
      return "units";
    case RecordType::quota:
      return "quotas";
    case RecordType::leader_quota:
      return "leader_quotas";
    case RecordType::approval:
      return "approvals";
    case RecordType::roster:
      return "roster";
    case RecordType::movement:
      return "movements";
    case RecordType::payroll:
      return "payroll";
    case RecordType::death:
      return "deaths";
    case RecordType::reduction:
      return "reductions";
  }
  return "unknown";
}

// Every canonical file stem, for messages that say which names are accepted.
inline constexpr std::string_view kCanonicalFileList =
    "units, quotas, leader_quotas, approvals, roster, movements, payroll, deaths, reductions";

namespace detail {
constexpr bool listsEveryFile(std::string_view list) noexcept {
  std::size_t at = 0;
  for (std::size_t i = 0; i < kRecordTypeCount; ++i) {
    const auto stem = recordTypeFile(static_cast<RecordType>(i));
    if (list.substr(at, stem.size()) != stem) return false;
    at += stem.size();
    if (at == list.size()) return i + 1 == kRecordTypeCount;
    if (list.substr(at, 2) != ", ") return false;
    at += 2;
  }
  return false;
}
static_assert(listsEveryFile(kCanonicalFileList), "kCanonicalFileList names every record type in enum order");
}  // namespace detail

constexpr std::optional<RecordType> recordTypeFromFile(std::string_view stem) noexcept {
  for (std::size_t i = 0; i < kRecordTypeCount; ++i) {
    const auto type = static_cast<RecordType>(i);
    if (recordTypeFile(type) == stem) return type;
  }
  return std::nullopt;
}

// A record as a source system gave it, already renamed onto canonical column names
// (DOMAIN.md §5). Values are untrimmed text; the host validates and types them.
struct RawRecord {
  RecordType type = RecordType::unit;
  // Where it came from, for quarantine and evidence: "roster.csv:17" or the system's record id.
  std::string origin;
  std::vector<std::pair<std::string, std::string>> fields;

  [[nodiscard]] const std::string* field(std::string_view name) const noexcept {
    for (const auto& [key, value] : fields) {
      if (key == name) return &value;
    }
    return nullptr;
  }
};

// A record the plugin itself could not read (a malformed row, a page that was not JSON).
// It goes to quarantine with DATA-001; the rest of the batch goes on.
struct RejectedRecord {
  RecordType type = RecordType::unit;
  std::string origin;
  std::string field;  // empty when the whole record is unreadable
  std::string reason;
  std::string value;  // an excerpt of what was there (plugin::excerpt), when it helps
};

// Where a batch stands in a full snapshot a source sends in several batches (a roster of a
// million rows read a part at a time): records absent from the snapshot are removed only when
// its last part lands, and only if every part did.
enum class SnapshotPart : std::uint8_t { whole, first, middle, last };

// What one pull returns. The cursor is committed together with the records it covers.
struct SourceBatch {
  std::vector<RawRecord> records;
  std::vector<RejectedRecord> rejected;
  // Record types this batch carries in full: records of that type held from this source
  // before and absent now are gone (a roster export is a snapshot, not a delta).
  std::vector<RecordType> full_snapshot_of;
  SnapshotPart snapshot_part = SnapshotPart::whole;
  // With the first (or whole) part: how many rows the whole snapshot holds, readable or not, so
  // that a snapshot far smaller than what is stored is held before any part of it is applied.
  std::optional<std::uint64_t> snapshot_rows;
  std::string snapshot_name;     // what messages call the snapshot: its file name, its query
  bool accept_removals = false;  // an operator accepted this snapshot's removals: no guard
  std::string cursor;            // opaque to the host; empty means "no position yet"
  bool more = false;             // the source has more right now: pull again without waiting
  // Records the source still holds beyond this batch for the current read-through (a total
  // count from X-Total-Count or SCIM totalResults minus what was read), when the plugin knows
  // it cheaply; the host turns it into records/s and time left for a long resync.
  std::optional<std::uint64_t> remaining;
  // Nothing more is ready now, but something will be soon (a file still settling): the host
  // pulls again after this long instead of waiting for the connector's interval.
  std::optional<std::chrono::milliseconds> pull_again_after;
};

}  // namespace staffchain::plugin
