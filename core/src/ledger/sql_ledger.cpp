#include "staffchain/ledger/sql_ledger.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ledger_statements.hpp"
#include "notice_tables.hpp"
#include "record_codec.hpp"
#include "record_tables.hpp"
#include "schema.hpp"
#include "snapshot_guard.hpp"
#include "staffchain/store/database.hpp"
#include "staffchain/store/stored_time.hpp"

namespace staffchain::ledger {

using detail::Statement;
using detail::StatementUse;
using namespace detail::params;
using model::RecordType;

std::string_view toString(MovementChange change) noexcept {
  switch (change) {
    case MovementChange::inserted:
      return "inserted";
    case MovementChange::updated:
      return "updated";
    case MovementChange::removed:
      return "removed";
  }
  return "unknown";
}

namespace {

constexpr std::size_t kTypeCount = plugin::kRecordTypeCount;

std::optional<MovementChange> parseMovementChange(std::string_view text) noexcept {
  for (const auto change : {MovementChange::inserted, MovementChange::updated, MovementChange::removed}) {
    if (toString(change) == text) return change;
  }
  return std::nullopt;
}

std::uint32_t originRow(const model::Record& record) noexcept {
  return std::visit([](const auto& r) { return r.origin.row; }, record);
}

void appendTo(model::Dataset& dataset, model::Record&& record, model::Origin origin) {
  std::visit([origin](auto& r) { r.origin = origin; }, record);
  model::appendRecord(dataset, std::move(record));
}

// The time a batch is written at, as the tables store it and as the Ledger interface shows it.
struct BatchTime {
  explicit BatchTime(store::StoredTime at) : stored(store::storedTime(at)), shown(model::formatUtcTime(at)) {}
  std::string stored;  // bound to every time column the batch writes (once, not per row)
  std::string shown;   // HeldSnapshot::held_at
};

std::uint32_t toRow(std::int64_t value) noexcept {
  return value < 0 || value > static_cast<std::int64_t>(UINT32_MAX) ? 0U : static_cast<std::uint32_t>(value);
}

// What the ledger holds for one key of a full-snapshot type, and whether the batch carried it.
struct HeldRecord {
  std::int64_t hash = 0;
  std::int64_t row = 0;
  bool in_batch = false;
};

// Every key the ledger holds of one full-snapshot type, in the table's order (its primary key's,
// read so: detail::storedBefore), and the keys the batch added. Records of a type other than
// movements come in that order too (writeOrder), so they are matched by walking both lists side
// by side: no table of a million keys is built for a first sync or a resync.
class HeldKeys {
 public:
  explicit HeldKeys(RecordType type) : type_(type) {}

  void add(std::string key, HeldRecord record) { held_.emplace_back(std::move(key), record); }

  // What is held (or was added by this batch) under `key`; `in_order` when keys are asked in
  // the table's order, as writeOrder gives them.
  HeldRecord* find(std::string_view key, bool in_order) {
    const auto before = [this](std::string_view a, std::string_view b) { return detail::storedBefore(type_, a, b); };
    if (in_order) {
      if (last_added_ && last_added_->first == key) return &last_added_->second;
      while (cursor_ < held_.size() && before(held_[cursor_].first, key)) ++cursor_;
      if (cursor_ < held_.size() && held_[cursor_].first == key) return &held_[cursor_].second;
    } else {
      const auto at = std::lower_bound(held_.begin(), held_.end(), key,
                                       [&](const auto& entry, std::string_view k) { return before(entry.first, k); });
      if (at != held_.end() && at->first == key) return &at->second;
    }
    if (added_.empty()) return nullptr;
    if (auto it = added_.find(std::string(key)); it != added_.end()) return &it->second;
    return nullptr;
  }

  // Remembers a key the ledger did not hold, so that the same key later in the batch is known.
  void remember(const std::string& key, HeldRecord record, bool in_order) {
    if (in_order) {
      last_added_.emplace(key, record);
    } else {
      added_.insert_or_assign(key, record);
    }
  }

  template <typename F>
  void forEachHeld(F f) const {
    for (const auto& [key, record] : held_) f(key, record);
  }

