// Every statement on the notice tables: their schema (the ledger's migrations 4 and 6), the
// ledger's writer for a batch's notices, and NoticeOutbox for everything after.
#include "staffchain/ledger/notice_outbox.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "notice_tables.hpp"
#include "staffchain/store/database.hpp"
#include "staffchain/store/stored_time.hpp"
#include "staffchain/store/transaction.hpp"

namespace staffchain::ledger {
namespace {

using store::Statement;
using store::StatementUse;
using store::StoredTime;

// Version 4 of the ledger: the notice outbox of propagation (DOMAIN.md §2) and each notice's
// history. A notice is written with the batch whose movement caused it; its state moves
// pending -> delivered -> completed (or overdue, or dry_run for a sink that only logs).
constexpr std::string_view kCreateTables = R"sql(
CREATE TABLE notices (
  id TEXT PRIMARY KEY NOT NULL CHECK (id <> ''),
  sink TEXT NOT NULL, action TEXT NOT NULL, target_system TEXT NOT NULL,
  person_id TEXT NOT NULL, unit_id TEXT NOT NULL, deadline TEXT NOT NULL, fields TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'completed', 'overdue', 'dry_run')),
  created_at TEXT NOT NULL, delivered_at TEXT, completed_at TEXT,
  attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT NOT NULL,
  last_error TEXT NOT NULL DEFAULT '', receipt TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX notices_state ON notices (state, next_attempt_at);
CREATE INDEX notices_person ON notices (person_id);
CREATE TABLE notice_history (
  seq INTEGER PRIMARY KEY,
  notice_id TEXT NOT NULL, at TEXT NOT NULL, event TEXT NOT NULL, detail TEXT NOT NULL
);
CREATE INDEX notice_history_notice ON notice_history (notice_id, seq);
)sql";

// The tables of versions 4 and 6 on PostgreSQL, where they start at the ledger's version 7.
constexpr std::string_view kPostgresTables = R"sql(
CREATE TABLE notices (
  id TEXT PRIMARY KEY CHECK (id <> ''),
  sink TEXT NOT NULL, action TEXT NOT NULL, target_system TEXT NOT NULL,
  person_id TEXT NOT NULL, unit_id TEXT NOT NULL, deadline TEXT NOT NULL, fields TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'completed', 'overdue', 'dry_run')),
  created_at TEXT NOT NULL, delivered_at TEXT, completed_at TEXT,
  attempts BIGINT NOT NULL DEFAULT 0, next_attempt_at TEXT NOT NULL,
  last_error TEXT NOT NULL DEFAULT '', receipt TEXT NOT NULL DEFAULT ''
);
CREATE INDEX notices_state ON notices (state, next_attempt_at);
CREATE INDEX notices_person ON notices (person_id);
CREATE TABLE notice_history (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  notice_id TEXT NOT NULL, at TEXT NOT NULL, event TEXT NOT NULL, detail TEXT NOT NULL
);
CREATE INDEX notice_history_notice ON notice_history (notice_id, seq);
)sql";

// Version 6: times to the millisecond in the stored form; the deadline is a calendar date.
constexpr std::string_view kStoreTimes = R"sql(
UPDATE notices SET created_at = stored_time_from_seconds(created_at),
  delivered_at = stored_time_from_seconds(delivered_at), completed_at = stored_time_from_seconds(completed_at),
  next_attempt_at = stored_time_from_seconds(next_attempt_at);
UPDATE notice_history SET at = stored_time_from_seconds(at);
)sql";

constexpr const char* kNoticeColumns =
    "id, sink, action, target_system, person_id, unit_id, deadline, state, created_at, delivered_at, completed_at, "
    "attempts, next_attempt_at, last_error, receipt, fields";

// What is still waiting for an attempt: dry_run notices are due once, to be logged; after that
// they have an attempt.
constexpr const char* kAwaitingAttempt =
    "delivered_at IS NULL AND (state IN ('pending', 'overdue') OR (state = 'dry_run' AND attempts = 0))";

// Written by the planner in this process or an earlier one; a damaged value loses only the
// columns, never the notice's state.
std::vector<std::pair<std::string, std::string>> readFields(const std::string& json) {
  std::vector<std::pair<std::string, std::string>> out;
  const auto fields = nlohmann::json::parse(json, nullptr, false);
  if (fields.is_array()) {
    for (const auto& pair : fields) {
      if (pair.is_array() && pair.size() == 2 && pair[0].is_string() && pair[1].is_string()) {
        out.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
      }
    }
  }
  return out;
}

// A stored time as the structures show it; empty for NULL.
std::string shown(const std::optional<StoredTime>& at) {
  return at ? model::formatUtcTime(*at) : std::string();
}

