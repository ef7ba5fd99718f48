#include "staffchain/cases/case_store.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "staffchain/alerts/routing.hpp"
#include "staffchain/chain/finding_json.hpp"
#include "staffchain/model/identifiers.hpp"
#include "staffchain/store/database.hpp"
#include "staffchain/store/migrations.hpp"
#include "staffchain/store/stored_time.hpp"
#include "staffchain/store/transaction.hpp"

namespace staffchain::cases {

namespace {

using nlohmann::json;
using store::Database;
using store::Migration;

// The daemon's own steps are recorded under this name.
constexpr std::string_view kDaemon = "staffchaind";

// Version 1. Dates are YYYY-MM-DD, instants stored times (stored_time.hpp); a case's overdue
// spans and a finding's evidence are JSON. Numbers within a year are unique: the document
// numbers an office issues have no gaps and no repeats.
constexpr std::string_view kVersion1 = R"sql(
CREATE TABLE case_cases (
  number INTEGER PRIMARY KEY CHECK (number > 0),
  doc_no TEXT NOT NULL UNIQUE CHECK (doc_no <> ''),
  year INTEGER NOT NULL, seq INTEGER NOT NULL CHECK (seq > 0),
  unit_id TEXT NOT NULL, unit_name TEXT NOT NULL, region TEXT NOT NULL,
  opened_on TEXT NOT NULL, deadline TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('issued', 'rectifying', 'submitted', 'verified', 'overdue')),
  opened_at TEXT NOT NULL, closed_at TEXT, automatic INTEGER NOT NULL, overdue TEXT NOT NULL,
  UNIQUE (year, seq)
);
CREATE TABLE case_findings (
  case_number INTEGER NOT NULL REFERENCES case_cases (number), position INTEGER NOT NULL,
  alert_id TEXT NOT NULL, rule TEXT NOT NULL, severity TEXT NOT NULL, person_id TEXT NOT NULL,
  since TEXT NOT NULL, summary_zh TEXT NOT NULL, summary_en TEXT NOT NULL, evidence TEXT NOT NULL,
  open INTEGER NOT NULL, resolved_on TEXT,
  PRIMARY KEY (case_number, position)
) WITHOUT ROWID;
CREATE TABLE case_events (
  case_number INTEGER NOT NULL REFERENCES case_cases (number), seq INTEGER NOT NULL,
  at TEXT NOT NULL, action TEXT NOT NULL, from_state TEXT NOT NULL, to_state TEXT NOT NULL,
  by TEXT NOT NULL, caller TEXT NOT NULL, comment TEXT NOT NULL,
  PRIMARY KEY (case_number, seq)
) WITHOUT ROWID;
)sql";

constexpr std::array kMigrations{Migration{1, kVersion1, nullptr}};

// The same on PostgreSQL, where "by" is a reserved word (quoted wherever it is named, which
// SQLite reads alike) and text compares bytewise as in SQLite (store::postgresTypes).
constexpr std::string_view kPostgresVersion1 = R"sql(
CREATE TABLE case_cases (
  number BIGINT PRIMARY KEY CHECK (number > 0),
  doc_no TEXT NOT NULL UNIQUE CHECK (doc_no <> ''),
  year BIGINT NOT NULL, seq BIGINT NOT NULL CHECK (seq > 0),
  unit_id TEXT NOT NULL, unit_name TEXT NOT NULL, region TEXT NOT NULL,
  opened_on TEXT NOT NULL, deadline TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('issued', 'rectifying', 'submitted', 'verified', 'overdue')),
  opened_at TEXT NOT NULL, closed_at TEXT, automatic BIGINT NOT NULL, overdue TEXT NOT NULL,
  UNIQUE (year, seq)
);
CREATE TABLE case_findings (
  case_number BIGINT NOT NULL REFERENCES case_cases (number), position BIGINT NOT NULL,
  alert_id TEXT NOT NULL, rule TEXT NOT NULL, severity TEXT NOT NULL, person_id TEXT NOT NULL,
  since TEXT NOT NULL, summary_zh TEXT NOT NULL, summary_en TEXT NOT NULL, evidence TEXT NOT NULL,
  open BIGINT NOT NULL, resolved_on TEXT,
  PRIMARY KEY (case_number, position)
);
CREATE TABLE case_events (
  case_number BIGINT NOT NULL REFERENCES case_cases (number), seq BIGINT NOT NULL,
  at TEXT NOT NULL, action TEXT NOT NULL, from_state TEXT NOT NULL, to_state TEXT NOT NULL,
  "by" TEXT NOT NULL, caller TEXT NOT NULL, comment TEXT NOT NULL,
  PRIMARY KEY (case_number, seq)
);
)sql";