 private:
  RecordType type_;
  std::vector<std::pair<std::string, HeldRecord>> held_;
  std::size_t cursor_ = 0;
  std::optional<std::pair<std::string, HeldRecord>> last_added_;
  std::unordered_map<std::string, HeldRecord> added_;
};

}  // namespace

class SqlLedger::Connection {
 public:
  Connection(std::unique_ptr<store::Database> db, SqlLedgerOptions options)
      : db_(std::move(db)), path_(db_->path()), path_text_(db_->pathText()), options_(std::move(options)) {}
  ~Connection() { close(); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  Connection(Connection&&) = delete;
  Connection& operator=(Connection&&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

  void close() noexcept {
    // Statements first: a connection with live statements cannot close.
    statements_ = detail::LedgerStatements{};
    notices_.close();
    db_->close();
  }

  Error failure(std::string_view operation) const { return db_->failure(operation); }

  Result<void> configure() {
    if (db_->dialect() == store::Dialect::postgresql) {
      if (auto migrated = detail::migrate(*db_); !migrated) return migrated;
      if (auto prepared = detail::prepareStatements(*db_, statements_); !prepared) return prepared;
      return notices_.prepare(*db_);
    }
    // 16 KiB pages for a ledger created now (one that exists keeps its own): a table's rows are
    // some 150 bytes, and a first sync of a city commits a million of them; four times the
    // default page made it an eighth faster. It must come before WAL mode and the first table.
    if (auto sized = execute("PRAGMA page_size = 16384", "setting the page size"); !sized) return sized;
    if (auto wal = db_->useWriteAheadLog(); !wal) return wal;
    // NORMAL is durable across process crashes in WAL mode; only a power loss may lose the
    // last commits, never corrupt the file. Foreign keys keep records tied to a connector.
    const auto pragmas = fmt::format("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA cache_size = {};",
                                     -options_.cache_kib);
    if (auto done = execute(pragmas.c_str(), "setting connection pragmas"); !done) {
      return done;
    }
    // A migration that rebuilds a table sorts its rows in temporary files (at a million persons
    // payroll is gigabytes); the connection's own temporary work stays in memory after.
    if (auto migrated = detail::migrate(*db_); !migrated) return migrated;
    if (auto done = execute("PRAGMA temp_store = MEMORY", "setting connection pragmas"); !done) return done;
    if (auto prepared = detail::prepareStatements(*db_, statements_); !prepared) return prepared;
    return notices_.prepare(*db_);
  }

  Result<CommitStats> commitBatch(const LedgerBatch& batch) {
    if (!db_->isOpen()) return failure(fmt::format("committing a batch of connector '{}'", batch.connector));
    const auto operation = [&batch](std::string_view step) {
      return fmt::format("committing a batch of connector '{}' ({})", batch.connector, step);
    };
    if (batch.connector.empty()) {
      return makeError(fmt::format("ledger {}: committing a batch failed: the batch names no connector", path_text_));
    }
    if (auto begun = run(statements_.begin, operation("begin")); !begun) return std::move(begun).error();
    // Rolls back on every way out that did not commit, an exception (bad_alloc) included, so
    // the connection is never left inside a transaction.
    const RollbackOnExit rollback_on_exit(*this);
    const BatchTime at(now());
    auto stats = writeBatch(batch, at, operation);
    if (stats && stats->held) {
      // Nothing of a held batch is kept (its cursor neither): only the record that it was held.
      if (auto rolled_back = run(statements_.rollback, operation("rollback")); !rolled_back) {
        return std::move(rolled_back).error();
      }
      if (auto recorded = recordHeld(*stats->held, at); !recorded) return std::move(recorded).error();
      return stats;
    }
    if (stats) {
      auto committed = run(statements_.commit, operation("commit"));
      if (!committed) return std::move(committed).error();
    }
    return stats;
  }

  Result<std::vector<HeldSnapshot>> heldSnapshots(bool open_only) {
    const std::string operation = "listing held snapshots";
    if (!db_->isOpen()) return failure(operation);
    std::vector<HeldSnapshot> out;
    Statement& list = statements_.held_list;
    StatementUse use(list);
    list.bindInt(1, open_only ? 1 : 0);
    for (;;) {
      const int rc = list.step();
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return failure(operation);
      store::RowTimes times(list, "held_snapshots");
      HeldSnapshot held;
      held.id = list.columnInt(0);
      held.connector = std::string(list.columnText(1));
      held.type = plugin::recordTypeFromFile(list.columnText(2)).value_or(RecordType::unit);
      held.name = std::string(list.columnText(3));
      held.stored = static_cast<std::size_t>(list.columnInt(4));
      held.after = static_cast<std::size_t>(list.columnInt(5));
      held.removed = static_cast<std::size_t>(list.columnInt(6));
      held.units = detail::decodeUnits(list.columnText(7));
      held.held_at = model::formatUtcTime(times.at(8, "held_at"));
      // Empty while open: the column is older than times that may be NULL.
      if (!list.columnText(9).empty()) held.resolved_at = model::formatUtcTime(times.at(9, "resolved_at"));
      if (auto read = times.result(); !read) return db_->failure(operation, read.error().message);
      out.push_back(std::move(held));
    }
    return out;
  }

  Result<std::optional<std::string>> cursor(const std::string& connector) {
    const auto operation = fmt::format("reading the cursor of connector '{}'", connector);
    if (!db_->isOpen()) return failure(operation);
    StatementUse use(statements_.get_cursor);
    statements_.get_cursor.bindText(1, connector);
    const int rc = statements_.get_cursor.step();
    if (rc == SQLITE_DONE) return std::optional<std::string>{};
    if (rc != SQLITE_ROW) return failure(operation);
    if (statements_.get_cursor.columnIsNull(0)) return std::optional<std::string>{};
    return std::optional<std::string>{std::string(statements_.get_cursor.columnText(0))};
  }

  Result<void> resetCursor(const std::string& connector) {
    const auto operation = fmt::format("resetting the cursor of connector '{}'", connector);
    if (!db_->isOpen()) return failure(operation);
    StatementUse use(statements_.reset_cursor);
    statements_.reset_cursor.bindText(1, connector);
    statements_.reset_cursor.bindTime(2, now());
    if (statements_.reset_cursor.step() != SQLITE_DONE) return failure(operation);
    return {};
  }

  Result<model::Dataset> loadDataset() {
    const std::string operation = "loading the dataset";
    if (!db_->isOpen()) return failure(operation);
    // One read transaction, so the dataset is one consistent snapshot even while another
    // process commits (PostgreSQL's default isolation would see each statement's own).
    const auto* begin =
        db_->dialect() == store::Dialect::postgresql ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN";
    if (auto begun = execute(begin, operation); !begun) return std::move(begun).error();
    auto dataset = readDataset(operation);
    (void)execute("COMMIT", operation);
    return dataset;
  }

  Result<std::vector<StoredQuarantineEntry>> quarantine(std::size_t limit) {
    const std::string operation = "listing the quarantine";
    if (!db_->isOpen()) return failure(operation);
    StatementUse use(statements_.list_quarantine);
    statements_.list_quarantine.bindInt(
        1, limit > static_cast<std::size_t>(INT64_MAX) ? INT64_MAX : static_cast<std::int64_t>(limit));
    std::vector<StoredQuarantineEntry> out;
    for (;;) {
      const int rc = statements_.list_quarantine.step();
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return failure(operation);
      auto entry = readQuarantine(statements_.list_quarantine, 0, true);
      if (!entry)
        return makeError(fmt::format("ledger {}: {} failed: {}", path_text_, operation, entry.error().message));
      out.push_back(std::move(*entry));
    }
    return out;
  }

  Result<std::vector<MovementHistoryEntry>> movementHistory(const std::optional<model::PersonId>& person) {
    const std::string operation = "reading the movement history";
    if (!db_->isOpen()) return failure(operation);
    Statement& statement = person ? statements_.history_of_person : statements_.history_all;
    StatementUse use(statement);
    if (person) {
      auto id = person->view();
      while (!id.empty() && id.back() == '\0') id.remove_suffix(1);
      statement.bindText(1, id);
    }
    std::vector<MovementHistoryEntry> out;
    for (;;) {
      const int rc = statement.step();
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return failure(operation);
      MovementHistoryEntry entry;
      entry.sequence = statement.columnInt(0);
      entry.connector = std::string(statement.columnText(1));
      const auto change = parseMovementChange(statement.columnText(2));
      if (!change) {
        return makeError(fmt::format("ledger {}: {} failed: change '{}' of history entry {} is unknown", path_text_,
                                     operation, statement.columnText(2), entry.sequence));
      }
      entry.change = *change;
      auto recorded_at = store::columnTime(statement, 3, "movement_history.recorded_at");
      if (!recorded_at) return db_->failure(operation, recorded_at.error().message);
      entry.recorded_at = model::formatUtcTime(*recorded_at);
      auto record = detail::readRecord(RecordType::movement, statement, 5);
      if (!record)
        return makeError(fmt::format("ledger {}: {} failed: {}", path_text_, operation, record.error().message));
      entry.movement = std::get<model::Movement>(std::move(*record));
      entry.movement.origin.row = toRow(statement.columnInt(4));
      out.push_back(std::move(entry));
    }
    return out;
  }

 private:
  class RollbackOnExit {
   public:
    explicit RollbackOnExit(Connection& connection) noexcept : connection_(connection) {}
    ~RollbackOnExit() {
      // Some errors (I/O, out of memory) already rolled the transaction back themselves.
      if (connection_.db_->inTransaction()) {
        StatementUse use(connection_.statements_.rollback);
        (void)connection_.statements_.rollback.step();
      }
    }
    RollbackOnExit(const RollbackOnExit&) = delete;
    RollbackOnExit& operator=(const RollbackOnExit&) = delete;
    RollbackOnExit(RollbackOnExit&&) = delete;
    RollbackOnExit& operator=(RollbackOnExit&&) = delete;

   private:
    Connection& connection_;
  };

  store::StoredTime now() const { return options_.clock ? options_.clock() : std::chrono::system_clock::now(); }

  Result<Statement> prepare(const std::string& sql, std::string_view what) { return db_->prepare(sql, what); }

  Result<void> execute(const char* sql, std::string_view operation) { return db_->execute(sql, operation); }

  Result<void> run(Statement& statement, std::string_view operation) {
    StatementUse use(statement);
    const int rc = statement.step();
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) return failure(operation);
    return {};
  }

  template <typename Operation>
  Result<CommitStats> writeBatch(const LedgerBatch& batch, const BatchTime& at, const Operation& operation) {
    CommitStats stats;
    {
      StatementUse use(statements_.add_connector);
      statements_.add_connector.bindText(1, batch.connector);
      statements_.add_connector.bindText(2, at.stored);
      if (statements_.add_connector.step() != SQLITE_DONE) return failure(operation("registering the connector"));
    }
    if (batch.cursor) {
      StatementUse use(statements_.set_cursor);
      statements_.set_cursor.bindText(1, batch.connector);
      statements_.set_cursor.bindText(2, *batch.cursor);
      statements_.set_cursor.bindText(3, at.stored);
      if (statements_.set_cursor.step() != SQLITE_DONE) return failure(operation("setting the cursor"));
    }

    const SnapshotPart part = batch.snapshot_part;
    const bool decides_removals = part == SnapshotPart::whole || part == SnapshotPart::last;
    if (part == SnapshotPart::first) {
      // A run of parts starts over: what an earlier, abandoned run marked counts no more.
      StatementUse use(statements_.marks_clear);
      statements_.marks_clear.bindText(1, batch.connector);
      if (statements_.marks_clear.step() != SQLITE_DONE) return failure(operation("starting a snapshot"));
    }
    if (auto announced = guardAnnouncedSize(batch, at, operation); !announced) {
      return std::move(announced).error();
    } else if (announced->held) {
      return std::move(*announced);
    }

    // Full-snapshot types are read whole up front when this batch decides their removals: they
    // need every held key anyway, and one scan is cheaper than a lookup per record.
    std::array<std::optional<HeldKeys>, kTypeCount> held;
    for (const auto type : batch.full_snapshot_of) {
      auto& snapshot = held[static_cast<std::size_t>(type)];
      if (snapshot || !decides_removals) continue;
      snapshot.emplace(type);
      auto& scan = statements_.tables[static_cast<std::size_t>(type)].keys;
      StatementUse use(scan);
      scan.bindText(1, batch.connector);
      for (;;) {
        const int rc = scan.step();
        if (rc == SQLITE_DONE) break;
        if (rc != SQLITE_ROW) {
          return failure(operation(fmt::format("reading the held {}", detail::recordTable(type))));
        }
        snapshot->add(std::string(scan.columnText(0)), HeldRecord{scan.columnInt(1), scan.columnInt(2), false});
      }
    }

    std::vector<std::string> keys;
    keys.reserve(batch.records.size());
    for (const auto& record : batch.records) keys.push_back(model::recordKey(record));
    // Where no snapshot is read whole, a record is looked up before it is written; but while the
    // records come new (a first sync), each is inserted straight away, and looked up only when
    // its key turns out held: one search of the table a record instead of two.
    bool expect_new = false;
    const auto writeRecord = [&](Statement& write, const model::Record& record, const std::string& key,
                                 std::int64_t hash, std::int64_t row) {
      StatementUse use(write);
      write.bindKeptText(kParamConnector, batch.connector);
      write.bindKeptText(kParamKey, key);
      write.bindInt(kParamRow, row);
      write.bindInt(kParamHash, hash);
      write.bindKeptText(kParamNow, at.stored);
      return detail::bindColumns(record, write, kParamFirstColumn) == SQLITE_OK && write.step() == SQLITE_DONE;
    };
    for (const auto at_index : detail::writeOrder(batch.records, keys)) {
      const auto& record = batch.records[at_index];
      const auto type = model::recordTypeOf(record);
      auto& table = statements_.tables[static_cast<std::size_t>(type)];
      const auto& key = keys[at_index];
      const auto hash = detail::contentHash(record);
      const auto row = static_cast<std::int64_t>(originRow(record));
      const bool in_key_order = type != RecordType::movement;

      std::optional<HeldRecord> existing;
      auto& snapshot = held[static_cast<std::size_t>(type)];
      HeldRecord* held_record = nullptr;
      const auto writing = [&](bool update) {
        return operation(
            fmt::format("{} {} record '{}'", update ? "updating" : "inserting", detail::recordTable(type), key));
      };
      // Inserted here, a record goes on as the lookup's way for one found new.
      bool written = false;
      if (!snapshot && expect_new) {
        if (!writeRecord(table.insert, record, key, hash, row)) return failure(writing(false));
        written = db_->changes() == 1;
        expect_new = written;
      }
      if (!written && snapshot) {
        held_record = snapshot->find(key, in_key_order);
        if (held_record != nullptr) existing = *held_record;
      } else if (!written) {
        StatementUse use(table.lookup);
        table.lookup.bindText(kParamConnector, batch.connector);
        table.lookup.bindText(kParamKey, key);
        detail::bindCluster(type, key, table.lookup, kParamLookupCluster);
        const int rc = table.lookup.step();
        if (rc == SQLITE_ROW) {
          existing = HeldRecord{table.lookup.columnInt(0), table.lookup.columnInt(1), false};
        } else if (rc != SQLITE_DONE) {
          return failure(operation(fmt::format("looking up {} record '{}'", detail::recordTable(type), key)));
        }
        expect_new = !existing;
      }

      if (existing && existing->hash == hash) {
        ++stats.unchanged;
        if (existing->row != row) {
          StatementUse use(table.move_row);
          table.move_row.bindText(kParamConnector, batch.connector);
          table.move_row.bindText(kParamKey, key);
          table.move_row.bindInt(kParamRow, row);
          detail::bindCluster(type, key, table.move_row, kParamMoveCluster);
          if (table.move_row.step() != SQLITE_DONE) {
            return failure(
                operation(fmt::format("updating the row of {} record '{}'", detail::recordTable(type), key)));
          }
        }
      } else {
        if (!written) {
          if (!writeRecord(existing ? table.update : table.insert, record, key, hash, row)) {
            return failure(writing(existing.has_value()));
          }
          if (db_->changes() != 1) {
            return db_->failure(writing(existing.has_value()),
                                existing ? "the record is no longer held" : "the key is held already");
          }
        }
        if (existing) {
          ++stats.updated;
        } else {
          ++stats.inserted;
        }
        if (type == RecordType::movement) {
          const auto change = existing ? MovementChange::updated : MovementChange::inserted;
          if (auto logged = recordMovement(batch.connector, key, row, change, at.stored, record); !logged) {
            return failure(operation(fmt::format("recording the history of movement '{}'", key)));
          }
        }
      }
      if (held_record != nullptr) {
        *held_record = HeldRecord{hash, row, true};
      } else if (snapshot) {
        snapshot->remember(key, HeldRecord{hash, row, true}, in_key_order);
      }
    }

    if (decides_removals) {
      auto removed = removeAbsent(batch, held, at, stats, operation);
      if (!removed) return std::move(removed).error();
      if (stats.held) return stats;
    } else if (auto marked = markPart(batch, keys, operation); !marked) {
      return std::move(marked).error();
    }

    for (std::size_t index = 0; index < batch.quarantine.size(); ++index) {
      const auto& entry = batch.quarantine[index];
      StatementUse use(statements_.upsert_quarantine);
      statements_.upsert_quarantine.bindText(1, batch.connector);
      statements_.upsert_quarantine.bindText(2, entry.source.empty() ? batch.connector : entry.source);
      statements_.upsert_quarantine.bindText(3, plugin::recordTypeFile(entry.type));
      statements_.upsert_quarantine.bindText(4, entry.origin);
      statements_.upsert_quarantine.bindText(5, entry.field);
      statements_.upsert_quarantine.bindText(6, entry.value);
      statements_.upsert_quarantine.bindText(7, entry.reason);
      statements_.upsert_quarantine.bindText(8, at.stored);
      statements_.upsert_quarantine.bindText(9, entry.unit_id);
      statements_.upsert_quarantine.bindText(10, entry.person_id);
      if (statements_.upsert_quarantine.step() != SQLITE_ROW) {
        return failure(operation(fmt::format("storing the quarantine entry for '{}'", entry.origin)));
      }
      if (statements_.upsert_quarantine.columnInt(0) == 1) {
        ++stats.quarantined;
        stats.new_quarantine.push_back(static_cast<std::uint32_t>(index));
      } else {
        ++stats.quarantine_repeats;
      }
      if (statements_.upsert_quarantine.step() != SQLITE_DONE) {
        return failure(operation(fmt::format("storing the quarantine entry for '{}'", entry.origin)));
      }
    }
    for (const auto& notice : batch.notices) {
      auto written = notices_.write(*db_, notice, at.stored);
      if (!written) return failure(operation(fmt::format("writing notice '{}' for sink '{}'", notice.id, notice.sink)));
      if (*written) ++stats.notices_written;
    }
    return stats;
  }

  // With the first part of a snapshot that announces its size: one far smaller than what is
  // stored is held before any part of it is written (its removals could only come at its end).
  Result<CommitStats> guardAnnouncedSize(const LedgerBatch& batch, const BatchTime& at,
                                         const std::function<std::string(std::string_view)>& operation) {
    CommitStats stats;
    const bool starts = batch.snapshot_part == SnapshotPart::first || batch.snapshot_part == SnapshotPart::whole;
    if (!starts || !batch.removal_guard || !batch.snapshot_rows) return stats;
    for (const auto type : batch.full_snapshot_of) {
      auto& count = statements_.tables[static_cast<std::size_t>(type)].count;
      StatementUse use(count);
      count.bindText(1, batch.connector);
      if (count.step() != SQLITE_ROW) return failure(operation("counting the held records"));
      const auto stored = static_cast<std::size_t>(count.columnInt(0));
      const auto rows = static_cast<std::size_t>(*batch.snapshot_rows);
      if (rows < stored && detail::breaksGuard(*batch.removal_guard, stored, stored - rows)) {
        stats.held =
            HeldSnapshot{0, batch.connector, type, batch.snapshot_name, stored, rows, stored - rows, {}, at.shown, {}};
        return stats;
      }
    }
    return stats;
  }

  // The first and middle parts of a snapshot: their keys (and their unreadable rows' patterns)
  // are remembered for the last part, which decides the removals: one row per type and kind.
  Result<void> markPart(const LedgerBatch& batch, const std::vector<std::string>& keys,
                        const std::function<std::string(std::string_view)>& operation) {
    const auto inSnapshot = [&](RecordType type) {
      return std::find(batch.full_snapshot_of.begin(), batch.full_snapshot_of.end(), type) !=
             batch.full_snapshot_of.end();
    };
    std::array<std::string, kTypeCount> carried;
    std::array<std::string, kTypeCount> patterns;
    for (std::size_t i = 0; i < batch.records.size(); ++i) {
      const auto type = model::recordTypeOf(batch.records[i]);
      if (inSnapshot(type)) detail::appendPartKey(carried[static_cast<std::size_t>(type)], keys[i]);
    }
    for (const auto& row : batch.unreadable_keys) {
      if (inSnapshot(row.type)) {
        detail::appendPartKey(patterns[static_cast<std::size_t>(row.type)], model::joinKeyParts(row.type, row.parts));
      }
    }
    const auto mark = [&](std::size_t type, const std::string& blob, bool pattern) {
      if (blob.empty()) return true;
      StatementUse use(statements_.marks_insert);
      statements_.marks_insert.bindText(1, batch.connector);
      statements_.marks_insert.bindText(2, plugin::recordTypeFile(static_cast<RecordType>(type)));
      statements_.marks_insert.bindInt(3, pattern ? 1 : 0);
      statements_.marks_insert.bindBlob(4, blob);
      return statements_.marks_insert.step() == SQLITE_DONE;
    };
    for (std::size_t type = 0; type < kTypeCount; ++type) {
      if (!mark(type, carried[type], false)) return failure(operation("remembering a snapshot part's keys"));
      if (!mark(type, patterns[type], true)) return failure(operation("remembering a snapshot part's unreadable rows"));
    }
    return {};
  }

  // The whole or last part of a snapshot: every held record that no part carried, and that no
  // unreadable row could be, is removed — unless that is more than the guard allows, in which
  // case `stats.held` says so and nothing is removed.
  Result<void> removeAbsent(const LedgerBatch& batch, std::array<std::optional<HeldKeys>, kTypeCount>& held,
                            const BatchTime& at, CommitStats& stats,
                            const std::function<std::string(std::string_view)>& operation) {
    std::vector<UnreadableKey> unreadable = batch.unreadable_keys;
    if (batch.snapshot_part == SnapshotPart::last) {
      for (std::size_t i = 0; i < kTypeCount; ++i) {
        if (!held[i]) continue;
        const auto type = static_cast<RecordType>(i);
        auto& list = statements_.marks_list;
        StatementUse use(list);
        list.bindText(1, batch.connector);
        list.bindText(2, plugin::recordTypeFile(type));
        std::set<std::string, std::less<>> patterns;  // a row unreadable in two parts counts once
        std::vector<std::string_view> keys;
        for (;;) {
          const int rc = list.step();
          if (rc == SQLITE_DONE) break;
          if (rc != SQLITE_ROW) return failure(operation("reading the keys of the snapshot's parts"));
          keys.clear();
          if (!detail::readPartKeys(list.columnBlob(1), keys)) {
            return db_->failure(operation("reading the keys of the snapshot's parts"),
                                fmt::format("the {} keys of a part are cut short", detail::recordTable(type)));
          }
          const bool pattern = list.columnInt(0) != 0;
          for (const auto key : keys) {
            if (pattern) {
              if (patterns.emplace(key).second) unreadable.push_back(UnreadableKey{type, model::keyParts(type, key)});
            } else if (auto* record = held[i]->find(key, false); record != nullptr) {
              record->in_batch = true;
            }
          }
        }
      }
    }
    // Too many unreadable rows to match one by one: each could be any record, keep them all.
    constexpr std::size_t kMostPatterns = 64;
    std::array<std::vector<std::pair<std::string, std::int64_t>>, kTypeCount> absent;
    for (std::size_t i = 0; i < kTypeCount; ++i) {
      if (!held[i]) continue;
      const auto type = static_cast<RecordType>(i);
      std::vector<const UnreadableKey*> patterns;
      for (const auto& row : unreadable) {
        if (row.type == type) patterns.push_back(&row);
      }
      std::size_t stored = 0;
      held[i]->forEachHeld([&](const std::string& key, const HeldRecord& record) {
        ++stored;
        if (record.in_batch) return;
        const bool could_be = patterns.size() > kMostPatterns ||
                              std::any_of(patterns.begin(), patterns.end(),
                                          [&](const UnreadableKey* row) { return detail::couldBe(*row, key); });
        if (could_be) {
          ++stats.kept_unreadable;
        } else {
          absent[i].emplace_back(key, record.row);
        }
      });
      if (batch.removal_guard && detail::breaksGuard(*batch.removal_guard, stored, absent[i].size())) {
        std::map<std::string, std::size_t> per_unit;
        for (const auto& [key, row] : absent[i]) {
          if (auto unit = detail::unitOfKey(type, key)) ++per_unit[std::string(*unit)];
        }
        constexpr std::size_t kUnitsShown = 5;
        stats.held = HeldSnapshot{0,
                                  batch.connector,
                                  type,
                                  batch.snapshot_name,
                                  stored,
                                  stored - absent[i].size(),
                                  absent[i].size(),
                                  detail::largestUnits({per_unit.begin(), per_unit.end()}, kUnitsShown),
                                  at.shown,
                                  {}};
        return {};
      }
    }
    for (std::size_t i = 0; i < kTypeCount; ++i) {
      if (!held[i]) continue;
      const auto type = static_cast<RecordType>(i);
      for (const auto& [key, row] : absent[i]) {
        if (!removeRecord(batch.connector, type, key, at.stored)) {
          return failure(operation(fmt::format("removing {} record '{}'", detail::recordTable(type), key)));
        }
        ++stats.removed;
      }
      // The type is whole again: a snapshot held before is overtaken.
      StatementUse use(statements_.held_resolve);
      statements_.held_resolve.bindText(1, batch.connector);
      statements_.held_resolve.bindText(2, plugin::recordTypeFile(type));
      statements_.held_resolve.bindText(3, at.stored);
      if (statements_.held_resolve.step() != SQLITE_DONE) return failure(operation("resolving held snapshots"));
    }
    if (batch.snapshot_part == SnapshotPart::last) {
      StatementUse use(statements_.marks_clear);
      statements_.marks_clear.bindText(1, batch.connector);
      if (statements_.marks_clear.step() != SQLITE_DONE) return failure(operation("finishing a snapshot"));
    }
    return {};
  }

  // A held snapshot, in its own transaction after the batch's was rolled back: one open record
  // per connector, type and name, brought up to date when the same snapshot is held again.
  Result<void> recordHeld(HeldSnapshot& snapshot, const BatchTime& at) {
    const auto operation =
        fmt::format("recording the held snapshot {} of connector '{}'", snapshot.name, snapshot.connector);
    if (auto begun = run(statements_.begin, operation); !begun) return begun;
    const RollbackOnExit rollback_on_exit(*this);
    std::optional<std::int64_t> open_id;
    {
      StatementUse use(statements_.held_find_open);
      statements_.held_find_open.bindText(1, snapshot.connector);
      statements_.held_find_open.bindText(2, plugin::recordTypeFile(snapshot.type));
      statements_.held_find_open.bindText(3, snapshot.name);
      const int rc = statements_.held_find_open.step();
      if (rc == SQLITE_ROW) open_id = statements_.held_find_open.columnInt(0);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE) return failure(operation);
    }
    const auto units = detail::encodeUnits(snapshot.units);
    if (open_id) {
      Statement& update = statements_.held_update;
      StatementUse use(update);
      update.bindInt(1, *open_id);
      update.bindInt(2, static_cast<std::int64_t>(snapshot.stored));
      update.bindInt(3, static_cast<std::int64_t>(snapshot.after));
      update.bindInt(4, static_cast<std::int64_t>(snapshot.removed));
      update.bindText(5, units);
      update.bindText(6, at.stored);
      if (update.step() != SQLITE_DONE) return failure(operation);
      snapshot.id = *open_id;
    } else {
      Statement& insert = statements_.held_insert;
      StatementUse use(insert);
      insert.bindText(1, snapshot.connector);
      insert.bindText(2, plugin::recordTypeFile(snapshot.type));
      insert.bindText(3, snapshot.name);
      insert.bindInt(4, static_cast<std::int64_t>(snapshot.stored));
      insert.bindInt(5, static_cast<std::int64_t>(snapshot.after));
      insert.bindInt(6, static_cast<std::int64_t>(snapshot.removed));
      insert.bindText(7, units);
      insert.bindText(8, at.stored);
      if (insert.step() != SQLITE_ROW) return failure(operation);
      snapshot.id = insert.columnInt(0);
      if (insert.step() != SQLITE_DONE) return failure(operation);
    }
    return run(statements_.commit, operation);
  }

