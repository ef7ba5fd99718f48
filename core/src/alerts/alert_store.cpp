#include "alert_store.hpp"

#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>

#include "alert_schema.hpp"
#include "staffchain/chain/finding_json.hpp"
#include "staffchain/store/stored_time.hpp"

namespace staffchain::alerts::detail {
namespace {

using store::columnTime;
using store::optionalColumnTime;
using store::RowTimes;

using Json = nlohmann::json;

std::string encodeList(const std::vector<std::string>& values) {
  return Json(values).dump();
}

std::vector<std::string> decodeList(const std::string& text) {
  const Json parsed = Json::parse(text, nullptr, false);
  if (!parsed.is_array()) return {};
  std::vector<std::string> out;
  for (const auto& item : parsed) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

// A stored severity; "major" for one this version does not know.
chain::Severity parseSeverity(const std::string& text) {
  return chain::parseSeverity(text).value_or(chain::Severity::major);
}

// Attachments are binary: their bytes are kept as hex in the JSON text (a quarterly workbook is
// some tens of kB; nothing large goes through the outbox).
std::string toHex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out += kDigits[b >> 4U];
    out += kDigits[b & 0xFU];
  }
  return out;
}

std::string fromHex(const std::string& hex) {
  auto value = [](char c) -> unsigned {
    if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<unsigned>(c - 'a' + 10);
    return 0;
  };
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>((value(hex[i]) << 4U) | value(hex[i + 1]));
  }
  return out;
}

std::string encodeNotification(const plugin::Notification& n) {
  Json attachments = Json::array();
  for (const auto& file : n.attachments) {
    attachments.push_back({{"name", file.name}, {"content_type", file.content_type}, {"hex", toHex(file.bytes)}});
  }
  return Json{{"idempotency_key", n.idempotency_key},
              {"receiver", n.receiver},
              {"title", n.title},
              {"markdown", n.markdown},
              {"text", n.text},
              {"html", n.html},
              {"json", n.json},
              {"severity", n.severity},
              {"alert_ids", n.alert_ids},
              {"part", n.part},
              {"parts", n.parts},
              {"attachments", attachments}}
      .dump();
}

plugin::Notification decodeNotification(const std::string& text) {
  plugin::Notification n;
  const Json j = Json::parse(text, nullptr, false);
  if (!j.is_object()) return n;
  n.idempotency_key = j.value("idempotency_key", "");
  n.receiver = j.value("receiver", "");
  n.title = j.value("title", "");
  n.markdown = j.value("markdown", "");
  n.text = j.value("text", "");
  n.html = j.value("html", "");
  n.json = j.value("json", "");
  n.severity = j.value("severity", "");
  n.alert_ids = j.value("alert_ids", std::vector<std::string>{});
  n.part = j.value("part", std::size_t{1});
  n.parts = j.value("parts", std::size_t{1});
  if (const auto files = j.find("attachments"); files != j.end() && files->is_array()) {
    for (const auto& file : *files) {
      if (!file.is_object()) continue;
      n.attachments.push_back(
          {file.value("name", ""), file.value("content_type", ""), fromHex(file.value("hex", std::string()))});
    }
  }
  return n;
}

Json encodeSilenceMatch(const SilenceMatch& m) {
  return Json{{"alert_ids", m.alert_ids},
              {"rules", m.rules},
              {"units", m.units},
              {"regions", m.regions},
              {"severities", m.severities}};
}

SilenceMatch decodeSilenceMatch(const std::string& text) {
  SilenceMatch m;
  const Json j = Json::parse(text, nullptr, false);
  if (!j.is_object()) return m;
  m.alert_ids = j.value("alert_ids", std::vector<std::string>{});
  m.rules = j.value("rules", std::vector<std::string>{});
  m.units = j.value("units", std::vector<std::string>{});
  m.regions = j.value("regions", std::vector<std::string>{});
  m.severities = j.value("severities", std::vector<std::string>{});
  return m;
}

// Runs a statement that returns no rows.
template <typename Bind>
Result<void> run(Database& db, const std::string& sql, std::string_view operation, Bind bind) {
  auto statement = db.cached(sql, operation);
  if (!statement) return std::move(statement).error();
  bind(**statement);
  return db.run(**statement, operation);
}

