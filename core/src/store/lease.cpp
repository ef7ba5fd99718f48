#include "staffchain/store/lease.hpp"

#include <fmt/format.h>

#include <array>
#include <utility>

#include "staffchain/store/migrations.hpp"
#include "staffchain/store/transaction.hpp"

namespace staffchain::store {
namespace {

// The lease's tables and the fence. Times are the server's (timestamptz, now()): two machines'
// clocks never have to agree. A session that set no term (a tool, a migration, a daemon's store
// opened before it held the lease) is not fenced.
constexpr std::string_view kLeaseVersion1 = R"sql(
CREATE TABLE daemon_lease (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  holder TEXT NOT NULL, term BIGINT NOT NULL
);
CREATE TABLE daemon_lease_renewal (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  expires_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE daemon_members (
  instance TEXT PRIMARY KEY, role TEXT NOT NULL, term BIGINT NOT NULL, seen_at TIMESTAMPTZ NOT NULL
);
INSERT INTO daemon_lease (id, holder, term) VALUES (1, '', 0);
INSERT INTO daemon_lease_renewal (id, expires_at) VALUES (1, '-infinity');
CREATE FUNCTION staffchain_fence() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  mine TEXT := current_setting('staffchain.term', true);
  held BIGINT;
  holder_now TEXT;
BEGIN
  IF mine IS NULL OR mine = '' THEN
    RETURN NULL;
  END IF;
  SELECT term, holder INTO held, holder_now FROM daemon_lease WHERE id = 1 FOR SHARE;
  IF held IS DISTINCT FROM mine::BIGINT THEN
    RAISE EXCEPTION 'fenced: this daemon writes under lease term %, and % holds term % now', mine, holder_now, held
      USING ERRCODE = '72000';
  END IF;
  RETURN NULL;
END
$$;
)sql";

}  // namespace

Result<std::unique_ptr<Lease>> Lease::open(const PostgresTarget& target, std::string instance,
                                           std::chrono::milliseconds duration) {
  PostgresTarget unfenced = target;
  unfenced.fence_term.reset();  // the lease's own writes decide the term
  auto db = Database::connect(unfenced, {.label = "lease", .create = false});
  if (!db) return std::move(db).error();
  const std::array migrations{Migration{1, kLeaseVersion1, nullptr}};
  if (auto migrated = migrate(**db, SchemaOwner{"lease schema", "lease_schema"}, migrations); !migrated) {
    return std::move(migrated).error();
  }
  return std::unique_ptr<Lease>(new Lease(std::move(db.value()), std::move(instance), duration));
}

Lease::Lease(std::unique_ptr<Database> db, std::string instance, std::chrono::milliseconds duration)
    : db_(std::move(db)), instance_(std::move(instance)), duration_(duration) {}

Lease::~Lease() = default;

Result<void> Lease::seen(std::string_view role, std::int64_t term) {
  const auto operation = fmt::format("recording daemon {} as {}", instance_, role);
  auto statement = db_->cached(
      "INSERT INTO daemon_members (instance, role, term, seen_at) VALUES (?1, ?2, ?3, now()) "
      "ON CONFLICT (instance) DO UPDATE SET role = excluded.role, term = excluded.term, seen_at = excluded.seen_at",
      operation);
  if (!statement) return std::move(statement).error();
  (*statement)->bindText(1, instance_);
  (*statement)->bindText(2, role);
  (*statement)->bindInt(3, term);
  return db_->run(**statement, operation);
}

Result<std::optional<std::int64_t>> Lease::acquire(std::optional<std::int64_t> held_term) {
  const auto interval = fmt::format("{} milliseconds", duration_.count());
  if (held_term) {
    // Renewed while daemon_lease still names this daemon under the same term: a takeover, even
    // one that found the lease expired, changes the term.
    const auto operation = fmt::format("renewing the lease of daemon {}", instance_);
    auto renew = db_->cached(
        "UPDATE daemon_lease_renewal SET expires_at = now() + CAST(?3 AS INTERVAL) WHERE id = 1 AND EXISTS "
        "(SELECT 1 FROM daemon_lease WHERE id = 1 AND holder = ?1 AND term = ?2)",
        operation);
    if (!renew) return std::move(renew).error();
    (*renew)->bindText(1, instance_);
    (*renew)->bindInt(2, *held_term);
    (*renew)->bindText(3, interval);
    if (auto done = db_->run(**renew, operation); !done) return std::move(done).error();
    if (db_->changes() == 1) {
      if (auto recorded = seen("active", *held_term); !recorded) return std::move(recorded).error();
      return std::optional<std::int64_t>(*held_term);
    }
    return std::optional<std::int64_t>();
  }
  const auto operation = fmt::format("taking the lease for daemon {}", instance_);
  auto transaction = Transaction::begin(*db_, operation);
  if (!transaction) return std::move(transaction).error();
  std::int64_t term = 0;
  bool expired = false;
  {
    auto read = db_->cached(
        "SELECT l.term, r.expires_at <= now() FROM daemon_lease l, daemon_lease_renewal r "
        "WHERE l.id = 1 AND r.id = 1 FOR UPDATE OF r",
        operation);
    if (!read) return std::move(read).error();
    auto each = db_->eachRow(**read, operation, [&](const Statement& row) {
      term = row.columnInt(0);
      expired = row.columnText(1) == "t";
    });
    if (!each) return std::move(each).error();
  }
  if (!expired) {
    (void)transaction->commit(operation);
    if (auto recorded = seen("standby", term); !recorded) return std::move(recorded).error();
    return std::optional<std::int64_t>();
  }
  // The term moves under the fence's share locks: this waits for the old holder's writes in
  // flight, after which none of its statements passes the fence.
  auto take = db_->cached(
      "UPDATE daemon_lease SET holder = ?1, term = term + 1 WHERE id = 1 AND term = ?2 "
      "RETURNING term",
      operation);
  if (!take) return std::move(take).error();
  (*take)->bindText(1, instance_);
  (*take)->bindInt(2, term);
  std::optional<std::int64_t> taken;
  if (auto each = db_->eachRow(**take, operation, [&](const Statement& row) { taken = row.columnInt(0); }); !each) {
    return std::move(each).error();
  }
  if (!taken) return std::optional<std::int64_t>();
  auto renew =
      db_->cached("UPDATE daemon_lease_renewal SET expires_at = now() + CAST(?1 AS INTERVAL) WHERE id = 1", operation);
  if (!renew) return std::move(renew).error();
  (*renew)->bindText(1, interval);
  if (auto done = db_->run(**renew, operation); !done) return std::move(done).error();
  if (auto committed = transaction->commit(operation); !committed) return std::move(committed).error();
  if (auto recorded = seen("active", *taken); !recorded) return std::move(recorded).error();
  return taken;
}

void Lease::release(std::int64_t term) noexcept {
  try {
    const std::string operation = "giving the lease up";
    auto statement = db_->cached(
        "UPDATE daemon_lease_renewal SET expires_at = now() WHERE id = 1 AND EXISTS "
        "(SELECT 1 FROM daemon_lease WHERE id = 1 AND holder = ?1 AND term = ?2)",
        operation);
    if (!statement) return;
    (*statement)->bindText(1, instance_);
    (*statement)->bindInt(2, term);
    (void)db_->run(**statement, operation);
    (void)seen("stopped", term);
  } catch (...) {
    // A stop goes on: the lease expires by itself.
  }
}

Result<LeaseView> Lease::view() {
  const std::string operation = "reading the lease";
  LeaseView out;
  // UTC to the second, as the API shows every stored time.
  constexpr const char* kUtc = "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'";
  auto lease = db_->cached(fmt::format("SELECT l.holder, l.term, r.expires_at <= now(), "
                                       "to_char(r.expires_at AT TIME ZONE 'UTC', {}) "
                                       "FROM daemon_lease l, daemon_lease_renewal r WHERE l.id = 1 AND r.id = 1",
                                       kUtc),
                           operation);
  if (!lease) return std::move(lease).error();
  auto read = db_->eachRow(**lease, operation, [&](const Statement& row) {
    out.holder = row.text(0);
    out.term = row.columnInt(1);
    out.expired = row.columnText(2) == "t";
    out.expires_at = out.term == 0 ? std::string() : row.text(3);
  });
  if (!read) return std::move(read).error();
  auto members = db_->cached(fmt::format("SELECT instance, role, term, to_char(seen_at AT TIME ZONE 'UTC', {}) "
                                         "FROM daemon_members WHERE seen_at > now() - CAST(?1 AS INTERVAL) "
                                         "ORDER BY instance",
                                         kUtc),
                             operation);
  if (!members) return std::move(members).error();
  (*members)->bindText(1, fmt::format("{} milliseconds", 3 * duration_.count()));
  read = db_->eachRow(**members, operation, [&](const Statement& row) {
    out.members.push_back(LeaseMember{row.text(0), row.text(1), row.columnInt(2), row.text(3)});
  });
  if (!read) return std::move(read).error();
  return out;
}

Result<void> Lease::fenceTables() {
  // Every table of the store but the lease's and the schema versions': a table created since the
  // last start (a new record type) gets its fence at the next.
  const std::string operation = "fencing the store's tables";
  std::vector<std::string> tables;
  auto list = db_->prepare(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
      "AND table_type = 'BASE TABLE' AND table_name NOT LIKE 'daemon\\_%' AND table_name NOT LIKE '%schema%' "
      "ORDER BY table_name",
      operation);
  if (!list) return std::move(list).error();
  auto read = db_->eachRow(*list, operation, [&](const Statement& row) { tables.push_back(row.text(0)); });
  if (!read) return read;
  std::string sql;
  for (const auto& table : tables) {
    sql += fmt::format(
        "CREATE OR REPLACE TRIGGER staffchain_fence BEFORE INSERT OR UPDATE OR DELETE ON {} "
        "FOR EACH STATEMENT EXECUTE FUNCTION staffchain_fence();\n",
        table);
  }
  if (sql.empty()) return {};
  return db_->execute(sql, operation);
}

}  // namespace staffchain::store
