#include "staffchain/propagation/notice_store.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "staffchain/propagation/notice_planner.hpp"
#include "staffchain/sqlite/database.hpp"

namespace staffchain::propagation {
namespace {

constexpr const char* kNoticeColumnsSql =
    "id, sink, action, target_system, person_id, unit_id, deadline, state, created_at, coalesce(delivered_at, ''), "
    "coalesce(completed_at, ''), attempts, next_attempt_at, last_error, receipt, fields";

using sqlite::Statement;

std::string columnText(const Statement& statement, int index) {
  return statement.text(index);
}

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

StoredNotice readNotice(const Statement& statement) {
  StoredNotice notice;
  notice.id = columnText(statement, 0);
  notice.sink = columnText(statement, 1);
  notice.action = columnText(statement, 2);
  notice.target_system = columnText(statement, 3);
  notice.person_id = columnText(statement, 4);
  notice.unit_id = columnText(statement, 5);
  notice.deadline = columnText(statement, 6);
  notice.state = columnText(statement, 7);
  notice.created_at = columnText(statement, 8);
  notice.delivered_at = columnText(statement, 9);
  notice.completed_at = columnText(statement, 10);
  notice.attempts = statement.columnInt(11);
  notice.next_attempt_at = columnText(statement, 12);
  notice.last_error = columnText(statement, 13);
  notice.receipt = columnText(statement, 14);
  notice.fields = readFields(columnText(statement, 15));
  return notice;
}

std::optional<SystemClock::time_point> parseUtc(std::string_view text) {
  // "YYYY-MM-DDTHH:MM:SSZ"
  if (text.size() != 20) return std::nullopt;
  const auto date = model::parseDate(text.substr(0, 10));
  if (!date) return std::nullopt;
  auto number = [&](std::size_t at) { return (text[at] - '0') * 10 + (text[at + 1] - '0'); };
  const auto seconds =
      std::chrono::hours(number(11)) + std::chrono::minutes(number(14)) + std::chrono::seconds(number(17));
  return SystemClock::time_point(std::chrono::sys_days(std::chrono::days(date->days))) + seconds;
}

}  // namespace

std::string StoredNotice::field(std::string_view name) const {
  for (const auto& [key, value] : fields) {
    if (key == name) return value;
  }
  return {};
}

class NoticeStore::Connection {
 public:
  Connection(std::unique_ptr<sqlite::Database> db, Clock clock) : db_(std::move(db)), clock_(std::move(clock)) {}

  [[nodiscard]] std::string now() const { return model::formatUtcTime(nowPoint()); }
  [[nodiscard]] SystemClock::time_point nowPoint() const { return clock_ ? clock_() : SystemClock::now(); }

  // Runs `sql` with text parameters ?1..?n, calling `row` for each result row.
  template <typename RowFn>
  Result<void> query(const std::string& sql, const std::vector<std::string>& binds, std::string_view what, RowFn row) {
    auto statement = db_->prepare(sql, what);
    if (!statement) return std::move(statement).error();
    for (std::size_t i = 0; i < binds.size(); ++i) {
      // A statement need not use every parameter offered (a transition offers its time to all).
      if (const int rc = statement->bindText(static_cast<int>(i + 1), binds[i]);
          rc != SQLITE_OK && rc != SQLITE_RANGE) {
        return db_->failure(what);
      }
    }
    return db_->eachRow(*statement, what, row);
  }
  Result<void> exec(const std::string& sql, const std::vector<std::string>& binds, std::string_view what) {
    return query(sql, binds, what, [](const Statement&) {});
  }
  [[nodiscard]] std::int64_t changes() const noexcept { return db_->changes(); }

 private:
  std::unique_ptr<sqlite::Database> db_;
  Clock clock_;
};

Result<std::unique_ptr<NoticeStore>> NoticeStore::open(const std::filesystem::path& ledger_path, Clock clock) {
  // The ledger creates and migrates the file (the notices table is written with its batches).
  auto db = sqlite::Database::open(
      ledger_path, {.label = "notice outbox", .create = false, .busy_timeout = std::chrono::seconds(5)});
  if (!db) return std::move(db).error();
  const std::string path = ledger_path.string();
  auto connection = std::make_unique<Connection>(std::move(db.value()), std::move(clock));
  bool has_table = false;
  auto checked = connection->query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'notices'", {},
                                   "looking for the notices table", [&](const Statement&) { has_table = true; });
  if (!checked) return std::move(checked).error();
  if (!has_table) {
    return makeError(
        fmt::format("notice outbox {}: opening failed: the file has no notices table (open it as a "
                    "ledger first, which migrates it)",
                    path));
  }
  return std::unique_ptr<NoticeStore>(new NoticeStore(std::move(connection)));
}