// Calls `row` for every row a statement returns.
template <typename Bind, typename Row>
Result<void> query(Database& db, const std::string& sql, std::string_view operation, Bind bind, Row row) {
  auto statement = db.cached(sql, operation);
  if (!statement) return std::move(statement).error();
  bind(**statement);
  return db.eachRow(**statement, operation, row);
}

constexpr auto kNoBind = [](Statement&) {};

OutboxMessage outboxRow(const Statement& s, RowTimes& times) {
  OutboxMessage m;
  m.id = s.columnInt(0);
  m.group_key = s.text(1);
  m.notification = decodeNotification(s.text(2));
  m.created_at = times.at(3, "created_at");
  m.attempts = s.columnInt(4);
  m.last_error = s.text(5);
  return m;
}

}  // namespace

Result<std::unique_ptr<AlertStore>> AlertStore::open(const store::Location& ledger) {
  auto connection =
      Database::open(ledger, {.label = "alert store", .create = true, .busy_timeout = std::chrono::seconds(5)});
  if (!connection) return std::move(connection).error();
  if ((*connection)->dialect() == store::Dialect::sqlite) {
    if (auto wal = (*connection)->useWriteAheadLog(); !wal) return std::move(wal).error();
    // NORMAL is durable across process crashes in WAL mode, as for the ledger itself.
    if (auto done = (*connection)->execute("PRAGMA synchronous = NORMAL", "setting synchronous mode"); !done) {
      return std::move(done).error();
    }
  }
  if (auto migrated = migrateAlertSchema(**connection); !migrated) return std::move(migrated).error();
  return std::unique_ptr<AlertStore>(new AlertStore(std::move(connection.value())));
}

Result<void> AlertStore::begin() {
  return db_->execute(db_->dialect() == store::Dialect::postgresql ? "BEGIN" : "BEGIN IMMEDIATE",
                      "starting a transaction");
}
Result<void> AlertStore::commit() {
  return db_->execute("COMMIT", "committing a transaction");
}
void AlertStore::rollback() {
  (void)db_->execute("ROLLBACK", "rolling back a transaction");
}

Result<std::map<std::string, Alert>> AlertStore::loadAlerts() {
  std::map<std::string, Alert> out;
  auto done = query(
      *db_,
      "SELECT id, rule, severity, unit_id, person_id, region, sources, roles, since, summary_zh, summary_en, state, "
      "first_seen, last_seen, resolved_at, acknowledged_by, acknowledge_comment, acknowledged_at, escalated_at, "
      "silenced_by, inhibited_by, silence_expiry_note, evidence FROM alert_alerts",
      "loading alerts", kNoBind, [&out](const Statement& s) -> Result<void> {
        RowTimes times(s, "alert_alerts");
        Alert a;
        a.id = s.text(0);
        a.rule = s.text(1);
        a.severity = parseSeverity(s.text(2));
        a.unit_id = s.text(3);
        a.person_id = s.text(4);
        a.region = s.text(5);
        a.sources = decodeList(s.text(6));
        a.roles = decodeList(s.text(7));
        a.since = model::parseDate(s.text(8)).value_or(model::Date{});
        a.summary_zh = s.text(9);
        a.summary_en = s.text(10);
        a.state = parseAlertState(s.text(11)).value_or(AlertState::firing);
        a.first_seen = times.at(12, "first_seen");
        a.last_seen = times.at(13, "last_seen");
        a.resolved_at = times.optionalAt(14, "resolved_at");
        a.acknowledged_by = s.text(15);
        a.acknowledge_comment = s.text(16);
        a.acknowledged_at = times.optionalAt(17, "acknowledged_at");
        a.escalated_at = times.optionalAt(18, "escalated_at");
        a.silenced_by = s.text(19);
        a.inhibited_by = decodeList(s.text(20));
        a.silence_expiry_note = s.text(21);
        a.evidence = chain::evidenceFromStoredText(s.text(22));
        if (auto read = times.result(); !read) return read;
        std::string id = a.id;
        out.emplace(std::move(id), std::move(a));
        return {};
      });
  if (!done) return std::move(done).error();
  auto history = query(*db_,
                       "SELECT alert_id, by_whom, caller, at, comment FROM alert_acknowledgements "
                       "ORDER BY alert_id, seq",
                       "loading acknowledgements", kNoBind, [&out](const Statement& s) -> Result<void> {
                         auto it = out.find(s.text(0));
                         if (it == out.end()) return {};
                         auto at = columnTime(s, 3, "alert_acknowledgements.at");
                         if (!at) return std::move(at).error();
                         it->second.acknowledgements.push_back(Acknowledgement{s.text(1), s.text(2), *at, s.text(4)});
                         return {};
                       });
  if (!history) return std::move(history).error();
  return out;
}