Result<StoredNotice> readNotice(const Statement& s) {
  store::RowTimes times(s, "notices");
  StoredNotice notice;
  notice.id = s.text(0);
  notice.sink = s.text(1);
  notice.action = s.text(2);
  notice.target_system = s.text(3);
  notice.person_id = s.text(4);
  notice.unit_id = s.text(5);
  notice.deadline = s.text(6);
  notice.state = s.text(7);
  notice.created_at = shown(times.at(8, "created_at"));
  notice.delivered_at = shown(times.optionalAt(9, "delivered_at"));
  notice.completed_at = shown(times.optionalAt(10, "completed_at"));
  notice.attempts = s.columnInt(11);
  notice.next_attempt_at = shown(times.at(12, "next_attempt_at"));
  notice.last_error = s.text(13);
  notice.receipt = s.text(14);
  notice.fields = readFields(s.text(15));
  if (auto read = times.result(); !read) return std::move(read).error();
  return notice;
}

}  // namespace

namespace detail {

Result<void> createNoticeTables(store::Database& db) {
  return db.execute(kCreateTables, "creating the notice tables");
}

Result<void> storeNoticeTimes(store::Database& db) {
  return db.execute(kStoreTimes, "storing the notices' times to the millisecond");
}

std::string postgresNoticeTables() {
  return store::postgresTypes(kPostgresTables);
}

Result<void> NoticeWriter::prepare(store::Database& db) {
  auto insert = db.prepare(
      "INSERT INTO notices (id, sink, action, target_system, person_id, unit_id, deadline, fields, state, "
      "created_at, next_attempt_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10) "
      "ON CONFLICT (id) DO NOTHING",
      "writing a notice");
  if (!insert) return std::move(insert).error();
  auto written = db.prepare("INSERT INTO notice_history (notice_id, at, event, detail) VALUES (?1, ?2, 'written', ?3)",
                            "recording a written notice");
  if (!written) return std::move(written).error();
  insert_ = std::move(*insert);
  written_ = std::move(*written);
  return {};
}

void NoticeWriter::close() noexcept {
  insert_ = Statement{};
  written_ = Statement{};
}

std::optional<bool> NoticeWriter::write(store::Database& db, const OutboxNotice& notice, std::string_view at) {
  {
    StatementUse use(insert_);
    insert_.bindText(1, notice.id);
    insert_.bindText(2, notice.sink);
    insert_.bindText(3, notice.action);
    insert_.bindText(4, notice.target_system);
    insert_.bindText(5, notice.person_id);
    insert_.bindText(6, notice.unit_id);
    insert_.bindText(7, notice.deadline);
    insert_.bindText(8, notice.fields_json);
    insert_.bindText(9, notice.dry_run ? "dry_run" : "pending");
    insert_.bindText(10, at);
    if (insert_.step() != SQLITE_DONE) return std::nullopt;
  }
  if (db.changes() == 0) return false;
  StatementUse use(written_);
  written_.bindText(1, notice.id);
  written_.bindText(2, at);
  written_.bindText(3, fmt::format("{} for {} via sink {}, due {}{}", notice.action, notice.target_system, notice.sink,
                                   notice.deadline, notice.dry_run ? " (dry run: not sent)" : ""));
  if (written_.step() != SQLITE_DONE) return std::nullopt;
  return true;
}

}  // namespace detail

std::string StoredNotice::field(std::string_view name) const {
  for (const auto& [key, value] : fields) {
    if (key == name) return value;
  }
  return {};
}

Result<std::unique_ptr<NoticeOutbox>> NoticeOutbox::open(const store::Location& ledger) {
  // The ledger creates and migrates the store (the notices are written with its batches).
  auto db = store::Database::open(ledger,
                                  {.label = "notice outbox", .create = false, .busy_timeout = std::chrono::seconds(5)});
  if (!db) return std::move(db).error();
  std::unique_ptr<NoticeOutbox> outbox(new NoticeOutbox(std::move(db.value())));
  const bool postgres = outbox->db_->dialect() == store::Dialect::postgresql;
  bool has_table = false;
  auto checked = outbox->query(postgres ? "SELECT 1 FROM information_schema.tables WHERE table_schema = "
                                          "current_schema() AND table_name = 'notices'"
                                        : "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'notices'",
                               {}, "looking for the notices table", [&](const Statement&) { has_table = true; });
  if (!checked) return std::move(checked).error();
  if (!has_table) {
    return makeError(
        fmt::format("notice outbox {}: opening failed: the {} has no notices table (open it as a "
                    "ledger first, which migrates it)",
                    outbox->db_->pathText(), postgres ? "database" : "file"));
  }
  return outbox;
}

NoticeOutbox::NoticeOutbox(std::unique_ptr<store::Database> db) : db_(std::move(db)) {}
NoticeOutbox::~NoticeOutbox() = default;