NoticeStore::NoticeStore(std::unique_ptr<Connection> connection) : connection_(std::move(connection)) {}
NoticeStore::~NoticeStore() = default;

Result<std::vector<StoredNotice>> NoticeStore::list(const NoticeFilter& filter) {
  std::string sql = fmt::format("SELECT {} FROM notices WHERE 1 = 1", kNoticeColumnsSql);
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
  std::vector<StoredNotice> out;
  auto done =
      connection_->query(sql, binds, "listing notices", [&](const Statement& s) { out.push_back(readNotice(s)); });
  if (!done) return std::move(done).error();
  return out;
}

Result<std::optional<StoredNotice>> NoticeStore::find(const std::string& id) {
  std::optional<StoredNotice> out;
  auto done =
      connection_->query(fmt::format("SELECT {} FROM notices WHERE id = ?1", kNoticeColumnsSql), {id},
                         fmt::format("reading notice {}", id), [&](const Statement& s) { out = readNotice(s); });
  if (!done) return std::move(done).error();
  return out;
}

Result<std::vector<StoredNotice>> NoticeStore::due(std::size_t limit) {
  std::vector<StoredNotice> out;
  // dry_run notices are due once, to be logged; after that they have an attempt.
  auto done = connection_->query(
      fmt::format("SELECT {} FROM notices WHERE delivered_at IS NULL AND next_attempt_at <= ?1 AND "
                  "(state IN ('pending', 'overdue') OR (state = 'dry_run' AND attempts = 0)) "
                  "ORDER BY next_attempt_at, created_at, id LIMIT {}",
                  kNoticeColumnsSql, limit),
      {connection_->now()}, "reading the due notices", [&](const Statement& s) { out.push_back(readNotice(s)); });
  if (!done) return std::move(done).error();
  return out;
}

Result<std::optional<SystemClock::time_point>> NoticeStore::nextAttempt() {
  std::optional<SystemClock::time_point> out;
  auto done = connection_->query(
      "SELECT min(next_attempt_at) FROM notices WHERE delivered_at IS NULL AND "
      "(state IN ('pending', 'overdue') OR (state = 'dry_run' AND attempts = 0))",
      {}, "reading the next notice attempt", [&](const Statement& s) {
        if (!s.columnIsNull(0)) out = parseUtc(columnText(s, 0));
      });
  if (!done) return std::move(done).error();
  return out;
}

Result<std::vector<StoredNotice>> NoticeStore::open() {
  std::vector<StoredNotice> out;
  auto done = connection_->query(
      fmt::format("SELECT {} FROM notices WHERE state IN ('pending', 'delivered', 'overdue') ORDER BY created_at, id",
                  kNoticeColumnsSql),
      {}, "reading the open notices", [&](const Statement& s) { out.push_back(readNotice(s)); });
  if (!done) return std::move(done).error();
  return out;
}

Result<void> NoticeStore::transition(const std::string& id, const std::string& sql, std::vector<std::string> binds,
                                     const std::string& event, const std::string& detail, std::string_view what) {
  const std::string at = connection_->now();
  binds.insert(binds.begin(), {id, at});
  const auto operation = fmt::format("{} notice {}", what, id);
  if (auto begun = connection_->exec("BEGIN IMMEDIATE", {}, operation); !begun) return begun;
  auto changed = connection_->exec(sql, binds, operation);
  const bool applied = changed && connection_->changes() > 0;
  if (changed && applied) {
    changed = connection_->exec("INSERT INTO notice_history (notice_id, at, event, detail) VALUES (?1, ?2, ?3, ?4)",
                                {id, at, event, detail}, operation);
  }
  if (!changed) {
    (void)connection_->exec("ROLLBACK", {}, operation);
    return changed;
  }
  if (auto committed = connection_->exec("COMMIT", {}, operation); !committed) {
    (void)connection_->exec("ROLLBACK", {}, operation);
    return committed;
  }
  if (!applied) return makeError(fmt::format("{} failed: no such notice in a state that allows it", operation));
  return {};
}

Result<void> NoticeStore::delivered(const std::string& id, const std::string& answer, bool duplicate) {
  return transition(id,
                    "UPDATE notices SET delivered_at = ?2, attempts = attempts + 1, receipt = ?3, last_error = '', "
                    "state = CASE WHEN state = 'pending' THEN 'delivered' ELSE state END "
                    "WHERE id = ?1 AND delivered_at IS NULL",
                    {answer}, duplicate ? "duplicate" : "delivered", answer, "recording the delivery of");
}