Result<void> AlertStore::appendAcknowledgement(const std::string& alert_id, std::size_t seq,
                                               const Acknowledgement& entry) {
  return run(*db_,
             "INSERT INTO alert_acknowledgements (alert_id, seq, by_whom, caller, at, comment) "
             "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
             fmt::format("recording an acknowledgement of alert {}", alert_id), [&](Statement& s) {
               s.bind(1, alert_id);
               s.bind(2, static_cast<std::int64_t>(seq));
               s.bind(3, entry.by);
               s.bind(4, entry.caller);
               s.bind(5, entry.at);
               s.bind(6, entry.comment);
             });
}

Result<std::vector<AlertSpan>> AlertStore::spans(TimePoint from, TimePoint to) {
  std::vector<AlertSpan> out;
  auto done = query(
      *db_,
      "SELECT alert_id, rule, severity, unit_id, region, since, opened_at, resolved_at FROM alert_spans "
      "WHERE opened_at < ?2 AND (resolved_at IS NULL OR resolved_at >= ?1) ORDER BY alert_id, opened_at",
      "loading alert spans",
      [&](Statement& s) {
        s.bind(1, from);
        s.bind(2, to);
      },
      [&out](const Statement& s) -> Result<void> {
        RowTimes times(s, "alert_spans");
        AlertSpan span;
        span.alert_id = s.text(0);
        span.rule = s.text(1);
        span.severity = parseSeverity(s.text(2));
        span.unit_id = s.text(3);
        span.region = s.text(4);
        span.since = model::parseDate(s.text(5)).value_or(model::Date{});
        span.opened_at = times.at(6, "opened_at");
        span.resolved_at = times.optionalAt(7, "resolved_at");
        if (auto read = times.result(); !read) return read;
        out.push_back(std::move(span));
        return {};
      });
  if (!done) return std::move(done).error();
  return out;
}

Result<std::vector<SpanMinute>> AlertStore::spanMinutes(TimePoint from) {
  // Counted in SQL per minute of the stored UTC text ("YYYY-MM-DDTHH:MM"): evaluations open and
  // resolve alerts in bursts, so a quarter of a province's alerts is a few hundred rows here.
  std::map<std::string, SpanMinute> minutes;
  for (const bool opened : {true, false}) {
    const std::string column = opened ? "opened_at" : "resolved_at";
    auto done = query(
        *db_, fmt::format("SELECT substr({0}, 1, 16), count(*) FROM alert_spans WHERE {0} >= ?1 GROUP BY 1", column),
        "counting alert spans", [&](Statement& s) { s.bind(1, from); },
        [&](const Statement& s) -> Result<void> {
          const std::string minute = s.text(0);
          const auto at = store::parseStoredTime(minute + ":00.000Z");
          if (!at) return makeError(fmt::format("alert_spans: {} \"{}\" is not a stored time", column, minute));
          auto& entry = minutes[minute];
          entry.minute = *at;
          (opened ? entry.opened : entry.resolved) += static_cast<std::size_t>(s.columnInt(1));
          return {};
        });
    if (!done) return std::move(done).error();
  }
  std::vector<SpanMinute> out;
  out.reserve(minutes.size());
  for (auto& [key, entry] : minutes) out.push_back(entry);
  return out;
}

