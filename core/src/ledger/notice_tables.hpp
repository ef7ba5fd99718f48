// The ledger's side of the notice tables (ledger/notice_outbox.hpp): their part of the ledger's
// migrations, and the writer a batch's transaction puts its notices in with. Defined beside
// NoticeOutbox in notice_outbox.cpp, so that every statement on the notices is in one file.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "staffchain/ledger/ledger.hpp"
#include "staffchain/store/database.hpp"

namespace staffchain::ledger::detail {

// Migration 4: the notice outbox and each notice's history.
Result<void> createNoticeTables(store::Database& db);
// Migration 6: their times in the stored form (store/stored_time.hpp).
Result<void> storeNoticeTimes(store::Database& db);
// The same tables as they are now, on PostgreSQL (store::postgresTypes applied).
std::string postgresNoticeTables();

class NoticeWriter {
 public:
  // On the ledger's connection, once migrated.
  Result<void> prepare(store::Database& db);
  // Statements first, before their connection closes.
  void close() noexcept;
  // Stores a new notice, pending (or dry_run), due at once, with its 'written' event, both at
  // `at` (a stored time). True when the notice is new; false when its id was stored already,
  // which keeps its state and history; nothing when SQLite failed (Database::failure says why).
  std::optional<bool> write(store::Database& db, const OutboxNotice& notice, std::string_view at);

 private:
  store::Statement insert_;
  store::Statement written_;
};

}  // namespace staffchain::ledger::detail