constexpr std::array kActions{std::pair{CaseAction::submit, std::string_view("submit")},
                              std::pair{CaseAction::verify, std::string_view("verify")},
                              std::pair{CaseAction::reopen, std::string_view("reopen")}};

std::string spansText(const std::vector<OverdueSpan>& spans) {
  json out = json::array();
  for (const auto& span : spans) {
    out.push_back(
        {{"from", model::formatDate(span.from)}, {"until", span.until ? model::formatDate(*span.until) : ""}});
  }
  return out.dump();
}

Result<std::vector<OverdueSpan>> spansOf(const std::string& text) {
  std::vector<OverdueSpan> out;
  const json parsed = json::parse(text, nullptr, false);
  if (!parsed.is_array()) return Error{"case_cases.overdue is not a JSON array"};
  for (const auto& entry : parsed) {
    const auto from = model::parseDate(entry.value("from", ""));
    const auto until_text = entry.value("until", "");
    const auto until = model::parseDate(until_text);
    if (!from || (!until_text.empty() && !until)) return Error{"case_cases.overdue holds a span that is not two dates"};
    out.push_back(OverdueSpan{*from, until_text.empty() ? std::nullopt : until});
  }
  return out;
}

Result<model::Date> dateColumn(const store::Statement& row, int index, std::string_view column) {
  const auto text = row.columnText(index);
  const auto date = model::parseDate(text);
  if (!date) return Error{fmt::format("{} \"{}\" is not a date", column, text)};
  return *date;
}

std::optional<chain::Severity> severityOf(std::string_view text) {
  for (const auto severity : {chain::Severity::critical, chain::Severity::major, chain::Severity::minor}) {
    if (chain::toString(severity) == text) return severity;
  }
  return std::nullopt;
}

}  // namespace

std::string_view toString(CaseAction action) noexcept {
  for (const auto& [value, name] : kActions) {
    if (value == action) return name;
  }
  return "submit";
}

std::optional<CaseAction> parseCaseAction(std::string_view text) noexcept {
  for (const auto& [value, name] : kActions) {
    if (name == text) return value;
  }
  return std::nullopt;
}

class CaseStore::State {
 public:
  State(std::unique_ptr<Database> connection, CaseSettings configured)
      : db(std::move(connection)), settings(std::move(configured)) {}

  Result<void> load();
  // Writes `after` (its row, every finding, and the events past `events_before`).
  Result<void> write(const Case& after, std::size_t events_before);
  // Appends an event and moves the case to `to`.
  static void step(Case& c, CaseState to, std::string action, const Actor& actor, TimePoint now) {
    c.history.push_back(CaseEvent{now, std::move(action), std::string(toString(c.state)), std::string(toString(to)),
                                  actor.by, actor.caller, actor.comment});
    c.state = to;
  }
  Case* byNumber(std::int64_t number) {
    auto it = std::find_if(cases.begin(), cases.end(), [&](const Case& c) { return c.number == number; });
    return it == cases.end() ? nullptr : &*it;
  }

  std::unique_ptr<Database> db;
  CaseSettings settings;
  std::vector<Case> cases;  // by number
};