Result<void> NoticeStore::failed(const std::string& id, const std::string& error, std::chrono::milliseconds retry_in) {
  const auto next = model::formatUtcTime(connection_->nowPoint() + retry_in);
  return transition(id,
                    "UPDATE notices SET attempts = attempts + 1, last_error = ?3, next_attempt_at = ?4 "
                    "WHERE id = ?1 AND delivered_at IS NULL",
                    {error, next}, "failed", error, "recording a failed delivery of");
}

Result<void> NoticeStore::dryRun(const std::string& id, const std::string& description) {
  return transition(id,
                    "UPDATE notices SET state = 'dry_run', attempts = attempts + 1, receipt = ?3 "
                    "WHERE id = ?1 AND delivered_at IS NULL",
                    {description}, "dry_run", description, "recording the dry run of");
}

Result<void> NoticeStore::complete(const std::string& id, const std::string& how) {
  return transition(id,
                    "UPDATE notices SET state = 'completed', completed_at = ?2 "
                    "WHERE id = ?1 AND state IN ('pending', 'delivered', 'overdue')",
                    {}, "completed", how, "completing");
}

Result<std::size_t> NoticeStore::markOverdue(model::Date today) {
  std::vector<std::pair<std::string, std::string>> late;  // id, deadline
  auto found =
      connection_->query("SELECT id, deadline FROM notices WHERE state IN ('pending', 'delivered') AND deadline < ?1",
                         {model::formatDate(today)}, "looking for overdue notices",
                         [&](const Statement& s) { late.emplace_back(columnText(s, 0), columnText(s, 1)); });
  if (!found) return std::move(found).error();
  for (const auto& [id, deadline] : late) {
    auto marked = transition(
        id, "UPDATE notices SET state = 'overdue' WHERE id = ?1 AND state IN ('pending', 'delivered')", {}, "overdue",
        fmt::format("deadline {} passed without the expected record", deadline), "marking overdue");
    if (!marked) return std::move(marked).error();
  }
  return late.size();
}

Result<std::size_t> NoticeStore::adoptStoredIds(std::vector<ledger::OutboxNotice>& planned) {
  std::size_t adopted = 0;
  for (auto& notice : planned) {
    const auto action = parseNoticeAction(notice.action);
    if (!action) continue;
    // The key is recomputed from what each stored notice carries, so a notice of any earlier
    // version is recognised by what it is about, not by how its id was made.
    std::optional<std::string> stored_id;
    auto found = connection_->query(
        "SELECT id, fields FROM notices WHERE person_id = ?1 AND unit_id = ?2 AND action = ?3 AND sink = ?4 "
        "ORDER BY created_at, id",
        {notice.person_id, notice.unit_id, notice.action, notice.sink},
        fmt::format("looking for a stored notice like {}", notice.id), [&](const Statement& s) {
          if (stored_id) return;
          StoredNotice stored;
          stored.id = columnText(s, 0);
          stored.fields = readFields(columnText(s, 1));
          const auto stay = model::parseDate(stored.field("effective_on"));
          if (stay && noticeKey(notice.person_id, notice.unit_id, *action, *stay, notice.sink) == notice.id) {
            stored_id = std::move(stored.id);
          }
        });
    if (!found) return std::move(found).error();
    if (!stored_id || *stored_id == notice.id) continue;
    notice.id = *stored_id;
    auto fields = nlohmann::json::parse(notice.fields_json, nullptr, false);
    if (fields.is_array()) {
      for (auto& pair : fields) {
        if (pair.is_array() && pair.size() == 2 && pair[0] == "notice_id") pair[1] = notice.id;
      }
      notice.fields_json = fields.dump();
    }
    ++adopted;
  }
  return adopted;
}

Result<std::vector<NoticeEvent>> NoticeStore::history(const std::string& id) {
  std::vector<NoticeEvent> out;
  auto done = connection_->query("SELECT at, event, detail FROM notice_history WHERE notice_id = ?1 ORDER BY seq", {id},
                                 fmt::format("reading the history of notice {}", id), [&](const Statement& s) {
                                   out.push_back(NoticeEvent{columnText(s, 0), columnText(s, 1), columnText(s, 2)});
                                 });
  if (!done) return std::move(done).error();
  return out;
}

Result<std::map<std::string, std::size_t>> NoticeStore::countByState() {
  std::map<std::string, std::size_t> out;
  for (const auto state : kNoticeStates) out[std::string(state)] = 0;
  auto done =
      connection_->query("SELECT state, count(*) FROM notices GROUP BY state", {}, "counting notices by state",
                         [&](const Statement& s) { out[columnText(s, 0)] = static_cast<std::size_t>(s.columnInt(1)); });
  if (!done) return std::move(done).error();
  return out;
}

}  // namespace staffchain::propagation