Result<void> AlertStore::saveAlert(const Alert& a) {
  return run(*db_,
             replaceRow(*db_, "alert_alerts", "id",
                        "id, rule, severity, unit_id, person_id, region, sources, roles, since, summary_zh, "
                        "summary_en, state, first_seen, last_seen, resolved_at, acknowledged_by, "
                        "acknowledge_comment, acknowledged_at, escalated_at, silenced_by, inhibited_by, "
                        "silence_expiry_note, evidence",
                        "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, "
                        "?20, ?21, ?22, ?23"),
             fmt::format("saving alert {}", a.id), [&a](Statement& s) {
               s.bind(1, a.id);
               s.bind(2, a.rule);
               s.bind(3, chain::toString(a.severity));
               s.bind(4, a.unit_id);
               s.bind(5, a.person_id);
               s.bind(6, a.region);
               s.bind(7, encodeList(a.sources));
               s.bind(8, encodeList(a.roles));
               s.bind(9, model::formatDate(a.since));
               s.bind(10, a.summary_zh);
               s.bind(11, a.summary_en);
               s.bind(12, toString(a.state));
               s.bind(13, a.first_seen);
               s.bind(14, a.last_seen);
               s.bind(15, a.resolved_at);
               s.bind(16, a.acknowledged_by);
               s.bind(17, a.acknowledge_comment);
               s.bind(18, a.acknowledged_at);
               s.bind(19, a.escalated_at);
               s.bind(20, a.silenced_by);
               s.bind(21, encodeList(a.inhibited_by));
               s.bind(22, a.silence_expiry_note);
               s.bind(23, chain::evidenceStoredText(a.evidence));
             });
}

Result<std::map<std::string, AlertGroup>> AlertStore::loadGroups() {
  std::map<std::string, AlertGroup> out;
  auto groups =
      query(*db_, "SELECT key, receiver, route_key, kind, labels, created_at, last_sent_at, sequence FROM alert_groups",
            "loading alert groups", kNoBind, [&out](const Statement& s) -> Result<void> {
              RowTimes times(s, "alert_groups");
              AlertGroup g;
              g.key = s.text(0);
              g.receiver = s.text(1);
              g.route_key = s.text(2);
              g.kind = s.text(3) == "escalation" ? GroupKind::escalation : GroupKind::notify;
              const Json labels = Json::parse(s.text(4), nullptr, false);
              if (labels.is_array()) {
                for (const auto& pair : labels) {
                  if (pair.is_array() && pair.size() == 2 && pair[0].is_string() && pair[1].is_string()) {
                    g.labels.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
                  }
                }
              }
              g.created_at = times.at(5, "created_at");
              g.last_sent_at = times.optionalAt(6, "last_sent_at");
              g.sequence = s.columnInt(7);
              if (auto read = times.result(); !read) return read;
              std::string key = g.key;
              out.emplace(std::move(key), std::move(g));
              return {};
            });
  if (!groups) return std::move(groups).error();
  auto members =
      query(*db_, "SELECT group_key, alert_id, notified_firing, notified_at, notified_note FROM alert_group_members",
            "loading alert group members", kNoBind, [&out](const Statement& s) -> Result<void> {
              auto it = out.find(s.text(0));
              if (it == out.end()) return {};  // a member of no group is never read
              GroupMember m;
              m.alert_id = s.text(1);
              m.notified_firing = s.columnInt(2) != 0;
              auto notified_at = optionalColumnTime(s, 3, "alert_group_members.notified_at");
              if (!notified_at) return std::move(notified_at).error();
              m.notified_at = *notified_at;
              m.notified_note = s.text(4);
              std::string id = m.alert_id;
              it->second.members.emplace(std::move(id), std::move(m));
              return {};
            });
  if (!members) return std::move(members).error();
  return out;
}

Result<void> AlertStore::saveGroup(const AlertGroup& g) {
  return run(*db_,
             replaceRow(*db_, "alert_groups", "key",
                        "key, receiver, route_key, kind, labels, created_at, last_sent_at, sequence",
                        "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8"),
             fmt::format("saving alert group {}", g.key), [&g](Statement& s) {
               s.bind(1, g.key);
               s.bind(2, g.receiver);
               s.bind(3, g.route_key);
               s.bind(4, std::string_view(g.kind == GroupKind::escalation ? "escalation" : "notify"));
               s.bind(5, Json(g.labels).dump());
               s.bind(6, g.created_at);
               s.bind(7, g.last_sent_at);
               s.bind(8, g.sequence);
             });
}