Result<void> CaseStore::State::load() {
  cases.clear();
  auto rows = db->prepare(
      "SELECT number, doc_no, year, seq, unit_id, unit_name, region, opened_on, deadline, state, opened_at, "
      "closed_at, automatic, overdue FROM case_cases ORDER BY number",
      "reading the cases");
  if (!rows) return std::move(rows).error();
  auto read = db->eachRow(*rows, "reading the cases", [&](store::Statement& s) -> Result<void> {
    Case c;
    c.number = s.columnInt(0);
    c.doc_no = s.text(1);
    c.year = static_cast<int>(s.columnInt(2));
    c.seq = s.columnInt(3);
    c.unit_id = s.text(4);
    c.unit_name = s.text(5);
    c.region = s.text(6);
    auto opened_on = dateColumn(s, 7, "case_cases.opened_on");
    if (!opened_on) return std::move(opened_on).error();
    c.opened_on = *opened_on;
    auto deadline = dateColumn(s, 8, "case_cases.deadline");
    if (!deadline) return std::move(deadline).error();
    c.deadline = *deadline;
    const auto state = parseCaseState(s.columnText(9));
    if (!state) return Error{fmt::format("case_cases.state \"{}\" is not a case state", s.columnText(9))};
    c.state = *state;
    auto opened_at = store::columnTime(s, 10, "case_cases.opened_at");
    if (!opened_at) return std::move(opened_at).error();
    c.opened_at = *opened_at;
    if (!s.columnIsNull(11)) {
      auto closed_at = store::columnTime(s, 11, "case_cases.closed_at");
      if (!closed_at) return std::move(closed_at).error();
      c.closed_at = *closed_at;
    }
    c.automatic = s.columnInt(12) != 0;
    auto spans = spansOf(s.text(13));
    if (!spans) return std::move(spans).error();
    c.overdue = std::move(*spans);
    cases.push_back(std::move(c));
    return {};
  });
  if (!read) return read;

  auto findings = db->prepare(
      "SELECT case_number, alert_id, rule, severity, person_id, since, summary_zh, summary_en, evidence, open, "
      "resolved_on FROM case_findings ORDER BY case_number, position",
      "reading the cases' findings");
  if (!findings) return std::move(findings).error();
  read = db->eachRow(*findings, "reading the cases' findings", [&](store::Statement& s) -> Result<void> {
    Case* c = byNumber(s.columnInt(0));
    if (c == nullptr) return Error{fmt::format("case_findings names case {}, which does not exist", s.columnInt(0))};
    CaseFinding f;
    f.alert_id = s.text(1);
    f.rule = s.text(2);
    const auto severity = severityOf(s.columnText(3));
    if (!severity) return Error{fmt::format("case_findings.severity \"{}\" is not a severity", s.columnText(3))};
    f.severity = *severity;
    f.person_id = s.text(4);
    auto since = dateColumn(s, 5, "case_findings.since");
    if (!since) return std::move(since).error();
    f.since = *since;
    f.summary_zh = s.text(6);
    f.summary_en = s.text(7);
    f.evidence = chain::evidenceFromStoredText(s.text(8));
    f.open = s.columnInt(9) != 0;
    if (!s.columnIsNull(10)) {
      auto resolved = dateColumn(s, 10, "case_findings.resolved_on");
      if (!resolved) return std::move(resolved).error();
      f.resolved_on = *resolved;
    }
    c->findings.push_back(std::move(f));
    return {};
  });
  if (!read) return read;

  auto events = db->prepare(
      "SELECT case_number, at, action, from_state, to_state, \"by\", caller, comment FROM case_events "
      "ORDER BY case_number, seq",
      "reading the cases' history");
  if (!events) return std::move(events).error();
  return db->eachRow(*events, "reading the cases' history", [&](store::Statement& s) -> Result<void> {
    Case* c = byNumber(s.columnInt(0));
    if (c == nullptr) return Error{fmt::format("case_events names case {}, which does not exist", s.columnInt(0))};
    auto at = store::columnTime(s, 1, "case_events.at");
    if (!at) return std::move(at).error();
    c->history.push_back(CaseEvent{*at, s.text(2), s.text(3), s.text(4), s.text(5), s.text(6), s.text(7)});
    return {};
  });
}