  bool recordMovement(const std::string& connector, const std::string& key, std::int64_t row, MovementChange change,
                      const std::string& at, const model::Record& record) {
    StatementUse use(statements_.history_insert);
    statements_.history_insert.bindKeptText(kParamConnector, connector);
    statements_.history_insert.bindKeptText(kParamKey, key);
    statements_.history_insert.bindInt(kParamRow, row);
    statements_.history_insert.bindKeptText(kParamChange, toString(change));
    statements_.history_insert.bindKeptText(kParamNow, at);
    return detail::bindColumns(record, statements_.history_insert, kParamFirstColumn) == SQLITE_OK &&
           statements_.history_insert.step() == SQLITE_DONE;
  }

  bool removeRecord(const std::string& connector, RecordType type, const std::string& key, const std::string& at) {
    if (type == RecordType::movement) {
      StatementUse use(statements_.history_removed);
      statements_.history_removed.bindText(1, connector);
      statements_.history_removed.bindText(2, key);
      statements_.history_removed.bindText(3, at);
      if (statements_.history_removed.step() != SQLITE_DONE) return false;
    }
    {
      StatementUse use(statements_.removal_log);
      statements_.removal_log.bindText(1, connector);
      statements_.removal_log.bindText(2, detail::recordTable(type));
      statements_.removal_log.bindText(3, key);
      statements_.removal_log.bindText(4, at);
      if (statements_.removal_log.step() != SQLITE_DONE) return false;
    }
    auto& remove = statements_.tables[static_cast<std::size_t>(type)].remove;
    StatementUse use(remove);
    remove.bindText(kParamConnector, connector);
    remove.bindText(kParamKey, key);
    detail::bindCluster(type, key, remove, kParamRemoveCluster);
    return remove.step() == SQLITE_DONE;
  }