Result<void> AlertStore::deleteGroup(const std::string& key) {
  const auto operation = fmt::format("deleting alert group {}", key);
  auto bind = [&key](Statement& s) { s.bind(1, key); };
  if (auto done = run(*db_, "DELETE FROM alert_group_members WHERE group_key = ?1", operation, bind); !done)
    return done;
  return run(*db_, "DELETE FROM alert_groups WHERE key = ?1", operation, bind);
}

Result<void> AlertStore::saveMember(const std::string& group_key, const GroupMember& m) {
  return run(*db_,
             replaceRow(*db_, "alert_group_members", "group_key, alert_id",
                        "group_key, alert_id, notified_firing, notified_at, notified_note", "?1, ?2, ?3, ?4, ?5"),
             fmt::format("saving alert {} in group {}", m.alert_id, group_key), [&](Statement& s) {
               s.bind(1, group_key);
               s.bind(2, m.alert_id);
               s.bind(3, std::int64_t{m.notified_firing ? 1 : 0});
               s.bind(4, m.notified_at);
               s.bind(5, m.notified_note);
             });
}

Result<void> AlertStore::deleteMember(const std::string& group_key, const std::string& alert_id) {
  return run(*db_, "DELETE FROM alert_group_members WHERE group_key = ?1 AND alert_id = ?2",
             fmt::format("removing alert {} from group {}", alert_id, group_key), [&](Statement& s) {
               s.bind(1, group_key);
               s.bind(2, alert_id);
             });
}

Result<std::map<std::string, Silence>> AlertStore::loadSilences() {
  std::map<std::string, Silence> out;
  auto done = query(*db_,
                    "SELECT id, match, reason, author, created_at, expires_at, ended_at, end_reason, held_any, "
                    "created_by FROM alert_silences",
                    "loading silences", kNoBind, [&out](const Statement& s) -> Result<void> {
                      RowTimes times(s, "alert_silences");
                      Silence silence;
                      silence.id = s.text(0);
                      silence.match = decodeSilenceMatch(s.text(1));
                      silence.reason = s.text(2);
                      silence.author = s.text(3);
                      silence.created_at = times.at(4, "created_at");
                      silence.expires_at = times.at(5, "expires_at");
                      silence.ended_at = times.optionalAt(6, "ended_at");
                      silence.end_reason = s.text(7);
                      silence.held_any = s.columnInt(8) != 0;
                      silence.created_by = s.text(9);
                      if (auto read = times.result(); !read) return read;
                      std::string id = silence.id;
                      out.emplace(std::move(id), std::move(silence));
                      return {};
                    });
  if (!done) return std::move(done).error();
  return out;
}

Result<std::string> AlertStore::insertSilence(const Silence& silence) {
  // The id comes from the row's sequence; a placeholder first keeps the column NOT NULL UNIQUE.
  std::int64_t seq = 0;
  auto inserted = query(
      *db_,
      "INSERT INTO alert_silences (id, match, reason, author, created_at, expires_at, ended_at, "
      "end_reason, held_any, created_by) VALUES ('pending-' || (SELECT count(*) FROM alert_silences), "
      "?1, ?2, ?3, ?4, ?5, NULL, '', 0, ?6) RETURNING seq",
      "creating a silence",
      [&silence](Statement& s) {
        s.bind(1, encodeSilenceMatch(silence.match).dump());
        s.bind(2, silence.reason);
        s.bind(3, silence.author);
        s.bind(4, silence.created_at);
        s.bind(5, silence.expires_at);
        s.bind(6, silence.created_by);
      },
      [&seq](const Statement& s) { seq = s.columnInt(0); });
  if (!inserted) return std::move(inserted).error();
  std::string id = fmt::format("S{:06}", seq);
  auto named = run(*db_, "UPDATE alert_silences SET id = ?1 WHERE seq = ?2", "naming a new silence", [&](Statement& s) {
    s.bind(1, id);
    s.bind(2, seq);
  });
  if (!named) return std::move(named).error();
  return id;
}