Result<void> CaseStore::State::write(const Case& c, std::size_t events_before) {
  auto row = db->cached(
      "INSERT INTO case_cases (number, doc_no, year, seq, unit_id, unit_name, region, opened_on, deadline, state, "
      "opened_at, closed_at, automatic, overdue) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) "
      "ON CONFLICT (number) DO UPDATE SET deadline = excluded.deadline, state = excluded.state, "
      "closed_at = excluded.closed_at, overdue = excluded.overdue",
      "writing a case");
  if (!row) return std::move(row).error();
  auto& s = **row;
  s.bind(1, c.number);
  s.bind(2, c.doc_no);
  s.bind(3, static_cast<std::int64_t>(c.year));
  s.bind(4, c.seq);
  s.bind(5, c.unit_id);
  s.bind(6, c.unit_name);
  s.bind(7, c.region);
  const std::string opened_on = model::formatDate(c.opened_on);
  const std::string deadline = model::formatDate(c.deadline);
  s.bind(8, opened_on);
  s.bind(9, deadline);
  s.bind(10, toString(c.state));
  s.bind(11, c.opened_at);
  s.bind(12, c.closed_at);
  s.bind(13, std::int64_t{c.automatic ? 1 : 0});
  const std::string spans = spansText(c.overdue);
  s.bind(14, spans);
  if (auto done = db->run(s, "writing a case"); !done) return done;

  auto finding = db->cached(
      "INSERT INTO case_findings (case_number, position, alert_id, rule, severity, person_id, since, "
      "summary_zh, summary_en, evidence, open, resolved_on) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
      "ON CONFLICT (case_number, position) DO UPDATE SET alert_id = excluded.alert_id, rule = excluded.rule, "
      "severity = excluded.severity, person_id = excluded.person_id, since = excluded.since, "
      "summary_zh = excluded.summary_zh, summary_en = excluded.summary_en, evidence = excluded.evidence, "
      "open = excluded.open, resolved_on = excluded.resolved_on",
      "writing a case's findings");
  if (!finding) return std::move(finding).error();
  for (std::size_t i = 0; i < c.findings.size(); ++i) {
    const auto& f = c.findings[i];
    auto& st = **finding;
    st.bind(1, c.number);
    st.bind(2, static_cast<std::int64_t>(i));
    st.bind(3, f.alert_id);
    st.bind(4, f.rule);
    st.bind(5, chain::toString(f.severity));
    st.bind(6, f.person_id);
    const std::string since = model::formatDate(f.since);
    st.bind(7, since);
    st.bind(8, f.summary_zh);
    st.bind(9, f.summary_en);
    const std::string evidence = chain::evidenceStoredText(f.evidence);
    st.bind(10, evidence);
    st.bind(11, std::int64_t{f.open ? 1 : 0});
    const std::string resolved = f.resolved_on ? model::formatDate(*f.resolved_on) : "";
    if (f.resolved_on) {
      st.bind(12, resolved);
    } else {
      st.bindNull(12);
    }
    if (auto done = db->run(st, "writing a case's findings"); !done) return done;
  }

  auto event = db->cached(
      "INSERT INTO case_events (case_number, seq, at, action, from_state, to_state, \"by\", caller, comment) VALUES "
      "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
      "writing a case's history");
  if (!event) return std::move(event).error();
  for (std::size_t i = events_before; i < c.history.size(); ++i) {
    const auto& e = c.history[i];
    auto& st = **event;
    st.bind(1, c.number);
    st.bind(2, static_cast<std::int64_t>(i));
    st.bind(3, e.at);
    st.bind(4, e.action);
    st.bind(5, e.from_state);
    st.bind(6, e.to_state);
    st.bind(7, e.by);
    st.bind(8, e.caller);
    st.bind(9, e.comment);
    if (auto done = db->run(st, "writing a case's history"); !done) return done;
  }
  return {};
}

CaseStore::CaseStore(std::unique_ptr<State> state) : state_(std::move(state)) {}
CaseStore::~CaseStore() = default;

Result<std::unique_ptr<CaseStore>> CaseStore::open(const store::Location& ledger, CaseSettings settings) {
  auto connection =
      Database::open(ledger, {.label = "case store", .create = true, .busy_timeout = std::chrono::seconds(5)});
  if (!connection) return std::move(connection).error();
  constexpr store::SchemaOwner kOwner{"case schema", "case_schema"};
  if ((*connection)->dialect() == store::Dialect::postgresql) {
    static const std::string script = store::postgresTypes(kPostgresVersion1);
    const std::array migrations{Migration{1, script, nullptr}};
    if (auto migrated = store::migrate(**connection, kOwner, migrations); !migrated) return std::move(migrated).error();
  } else {
    if (auto wal = (*connection)->useWriteAheadLog(); !wal) return std::move(wal).error();
    if (auto done = (*connection)->execute("PRAGMA synchronous = NORMAL", "setting synchronous mode"); !done) {
      return std::move(done).error();
    }
    if (auto migrated = store::migrate(**connection, kOwner, kMigrations); !migrated)
      return std::move(migrated).error();
  }
  const std::string where = (*connection)->pathText();
  auto state = std::make_unique<State>(std::move(connection.value()), std::move(settings));
  if (auto loaded = state->load(); !loaded)
    return Error{fmt::format("case store {}: {}", where, loaded.error().message)};
  return std::unique_ptr<CaseStore>(new CaseStore(std::move(state)));
}

