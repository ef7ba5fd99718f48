// Every SQL statement the SQLite ledger runs, prepared once per connection, but for those on the
// notice tables (notice_tables.hpp).
#pragma once

#include <array>
#include <string>

#include "staffchain/plugin/records.hpp"
#include "staffchain/plugin/result.hpp"
#include "staffchain/store/database.hpp"

namespace staffchain::ledger::detail {

using store::Statement;
using store::StatementUse;

// Parameter numbers shared by the insert and update statements of every record table and by
// the movement history insert (which has the change where the others have the hash).
namespace params {
inline constexpr int kParamConnector = 1;
inline constexpr int kParamKey = 2;
inline constexpr int kParamRow = 3;
inline constexpr int kParamHash = 4;
inline constexpr int kParamChange = 4;
inline constexpr int kParamNow = 5;
inline constexpr int kParamFirstColumn = 6;
// A table with cluster columns (record_tables.hpp) finds a row by them too: the lookup and the
// removal take them from their third parameter on, the row move from its fourth; the update
// matches them against the record's own columns.
inline constexpr int kParamLookupCluster = 3;
inline constexpr int kParamRemoveCluster = 3;
inline constexpr int kParamMoveCluster = 4;
}  // namespace params

struct TableStatements {
  Statement lookup;    // (connector, key, cluster...) -> content_hash, source_row
  Statement insert;    // params above; a key already held is left as it is (Database::changes() 0)
  Statement update;    // params above; bumps version
  Statement move_row;  // (connector, key, row, cluster...)
  Statement keys;      // (connector) -> record_key, content_hash, source_row; in storedBefore order
  Statement remove;    // (connector, key, cluster...)
  Statement count;     // (connector) -> count
  Statement load;      // -> connector, source_row, canonical columns
};

struct LedgerStatements {
  std::array<TableStatements, plugin::kRecordTypeCount> tables;
  Statement begin, commit, rollback;
  Statement add_connector, set_cursor, get_cursor, reset_cursor, list_connectors;
  Statement upsert_quarantine, list_quarantine, all_quarantine;
  Statement history_insert, history_removed, removal_log, history_all, history_of_person;
  Statement marks_clear, marks_insert, marks_list;
  Statement held_find_open, held_insert, held_update, held_resolve, held_list;
};

// Errors name the ledger path and the statement's purpose.
Result<void> prepareStatements(store::Database& db, LedgerStatements& out);

}  // namespace staffchain::ledger::detail