Result<void> AlertStore::saveSilence(const Silence& silence) {
  return run(*db_,
             "UPDATE alert_silences SET expires_at = ?2, ended_at = ?3, end_reason = ?4, held_any = ?5 WHERE id = ?1",
             fmt::format("saving silence {}", silence.id), [&silence](Statement& s) {
               s.bind(1, silence.id);
               s.bind(2, silence.expires_at);
               s.bind(3, silence.ended_at);
               s.bind(4, silence.end_reason);
               s.bind(5, std::int64_t{silence.held_any ? 1 : 0});
             });
}

Result<std::map<std::string, ReceiverHealth>> AlertStore::loadReceivers() {
  std::map<std::string, ReceiverHealth> out;
  auto done = query(*db_,
                    "SELECT receiver, consecutive_failures, failures_total, delivered_total, failing_since, "
                    "last_success, next_attempt_at, last_error FROM alert_receivers",
                    "loading receiver health", kNoBind, [&out](const Statement& s) -> Result<void> {
                      RowTimes times(s, "alert_receivers");
                      ReceiverHealth h;
                      h.receiver = s.text(0);
                      h.consecutive_failures = s.columnInt(1);
                      h.failures_total = s.columnInt(2);
                      h.delivered_total = s.columnInt(3);
                      h.failing_since = times.optionalAt(4, "failing_since");
                      h.last_success = times.optionalAt(5, "last_success");
                      h.next_attempt_at = times.optionalAt(6, "next_attempt_at");
                      h.last_error = s.text(7);
                      if (auto read = times.result(); !read) return read;
                      std::string name = h.receiver;
                      out.emplace(std::move(name), std::move(h));
                      return {};
                    });
  if (!done) return std::move(done).error();
  return out;
}

Result<void> AlertStore::saveReceiver(const ReceiverHealth& h) {
  return run(*db_,
             replaceRow(*db_, "alert_receivers", "receiver",
                        "receiver, consecutive_failures, failures_total, delivered_total, failing_since, "
                        "last_success, next_attempt_at, last_error",
                        "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8"),
             fmt::format("saving the delivery health of receiver {}", h.receiver), [&h](Statement& s) {
               s.bind(1, h.receiver);
               s.bind(2, h.consecutive_failures);
               s.bind(3, h.failures_total);
               s.bind(4, h.delivered_total);
               s.bind(5, h.failing_since);
               s.bind(6, h.last_success);
               s.bind(7, h.next_attempt_at);
               s.bind(8, h.last_error);
             });
}

Result<bool> AlertStore::insertOutbox(const plugin::Notification& notification, const std::string& group_key,
                                      TimePoint now) {
  auto done = run(*db_,
                  "INSERT INTO alert_outbox (receiver, group_key, idempotency_key, notification, created_at) "
                  "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
                  fmt::format("writing message {} to the outbox", notification.idempotency_key), [&](Statement& s) {
                    s.bind(1, notification.receiver);
                    s.bind(2, group_key);
                    s.bind(3, notification.idempotency_key);
                    s.bind(4, encodeNotification(notification));
                    s.bind(5, now);
                  });
  if (!done) return std::move(done).error();
  return db_->changes() > 0;
}

Result<std::vector<PendingMessage>> AlertStore::pendingMessages() {
  std::vector<PendingMessage> out;
  auto done = query(*db_,
                    "SELECT id, group_key, notification, created_at, attempts, last_error, leased_until FROM "
                    "alert_outbox WHERE delivered_at IS NULL ORDER BY receiver, id",
                    "reading the pending outbox", kNoBind, [&out](const Statement& s) -> Result<void> {
                      RowTimes times(s, "alert_outbox");
                      PendingMessage pending{outboxRow(s, times), times.optionalAt(6, "leased_until")};
                      if (auto read = times.result(); !read) return read;
                      out.push_back(std::move(pending));
                      return {};
                    });
  if (!done) return std::move(done).error();
  return out;
}