// Runs `sql` with text parameters ?1..?n, calling `row` for each result row.
template <typename Row>
Result<void> NoticeOutbox::query(const std::string& sql, const std::vector<std::string>& binds, std::string_view what,
                                 Row row) {
  auto statement = db_->prepare(sql, what);
  if (!statement) return std::move(statement).error();
  for (std::size_t i = 0; i < binds.size(); ++i) {
    // A statement need not use every parameter offered (a transition offers its time to all).
    if (const int rc = statement->bindText(static_cast<int>(i + 1), binds[i]); rc != SQLITE_OK && rc != SQLITE_RANGE) {
      return db_->failure(what);
    }
  }
  return db_->eachRow(*statement, what, row);
}

Result<std::vector<StoredNotice>> NoticeOutbox::notices(const std::string& sql, const std::vector<std::string>& binds,
                                                        std::string_view what) {
  std::vector<StoredNotice> out;
  auto done = query(sql, binds, what, [&](const Statement& s) -> Result<void> {
    auto notice = readNotice(s);
    if (!notice) return std::move(notice).error();
    out.push_back(std::move(*notice));
    return {};
  });
  if (!done) return std::move(done).error();
  return out;
}

Result<std::vector<StoredNotice>> NoticeOutbox::list(const NoticeFilter& filter) {
  std::string sql = fmt::format("SELECT {} FROM notices WHERE 1 = 1", kNoticeColumns);
  std::vector<std::string> binds;
  auto where = [&](const std::string& value, std::string_view column) {
    if (value.empty()) return;
    binds.push_back(value);
    sql += fmt::format(" AND {} = ?{}", column, binds.size());
  };
  where(filter.state, "state");
  where(filter.unit, "unit_id");
  where(filter.system, "target_system");
  where(filter.person, "person_id");
  sql += fmt::format(" ORDER BY created_at, id LIMIT {}", filter.limit);
  return notices(sql, binds, "listing notices");
}

Result<std::set<std::string, std::less<>>> NoticeOutbox::personsWithNotices() {
  std::set<std::string, std::less<>> out;
  auto done = query("SELECT DISTINCT person_id FROM notices WHERE person_id <> ''", {},
                    "listing the persons with notices", [&](const Statement& s) -> Result<void> {
                      out.emplace(s.columnText(0));
                      return {};
                    });
  if (!done) return std::move(done).error();
  return out;
}

Result<std::optional<StoredNotice>> NoticeOutbox::find(const std::string& id) {
  auto found = notices(fmt::format("SELECT {} FROM notices WHERE id = ?1", kNoticeColumns), {id},
                       fmt::format("reading notice {}", id));
  if (!found) return std::move(found).error();
  if (found->empty()) return std::optional<StoredNotice>{};
  return std::optional<StoredNotice>{std::move(found->front())};
}

Result<std::vector<StoredNotice>> NoticeOutbox::due(StoredTime now, std::size_t limit) {
  return notices(fmt::format("SELECT {} FROM notices WHERE {} AND next_attempt_at <= ?1 "
                             "ORDER BY next_attempt_at, created_at, id LIMIT {}",
                             kNoticeColumns, kAwaitingAttempt, limit),
                 {store::storedTime(now)}, "reading the due notices");
}

Result<std::optional<StoredTime>> NoticeOutbox::nextAttempt() {
  std::optional<StoredTime> out;
  auto done = query(fmt::format("SELECT min(next_attempt_at) FROM notices WHERE {}", kAwaitingAttempt), {},
                    "reading the next notice attempt", [&](const Statement& s) -> Result<void> {
                      auto next = store::optionalColumnTime(s, 0, "notices.next_attempt_at");
                      if (!next) return std::move(next).error();
                      out = *next;
                      return {};
                    });
  if (!done) return std::move(done).error();
  return out;
}

Result<std::vector<StoredNotice>> NoticeOutbox::waiting() {
  return notices(fmt::format("SELECT {} FROM notices WHERE state IN ('pending', 'delivered', 'overdue') "
                             "ORDER BY created_at, id",
                             kNoticeColumns),
                 {}, "reading the open notices");
}

Result<std::vector<std::pair<std::string, std::string>>> NoticeOutbox::pastDeadline(model::Date today) {
  std::vector<std::pair<std::string, std::string>> out;
  auto found = query("SELECT id, deadline FROM notices WHERE state IN ('pending', 'delivered') AND deadline < ?1",
                     {model::formatDate(today)}, "looking for overdue notices",
                     [&](const Statement& s) { out.emplace_back(s.text(0), s.text(1)); });
  if (!found) return std::move(found).error();
  return out;
}