void CaseStore::reconfigure(CaseSettings settings) {
  state_->settings = std::move(settings);
}

const CaseSettings& CaseStore::settings() const noexcept {
  return state_->settings;
}

CaseAnswer CaseStore::openCase(const OpenRequest& request, TimePoint now) {
  if (request.actor.by.empty()) return CaseAnswer::refused(400, "by: say who opens the case");
  if (request.findings.empty()) {
    return CaseAnswer::refused(409, fmt::format("unit {} has no open finding to bundle into a case", request.unit_id));
  }
  const model::Date deadline = request.deadline.value_or(request.today.plusDays(state_->settings.rectify_within_days));
  if (deadline <= request.today) {
    return CaseAnswer::refused(400, fmt::format("deadline {} is not after today ({})", model::formatDate(deadline),
                                                model::formatDate(request.today)));
  }
  for (const auto& finding : request.findings) {
    if (finding.unit_id.view() != request.unit_id) {
      return CaseAnswer::refused(400, fmt::format("finding {} ({}) is of unit {}, not {}", finding.fingerprint,
                                                  finding.rule, finding.unit_id.view(), request.unit_id));
    }
    if (const auto holding = caseHolding(finding.fingerprint)) {
      const Case* other = state_->byNumber(*holding);
      return CaseAnswer::refused(409, fmt::format("finding {} ({}) is already in case {} ({})", finding.fingerprint,
                                                  finding.rule, *holding, other->doc_no));
    }
  }

  Case c;
  c.year = static_cast<int>(request.today.ymd().year());
  std::int64_t last_seq = 0;
  std::int64_t last_number = 0;
  for (const auto& existing : state_->cases) {
    if (existing.year == c.year) last_seq = std::max(last_seq, existing.seq);
    last_number = std::max(last_number, existing.number);
  }
  c.number = last_number + 1;
  c.seq = last_seq + 1;
  c.doc_no = formatDocNo(state_->settings.doc_no_pattern, c.year, c.seq);
  if (std::any_of(state_->cases.begin(), state_->cases.end(), [&](const Case& e) { return e.doc_no == c.doc_no; })) {
    // A pattern without {year} restarts {n} each year: the number would repeat an earlier one.
    return CaseAnswer::refused(409, fmt::format("document number {} was issued before; [cases] doc_no_pattern should "
                                                "contain {{year}}",
                                                c.doc_no));
  }
  c.unit_id = request.unit_id;
  c.unit_name = request.unit_name;
  c.region = request.region;
  c.opened_on = request.today;
  c.deadline = deadline;
  c.opened_at = now;
  c.automatic = request.automatic;
  for (const auto& finding : request.findings) {
    c.findings.push_back(CaseFinding{finding.fingerprint, finding.rule, finding.severity, finding.person_id.str(),
                                     finding.since, finding.summary_zh, finding.summary_en, finding.evidence, true,
                                     std::nullopt});
  }
  c.history.push_back(CaseEvent{now, "open", "", std::string(toString(CaseState::issued)), request.actor.by,
                                request.actor.caller, request.actor.comment});

  auto tx = store::Transaction::begin(*state_->db, "opening a case");
  if (!tx) return CaseAnswer::refused(500, tx.error().message);
  if (auto written = state_->write(c, 0); !written) return CaseAnswer::refused(500, written.error().message);
  if (auto committed = tx->commit("opening a case"); !committed)
    return CaseAnswer::refused(500, committed.error().message);
  state_->cases.push_back(c);
  return CaseAnswer{std::move(c), 201, ""};
}