Result<std::optional<OutboxMessage>> AlertStore::outboxMessage(std::int64_t id, bool pending_only) {
  std::optional<OutboxMessage> out;
  auto done = query(
      *db_,
      pending_only ? "SELECT id, group_key, notification, created_at, attempts, last_error FROM "
                     "alert_outbox WHERE id = ?1 AND delivered_at IS NULL"
                   : "SELECT id, group_key, notification, created_at, attempts, last_error FROM "
                     "alert_outbox WHERE id = ?1",
      fmt::format("reading outbox message {}", id), [id](Statement& s) { s.bind(1, id); },
      [&out](const Statement& s) -> Result<void> {
        RowTimes times(s, "alert_outbox");
        out = outboxRow(s, times);
        return times.result();
      });
  if (!done) return std::move(done).error();
  return out;
}

Result<std::vector<OutboxMessage>> AlertStore::outbox(bool include_delivered) {
  std::vector<OutboxMessage> out;
  auto done = query(*db_,
                    include_delivered ? "SELECT id, group_key, notification, created_at, attempts, last_error FROM "
                                        "alert_outbox ORDER BY id"
                                      : "SELECT id, group_key, notification, created_at, attempts, last_error FROM "
                                        "alert_outbox WHERE delivered_at IS NULL ORDER BY id",
                    "reading the outbox", kNoBind, [&out](const Statement& s) -> Result<void> {
                      RowTimes times(s, "alert_outbox");
                      out.push_back(outboxRow(s, times));
                      return times.result();
                    });
  if (!done) return std::move(done).error();
  return out;
}

Result<void> AlertStore::leaseMessage(std::int64_t id, TimePoint until, TimePoint now) {
  const auto operation = fmt::format("leasing outbox message {}", id);
  auto leased = run(*db_, "UPDATE alert_outbox SET leased_until = ?2, attempts = attempts + 1 WHERE id = ?1", operation,
                    [&](Statement& s) {
                      s.bind(1, id);
                      s.bind(2, until);
                    });
  if (!leased) return leased;
  return run(*db_,
             "INSERT INTO alert_attempts (message_id, receiver, started_at) SELECT id, receiver, ?2 FROM alert_outbox "
             "WHERE id = ?1",
             operation, [&](Statement& s) {
               s.bind(1, id);
               s.bind(2, now);
             });
}

Result<void> AlertStore::markDelivered(std::int64_t id, const std::string& receipt, TimePoint now) {
  return run(*db_,
             "UPDATE alert_outbox SET delivered_at = ?2, receipt = ?3, leased_until = NULL, last_error = '' "
             "WHERE id = ?1",
             fmt::format("recording the delivery of outbox message {}", id), [&](Statement& s) {
               s.bind(1, id);
               s.bind(2, now);
               s.bind(3, receipt);
             });
}

Result<void> AlertStore::markFailed(std::int64_t id, const std::string& error) {
  return run(*db_, "UPDATE alert_outbox SET leased_until = NULL, last_error = ?2 WHERE id = ?1",
             fmt::format("recording a failed delivery of outbox message {}", id), [&](Statement& s) {
               s.bind(1, id);
               s.bind(2, error);
             });
}

Result<std::size_t> AlertStore::attemptsSince(const std::string& receiver, TimePoint since) {
  std::size_t count = 0;
  auto done = query(
      *db_, "SELECT count(*) FROM alert_attempts WHERE receiver = ?1 AND started_at > ?2",
      fmt::format("counting recent deliveries to {}", receiver),
      [&](Statement& s) {
        s.bind(1, receiver);
        s.bind(2, since);
      },
      [&count](const Statement& s) { count = static_cast<std::size_t>(s.columnInt(0)); });
  if (!done) return std::move(done).error();
  return count;
}

Result<void> AlertStore::pruneAttempts(TimePoint before) {
  return run(*db_, "DELETE FROM alert_attempts WHERE started_at < ?1", "pruning the delivery attempt log",
             [&](Statement& s) { s.bind(1, before); });
}

Result<void> AlertStore::releaseLeases() {
  return run(*db_,
             "UPDATE alert_outbox SET leased_until = NULL WHERE delivered_at IS NULL AND leased_until IS NOT NULL",
             "releasing the leases of a previous run", kNoBind);
}

}  // namespace staffchain::alerts::detail