  Result<model::Dataset> readDataset(const std::string& operation) {
    model::Dataset dataset;
    std::unordered_map<std::string, std::uint32_t> source_index;
    {
      StatementUse use(statements_.list_connectors);
      for (;;) {
        const int rc = statements_.list_connectors.step();
        if (rc == SQLITE_DONE) break;
        if (rc != SQLITE_ROW) return failure(operation);
        source_index.emplace(statements_.list_connectors.columnText(0),
                             static_cast<std::uint32_t>(dataset.sources.size()));
        dataset.sources.emplace_back(statements_.list_connectors.columnText(0));
      }
    }
    for (std::size_t i = 0; i < kTypeCount; ++i) {
      const auto type = static_cast<RecordType>(i);
      auto& load = statements_.tables[i].load;
      StatementUse use(load);
      for (;;) {
        const int rc = load.step();
        if (rc == SQLITE_DONE) break;
        if (rc != SQLITE_ROW) return failure(operation);
        const auto source = source_index.find(std::string(load.columnText(0)));
        if (source == source_index.end()) {
          return makeError(fmt::format("ledger {}: {} failed: table {} holds records of unknown connector '{}'",
                                       path_text_, operation, detail::recordTable(type), load.columnText(0)));
        }
        auto record = detail::readRecord(type, load, 2);
        if (!record) {
          return makeError(fmt::format("ledger {}: {} failed: {}", path_text_, operation, record.error().message));
        }
        appendTo(dataset, std::move(*record), model::Origin{source->second, toRow(load.columnInt(1))});
      }
    }
    StatementUse use(statements_.all_quarantine);
    for (;;) {
      const int rc = statements_.all_quarantine.step();
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return failure(operation);
      auto entry = readQuarantine(statements_.all_quarantine, 0, false);
      if (!entry)
        return makeError(fmt::format("ledger {}: {} failed: {}", path_text_, operation, entry.error().message));
      dataset.quarantine.push_back(std::move(entry->entry));
    }
    return dataset;
  }