CaseAnswer CaseStore::act(std::int64_t number, CaseAction action, const Actor& actor, TimePoint now) {
  const Case* held = state_->byNumber(number);
  if (held == nullptr) return CaseAnswer::refused(404, fmt::format("there is no case {}", number));
  if (actor.by.empty()) return CaseAnswer::refused(400, "by: say who acts on the case");
  Case c = *held;
  const std::string name = fmt::format("case {} ({})", c.number, c.doc_no);
  auto openList = [&] {
    std::string out;
    for (const auto& f : c.findings) {
      if (f.open) out += fmt::format("{}{} {}", out.empty() ? "" : ", ", f.rule, f.alert_id);
    }
    return out;
  };
  switch (action) {
    case CaseAction::submit:
      if (c.state == CaseState::submitted || c.state == CaseState::verified) {
        return CaseAnswer::refused(409, fmt::format("{} is {}: there is nothing to submit", name, toString(c.state)));
      }
      if (c.state == CaseState::overdue && c.openFindings() > 0) {
        return CaseAnswer::refused(
            409, fmt::format("{} is overdue and its findings are still open ({}): a report cannot close what the data "
                             "still shows",
                             name, openList()));
      }
      State::step(c, CaseState::submitted, "submit", actor, now);
      break;
    case CaseAction::verify:
      if (c.state != CaseState::submitted) {
        return CaseAnswer::refused(409,
                                   fmt::format("{} is {}: only a submitted case is verified", name, toString(c.state)));
      }
      if (c.openFindings() > 0) {
        return CaseAnswer::refused(409,
                                   fmt::format("{} cannot be verified: findings still open: {}", name, openList()));
      }
      State::step(c, CaseState::verified, "verify", actor, now);
      c.closed_at = now;
      break;
    case CaseAction::reopen:
      if (c.state != CaseState::submitted && c.state != CaseState::verified) {
        return CaseAnswer::refused(
            409, fmt::format("{} is {}: only a submitted or verified case is reopened", name, toString(c.state)));
      }
      if (actor.comment.empty()) return CaseAnswer::refused(400, "comment: say why the case is reopened");
      State::step(c, CaseState::rectifying, "reopen", actor, now);
      c.closed_at.reset();
      break;
  }
  auto tx = store::Transaction::begin(*state_->db, "changing a case");
  if (!tx) return CaseAnswer::refused(500, tx.error().message);
  if (auto written = state_->write(c, held->history.size()); !written) {
    return CaseAnswer::refused(500, written.error().message);
  }
  if (auto committed = tx->commit("changing a case"); !committed)
    return CaseAnswer::refused(500, committed.error().message);
  *state_->byNumber(number) = c;
  return CaseAnswer{std::move(c), 200, ""};
}

Result<CaseChanges> CaseStore::observe(const std::unordered_set<std::string>& open, model::Date today, TimePoint now) {
  CaseChanges changes;
  const Actor daemon{std::string(kDaemon), "", ""};
  std::vector<std::pair<std::size_t, Case>> changed;  // index into cases, the new case
  for (std::size_t i = 0; i < state_->cases.size(); ++i) {
    const Case& held = state_->cases[i];
    if (held.closed()) continue;
    Case c = held;
    for (auto& f : c.findings) {
      const bool now_open = open.contains(f.alert_id);
      if (now_open == f.open) continue;
      f.open = now_open;
      f.resolved_on = now_open ? std::nullopt : std::optional<model::Date>(today);
    }
    const std::size_t still_open = c.openFindings();
    const std::string before = std::string(toString(c.state));
    auto say = [&](std::string why) {
      changes.lines.push_back(fmt::format("{}: {} -> {} ({})", c.doc_no, before, toString(c.state), why));
    };
    if (c.state == CaseState::overdue && still_open == 0) {
      Actor why = daemon;
      why.comment = "every finding of the case resolved";
      State::step(c, CaseState::rectifying, "resolved", why, now);
      if (!c.overdue.empty() && !c.overdue.back().until) c.overdue.back().until = today;
      changes.suspensions_changed = true;
      say(why.comment);
    } else if (c.state != CaseState::overdue && today > c.deadline && still_open > 0) {
      Actor why = daemon;
      why.comment =
          fmt::format("deadline {} passed with {} finding(s) open", model::formatDate(c.deadline), still_open);
      State::step(c, CaseState::overdue, "overdue", why, now);
      // Suspended from the day after the deadline, or from today when it went overdue again
      // after a reopening (the days between were not overdue).
      const model::Date from = c.overdue.empty() ? c.deadline.plusDays(1) : today;
      c.overdue.push_back(OverdueSpan{from, std::nullopt});
      changes.suspensions_changed = true;
      say(why.comment);
    } else if (c.state == CaseState::issued && still_open < c.findings.size()) {
      Actor why = daemon;
      why.comment = fmt::format("{} of {} finding(s) resolved", c.findings.size() - still_open, c.findings.size());
      State::step(c, CaseState::rectifying, "progress", why, now);
      say(why.comment);
    }
    bool differs = c.state != held.state;
    for (std::size_t k = 0; !differs && k < c.findings.size(); ++k)
      differs = c.findings[k].open != held.findings[k].open;
    if (differs) changed.emplace_back(i, std::move(c));
  }
  if (changed.empty()) return changes;
  auto tx = store::Transaction::begin(*state_->db, "updating the cases");
  if (!tx) return std::move(tx).error();
  for (const auto& [index, c] : changed) {
    if (auto written = state_->write(c, state_->cases[index].history.size()); !written)
      return std::move(written).error();
  }
  if (auto committed = tx->commit("updating the cases"); !committed) return std::move(committed).error();
  for (auto& [index, c] : changed) state_->cases[index] = std::move(c);
  return changes;
}

