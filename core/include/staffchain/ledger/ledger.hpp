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
struct OutboxNotice {
  std::string id;
  std::string sink;           // the sink instance it goes through
  std::string action;         // roster_add, pay_start, roster_remove, pay_stop, leader_posts
  std::string target_system;  // estab, org, hr, finance
  std::string person_id;
  std::string unit_id;
  std::string deadline;       // YYYY-MM-DD
  std::string fields_json;    // the canonical notice columns: a JSON array of [column, value]
  bool dry_run = false;       // its sink only logs: stored in state dry_run, never sent
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
  // Keys of full-snapshot rows that were present but could not be read (quarantined): the held
  // version of such a record stays until a readable version replaces it or a snapshot omits it.
  std::vector<std::pair<model::RecordType, std::string>> unreadable_keys;
  std::vector<OutboxNotice> notices;  // into the notice outbox, same transaction
};

struct CommitStats {
  std::size_t inserted = 0;
  std::size_t updated = 0;    // content changed
  std::size_t unchanged = 0;  // identical content (a moved row number alone is not a change)
  std::size_t removed = 0;    // absent from a full snapshot
  std::size_t quarantined = 0;        // quarantine entries not stored before
  std::size_t quarantine_repeats = 0;  // entries already stored: only their last-seen time moves
  std::size_t notices_written = 0;     // outbox notices not stored before
  std::size_t kept_unreadable = 0;     // held records kept because their new row was unreadable

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
  std::string recorded_at;  // UTC, when the ledger saw the change
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
  // History of one person's movements, or of all when `person` is nullopt, oldest first.
  virtual Result<std::vector<MovementHistoryEntry>> movementHistory(
      const std::optional<model::PersonId>& person) = 0;

  // Releases the backend; later calls return an error. Safe to call twice.
  virtual void close() noexcept = 0;
};

std::string_view toString(MovementChange change) noexcept;

}  // namespace staffchain::ledger