  // With `with_times`, first and last seen too (a dataset does not show them).
  static Result<StoredQuarantineEntry> readQuarantine(const Statement& statement, int first, bool with_times) {
    StoredQuarantineEntry out;
    out.connector = std::string(statement.columnText(first));
    out.entry.source = std::string(statement.columnText(first + 1));
    const auto type_text = statement.columnText(first + 2);
    const auto type = plugin::recordTypeFromFile(type_text);
    if (!type) return makeError(fmt::format("quarantine record type '{}' is unknown", type_text));
    out.entry.type = *type;
    out.entry.origin = std::string(statement.columnText(first + 3));
    out.entry.field = std::string(statement.columnText(first + 4));
    out.entry.value = std::string(statement.columnText(first + 5));
    out.entry.reason = std::string(statement.columnText(first + 6));
    if (with_times) {
      store::RowTimes times(statement, "quarantine");
      out.first_seen = model::formatUtcTime(times.at(first + 7, "first_seen"));
      out.last_seen = model::formatUtcTime(times.at(first + 8, "last_seen"));
      if (auto read = times.result(); !read) return std::move(read).error();
    }
    out.times_seen = statement.columnInt(first + 9);
    out.entry.unit_id = std::string(statement.columnText(first + 10));
    out.entry.person_id = std::string(statement.columnText(first + 11));
    return out;
  }

