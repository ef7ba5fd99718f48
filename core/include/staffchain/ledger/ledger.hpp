// The ledger: the durable, idempotent store of every connector's current records, its cursor,
// its quarantine and the history of movements. An interface, so that backends can be swapped.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "staffchain/model/records.hpp"
#include "staffchain/plugin/result.hpp"

namespace staffchain::ledger {

// A notice to another department's system that a movement of the batch causes (DOMAIN.md §2),
// written in the batch's own transaction so that a crash never keeps a movement without its
// notices. A notice whose id is already stored is left as it is: ids are idempotency keys.
// The ledger owns the notice tables; everything after the write goes through NoticeOutbox
// (ledger/notice_outbox.hpp).
struct OutboxNotice {
  std::string id;
  std::string sink;           // the sink instance it goes through
  std::string action;         // roster_add, pay_start, roster_remove, pay_stop, leader_posts
  std::string target_system;  // estab, org, hr, finance
  std::string person_id;
  std::string unit_id;
  std::string deadline;     // YYYY-MM-DD
  std::string fields_json;  // the canonical notice columns: a JSON array of [column, value]
  bool dry_run = false;     // its sink only logs: stored in state dry_run, never sent
};

using plugin::SnapshotPart;

// Times in what the ledger returns are UTC text to the second, "2024-05-01T08:00:00Z"
// (model::formatUtcTime), as the API and the findings show them; the file keeps every instant
// to the millisecond (sqlite/stored_time.hpp).

// A row of a full snapshot whose key could not be read whole (quarantined): the key's parts that
// could be read, empty where one could not (no part of a valid key is empty). The held records
// it could be — every one when no part was read — are kept instead of removed.
struct UnreadableKey {
  model::RecordType type = model::RecordType::unit;
  std::vector<std::string> parts;
};

// Mass-removal protection: a full snapshot that would remove more than `max_ratio` of the
// records of a type the connector holds, and more than `max_rows` of them, is held unapplied.
// (Identity systems call this an accidental-deletions threshold.)
struct RemovalGuard {
  double max_ratio = 0.2;
  std::size_t max_rows = 50;
};

// A snapshot the guard held: what applying it would have done, for the operator who decides.
struct HeldSnapshot {
  std::int64_t id = 0;
  std::string connector;
  model::RecordType type = model::RecordType::unit;
  std::string name;         // the snapshot's name (its file)
  std::size_t stored = 0;   // records of the type the connector held
  std::size_t after = 0;    // what would have been left
  std::size_t removed = 0;  // what would have been removed (for a first part: at least)
  // The units that would lose most records, most first (with the count): empty for types
  // whose key names no unit, and for a snapshot held on its announced size alone.
  std::vector<std::pair<std::string, std::size_t>> units;
  std::string held_at;      // UTC, "2024-05-01T08:00:00Z"; the last time when held again
  std::string resolved_at;  // empty while open: a later snapshot of the type was applied

  friend bool operator==(const HeldSnapshot&, const HeldSnapshot&) = default;
};

// One pull of one connector, validated: written all-or-nothing by Ledger::commitBatch.
struct LedgerBatch {
  std::string connector;
  std::vector<model::Record> records;  // Origin::row is kept; Origin::source is ignored
  // Types this batch carries in full: current records of these types from this connector that
  // are absent from `records` are removed.
  std::vector<model::RecordType> full_snapshot_of;
  std::vector<model::QuarantineEntry> quarantine;
  std::optional<std::string> cursor;  // committed with the records; nullopt keeps the old one
  // Full-snapshot rows that were present but could not be read (quarantined): the held version
  // of each record such a row could be stays until a readable version replaces it or a snapshot
  // omits it.
  std::vector<UnreadableKey> unreadable_keys;
  // A snapshot in several batches: the keys of the first and middle parts are remembered, and
  // removals are decided with the last part over all of them.
  SnapshotPart snapshot_part = SnapshotPart::whole;
  std::optional<std::uint64_t> snapshot_rows;  // with a first part: the whole snapshot's rows
  std::string snapshot_name;
  // When set, a snapshot part that would remove more than it allows is not written: the
  // commit returns CommitStats::held and keeps a HeldSnapshot record instead.
  std::optional<RemovalGuard> removal_guard;
  std::vector<OutboxNotice> notices;  // into the notice outbox, same transaction
};

struct CommitStats {
  std::size_t inserted = 0;
  std::size_t updated = 0;             // content changed
  std::size_t unchanged = 0;           // identical content (a moved row number alone is not a change)
  std::size_t removed = 0;             // absent from a full snapshot
  std::size_t quarantined = 0;         // quarantine entries not stored before
  std::size_t quarantine_repeats = 0;  // entries already stored: only their last-seen time moves
  std::size_t notices_written = 0;     // outbox notices not stored before
  std::size_t kept_unreadable = 0;     // held records kept because their new row was unreadable
  std::optional<HeldSnapshot> held;    // the batch was held by its removal guard: nothing written
  // Indexes into LedgerBatch::quarantine of the entries stored for the first time (a row
  // refused at every sync is reported once, when it is first seen).
  std::vector<std::uint32_t> new_quarantine;

  friend bool operator==(const CommitStats&, const CommitStats&) = default;
};

// A quarantine entry as stored: deduplicated per connector, with when it was seen.
struct StoredQuarantineEntry {
  std::string connector;
  model::QuarantineEntry entry;
  std::string first_seen;  // UTC, "2024-05-01T08:00:00Z"
  std::string last_seen;
  std::int64_t times_seen = 0;
};

enum class MovementChange : std::uint8_t { inserted, updated, removed };

// One row of the append-only movement history: a movement as it was when it changed.
struct MovementHistoryEntry {
  std::int64_t sequence = 0;  // increasing in commit order
  std::string connector;
  MovementChange change = MovementChange::inserted;
  std::string recorded_at;   // UTC, when the ledger saw the change
  model::Movement movement;  // Origin::source indexes nothing here: see `connector`
};

class Ledger {
 public:
  virtual ~Ledger() = default;
  Ledger() = default;
  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;
  Ledger(Ledger&&) = delete;
  Ledger& operator=(Ledger&&) = delete;

  // One transaction: on error nothing of the batch (records, quarantine, cursor) is kept.
  virtual Result<CommitStats> commitBatch(const LedgerBatch& batch) = 0;

  // The connector's committed cursor; nullopt when it never committed one or it was reset.
  virtual Result<std::optional<std::string>> cursor(const std::string& connector) = 0;
  // Forget the cursor so that the next pull starts from the beginning; records stay.
  virtual Result<void> resetCursor(const std::string& connector) = 0;

  // Every current record of every connector: Dataset::sources holds the connector names
  // (sorted), Origin::source indexes them. Quarantine entries are included.
  virtual Result<model::Dataset> loadDataset() = 0;
  // The most recently seen quarantine entries first; at most `limit`.
  virtual Result<std::vector<StoredQuarantineEntry>> quarantine(std::size_t limit) = 0;
  // The snapshots held by a removal guard, newest first; only those still open when `open_only`.
  virtual Result<std::vector<HeldSnapshot>> heldSnapshots(bool open_only) = 0;
  // History of one person's movements, or of all when `person` is nullopt, oldest first.
  virtual Result<std::vector<MovementHistoryEntry>> movementHistory(const std::optional<model::PersonId>& person) = 0;

  // Releases the backend; later calls return an error. Safe to call twice.
  virtual void close() noexcept = 0;
};

std::string_view toString(MovementChange change) noexcept;

}  // namespace staffchain::ledger