std::vector<Case> CaseStore::cases(const CaseFilter& filter) const {
  std::vector<Case> out;
  for (const auto& c : state_->cases) {
    if (filter.state && c.state != *filter.state) continue;
    if (!filter.unit_id.empty() && c.unit_id != filter.unit_id) continue;
    if (!filter.region.empty() && !alerts::regionListMatches({filter.region}, c.region)) continue;
    out.push_back(c);
  }
  return out;
}

bool CaseStore::anyOpen() const noexcept {
  return std::any_of(state_->cases.begin(), state_->cases.end(), [](const Case& c) { return !c.closed(); });
}

std::optional<Case> CaseStore::find(std::int64_t number) const {
  const Case* c = state_->byNumber(number);
  return c == nullptr ? std::nullopt : std::optional<Case>(*c);
}

std::optional<std::int64_t> CaseStore::caseHolding(const std::string& alert_id) const {
  for (const auto& c : state_->cases) {
    if (c.closed()) continue;
    for (const auto& f : c.findings) {
      if (f.alert_id == alert_id) return c.number;
    }
  }
  return std::nullopt;
}

std::vector<chain::CaseSuspension> CaseStore::suspensions() const {
  std::vector<chain::CaseSuspension> out;
  for (const auto& c : state_->cases) {
    auto unit = model::checkCreditCode(c.unit_id);
    if (!unit) continue;
    for (const auto& span : c.overdue) {
      out.push_back(chain::CaseSuspension{*unit.value, c.number, c.doc_no, c.deadline, span.from, span.until});
    }
  }
  return out;
}

std::vector<chain::Finding> CaseStore::overdueFindings() const {
  std::vector<chain::Finding> out;
  for (const auto& c : state_->cases) {
    if (c.state != CaseState::overdue) continue;
    auto unit = model::checkCreditCode(c.unit_id);
    if (!unit) continue;
    chain::Finding f;
    f.rule = "CASE-001";
    f.severity = chain::Severity::major;
    f.unit_id = *unit.value;
    f.since = c.deadline.plusDays(1);
    std::vector<std::string> open;
    std::string ids;
    for (const auto& finding : c.findings) {
      if (!finding.open) continue;
      open.push_back(finding.rule);
      ids += (ids.empty() ? "" : " ") + finding.alert_id;
    }
    f.summary_zh = fmt::format("{}整改逾期：{} 限期 {} 前整改，仍有 {} 项问题未整改，{} 起暂停受理", c.unit_name,
                               c.doc_no, model::formatDate(c.deadline), open.size(),
                               model::formatDate(c.overdue.empty() ? f.since : c.overdue.back().from));
    f.summary_en =
        fmt::format("{}: rectification case {} ({}) overdue since {}, {} finding(s) still open; unit suspended",
                    c.unit_name, c.number, c.doc_no, model::formatDate(f.since), open.size());
    f.evidence.push_back(chain::EvidenceItem{"cases",
                                             "case",
                                             c.doc_no,
                                             {{"case", std::to_string(c.number)},
                                              {"opened_on", model::formatDate(c.opened_on)},
                                              {"deadline", model::formatDate(c.deadline)},
                                              {"open_findings", ids}}});
    f.fingerprint = chain::makeFingerprint("CASE-001", {c.doc_no});
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace staffchain::cases