  std::unique_ptr<store::Database> db_;
  std::filesystem::path path_;
  std::string path_text_;
  SqlLedgerOptions options_;
  detail::LedgerStatements statements_;
  detail::NoticeWriter notices_;
};

namespace {

// The ledger holds the full citizen ids: its file is created 0600 here, whatever the umask,
// before SQLite would create it 0644 less the umask. SQLite gives the -wal, -shm and -journal
// files it makes beside it the main file's mode, so they follow. A ledger an earlier version
// left readable by its group (UMask=0027) is closed to it, side files included; where this
// process may not change the mode (another user's file), SQLite's own error, if any, follows.
void keepLedgerPrivate(const std::filesystem::path& path) {
  // Only when missing: a descriptor of a file the process has open in SQLite, closed beside
  // SQLite's own, drops the locks of every connection (store/database.cpp says how that hurts).
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd >= 0) ::close(fd);
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    const std::string file = path.string() + suffix;
    struct stat status {};
    if (::stat(file.c_str(), &status) == 0 && S_ISREG(status.st_mode) && (status.st_mode & 077) != 0) {
      ::chmod(file.c_str(), 0600);
    }
  }
}

}  // namespace

Result<std::unique_ptr<SqlLedger>> SqlLedger::open(const store::Location& location, SqlLedgerOptions options) {
  if (!location.postgres) {
    // SQLite's memory statistics cost a global mutex per allocation, which the daemon never
    // reads: a tenth of a large batch's commit went to that lock.
    store::Database::disableMemoryStatistics();
    keepLedgerPrivate(location.file);
  }
  auto db = store::Database::open(location, {.label = "ledger", .create = true, .busy_timeout = options.busy_timeout});
  if (!db) return std::move(db).error();
  auto connection = std::make_unique<Connection>(std::move(db.value()), std::move(options));
  if (auto configured = connection->configure(); !configured) return std::move(configured).error();
  return std::unique_ptr<SqlLedger>(new SqlLedger(std::move(connection)));
}