Result<std::vector<StoredNotice>> NoticeOutbox::alike(const OutboxNotice& planned) {
  std::vector<StoredNotice> out;
  auto found = query(
      "SELECT id, fields FROM notices WHERE person_id = ?1 AND unit_id = ?2 AND action = ?3 AND sink = ?4 "
      "ORDER BY created_at, id",
      {planned.person_id, planned.unit_id, planned.action, planned.sink},
      fmt::format("looking for a stored notice like {}", planned.id), [&](const Statement& s) {
        StoredNotice stored;
        stored.id = s.text(0);
        stored.fields = readFields(s.text(1));
        out.push_back(std::move(stored));
      });
  if (!found) return std::move(found).error();
  return out;
}

Result<void> NoticeOutbox::transition(const std::string& id, const std::string& sql,
                                      const std::vector<std::string>& binds, StoredTime at, std::string_view event,
                                      const std::string& detail, std::string_view what) {
  const std::string stored_at = store::storedTime(at);
  std::vector<std::string> all{id, stored_at};
  all.insert(all.end(), binds.begin(), binds.end());
  const auto operation = fmt::format("{} notice {}", what, id);
  auto transaction = store::Transaction::begin(*db_, operation);
  if (!transaction) return std::move(transaction).error();
  if (auto changed = query(sql, all, operation, [](const Statement&) {}); !changed) return changed;
  const bool applied = db_->changes() > 0;
  if (applied) {
    auto recorded = query("INSERT INTO notice_history (notice_id, at, event, detail) VALUES (?1, ?2, ?3, ?4)",
                          {id, stored_at, std::string(event), detail}, operation, [](const Statement&) {});
    if (!recorded) return recorded;
  }
  if (auto committed = transaction->commit(operation); !committed) return committed;
  if (!applied) return makeError(fmt::format("{} failed: no such notice in a state that allows it", operation));
  return {};
}

Result<void> NoticeOutbox::delivered(const std::string& id, const std::string& answer, bool duplicate, StoredTime at) {
  return transition(id,
                    "UPDATE notices SET delivered_at = ?2, attempts = attempts + 1, receipt = ?3, last_error = '', "
                    "state = CASE WHEN state = 'pending' THEN 'delivered' ELSE state END "
                    "WHERE id = ?1 AND delivered_at IS NULL",
                    {answer}, at, duplicate ? "duplicate" : "delivered", answer, "recording the delivery of");
}

Result<void> NoticeOutbox::failed(const std::string& id, const std::string& error, StoredTime next_attempt,
                                  StoredTime at) {
  return transition(id,
                    "UPDATE notices SET attempts = attempts + 1, last_error = ?3, next_attempt_at = ?4 "
                    "WHERE id = ?1 AND delivered_at IS NULL",
                    {error, store::storedTime(next_attempt)}, at, "failed", error, "recording a failed delivery of");
}

Result<void> NoticeOutbox::dryRun(const std::string& id, const std::string& description, StoredTime at) {
  return transition(id,
                    "UPDATE notices SET state = 'dry_run', attempts = attempts + 1, receipt = ?3 "
                    "WHERE id = ?1 AND delivered_at IS NULL",
                    {description}, at, "dry_run", description, "recording the dry run of");
}

Result<void> NoticeOutbox::complete(const std::string& id, const std::string& how, StoredTime at) {
  return transition(id,
                    "UPDATE notices SET state = 'completed', completed_at = ?2 "
                    "WHERE id = ?1 AND state IN ('pending', 'delivered', 'overdue')",
                    {}, at, "completed", how, "completing");
}

Result<void> NoticeOutbox::overdue(const std::string& id, const std::string& why, StoredTime at) {
  return transition(id, "UPDATE notices SET state = 'overdue' WHERE id = ?1 AND state IN ('pending', 'delivered')", {},
                    at, "overdue", why, "marking overdue");
}

Result<std::vector<NoticeEvent>> NoticeOutbox::history(const std::string& id) {
  std::vector<NoticeEvent> out;
  auto done = query("SELECT at, event, detail FROM notice_history WHERE notice_id = ?1 ORDER BY seq", {id},
                    fmt::format("reading the history of notice {}", id), [&](const Statement& s) -> Result<void> {
                      auto at = store::columnTime(s, 0, "notice_history.at");
                      if (!at) return std::move(at).error();
                      out.push_back(NoticeEvent{model::formatUtcTime(*at), s.text(1), s.text(2)});
                      return {};
                    });
  if (!done) return std::move(done).error();
  return out;
}

Result<std::map<std::string, std::size_t>> NoticeOutbox::countByState() {
  std::map<std::string, std::size_t> out;
  for (const auto state : kNoticeStates) out[std::string(state)] = 0;
  auto done = query("SELECT state, count(*) FROM notices GROUP BY state", {}, "counting notices by state",
                    [&](const Statement& s) { out[s.text(0)] = static_cast<std::size_t>(s.columnInt(1)); });
  if (!done) return std::move(done).error();
  return out;
}

}  // namespace staffchain::ledger
