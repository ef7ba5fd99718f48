// The ledger's side of the notice tables (ledger/notice_outbox.hpp): their part of the ledger's
// migrations, and the writer a batch's transaction puts its notices in with. Defined beside
// NoticeOutbox in notice_outbox.cpp, so that every statement on the notices is in one file.
#pragma once

#include <optional>
#include <string_view>

#include "staffchain/ledger/ledger.hpp"
#include "staffchain/sqlite/database.hpp"

namespace staffchain::ledger::detail {

// Migration 4: the notice outbox and each notice's history.
Result<void> createNoticeTables(sqlite::Database& db);
// Migration 6: their times in the stored form (sqlite/stored_time.hpp).
Result<void> storeNoticeTimes(sqlite::Database& db);

class NoticeWriter {
 public:
  // On the ledger's connection, once migrated.
  Result<void> prepare(sqlite::Database& db);
  // Statements first, before their connection closes.
  void close() noexcept;
  // Stores a new notice, pending (or dry_run), due at once, with its 'written' event, both at
  // `at` (a stored time). True when the notice is new; false when its id was stored already,
  // which keeps its state and history; nothing when SQLite failed (Database::failure says why).
  std::optional<bool> write(sqlite::Database& db, const OutboxNotice& notice, std::string_view at);

 private:
  sqlite::Statement insert_;
  sqlite::Statement written_;
};

}  // namespace staffchain::ledger::detail