SqlLedger::SqlLedger(std::unique_ptr<Connection> connection) : connection_(std::move(connection)) {}
SqlLedger::~SqlLedger() = default;

Result<CommitStats> SqlLedger::commitBatch(const LedgerBatch& batch) {
  return connection_->commitBatch(batch);
}

Result<std::vector<HeldSnapshot>> SqlLedger::heldSnapshots(bool open_only) {
  return connection_->heldSnapshots(open_only);
}
Result<std::optional<std::string>> SqlLedger::cursor(const std::string& connector) {
  return connection_->cursor(connector);
}
Result<void> SqlLedger::resetCursor(const std::string& connector) {
  return connection_->resetCursor(connector);
}
Result<model::Dataset> SqlLedger::loadDataset() {
  return connection_->loadDataset();
}
Result<std::vector<StoredQuarantineEntry>> SqlLedger::quarantine(std::size_t limit) {
  return connection_->quarantine(limit);
}
Result<std::vector<MovementHistoryEntry>> SqlLedger::movementHistory(const std::optional<model::PersonId>& person) {
  return connection_->movementHistory(person);
}
void SqlLedger::close() noexcept {
  connection_->close();
}
const std::filesystem::path& SqlLedger::path() const noexcept {
  return connection_->path();
}

}  // namespace staffchain::ledger
