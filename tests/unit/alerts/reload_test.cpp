// A reload that adds, removes or reorders routes, or regroups them, tells no receiver again
// what it was told; neither does a daemon upgraded over a store written by the previous one.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "alert_test_support.hpp"
#include "staffchain/alerts/alert_manager.hpp"

namespace staffchain::alerts {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace)
using chain::Severity;
using Told = std::multiset<std::pair<std::string, std::string>>;  // (receiver, alert id) announced as new

void observe(AlertManager& manager, const std::vector<chain::Finding>& open, TimePoint now) {
  auto done = manager.observe(open, regions(), {}, now);
  ASSERT_TRUE(done.ok()) << done.error().message;
}

void flush(AlertManager& manager, TimePoint now) {
  auto done = manager.flush(now);
  ASSERT_TRUE(done.ok()) << done.error().message;
}

// Every (receiver, alert) the messages so far announced as new (新增告警).
Told toldNew(const FakeReceiver& receiver) {
  Told told;
  for (const auto& message : receiver.messages) {
    const auto document = nlohmann::json::parse(message.json);
    for (const auto& item : document.at("alerts")) {
      if (item.at("section") == "新增告警") told.emplace(message.receiver, item.at("id").get<std::string>());
    }
  }
  return told;
}

Route routeTo(std::vector<std::string> receivers, RouteMatch match, bool continue_matching = false) {
  Route route;
  route.match = std::move(match);
  route.receivers = std::move(receivers);
  route.continue_matching = continue_matching;
  route.group_wait = std::chrono::seconds(0);
  return route;
}

RouteMatch rules(std::vector<std::string> ids) {
  RouteMatch match;
  match.rules = std::move(ids);
  return match;
}

RouteMatch criticalIn(std::string region) {
  RouteMatch match;
  match.severities = {"critical"};
  match.regions = {std::move(region)};
  return match;
}

// Runs one evaluation and everything that falls due in the next hour, and delivers it.
void settle(AlertManager& manager, FakeReceiver& receiver, const std::vector<chain::Finding>& open, int minute) {
  observe(manager, open, at(minute));
  for (int m = minute; m <= minute + 60; m += 5) {
    flush(manager, at(m));
    receiver.deliver(manager, at(m));
  }
}

TEST(AlertManagerReload, AddingRemovingAndReorderingRoutesTellsNoReceiverTwice) {
  ScratchDir dir;
  AlertSettings settings = settingsFor({"estab_office", "finance_bureau", "discipline_office", "operations"});
  settings.route.group_wait = std::chrono::seconds(0);
  const Route ghost = routeTo({"finance_bureau"}, rules({"CHAIN-006"}), true);
  const Route critical = routeTo({"discipline_office"}, criticalIn("150700"));
  settings.route.routes = {ghost, critical};
  const std::vector<chain::Finding> open = {finding("CHAIN-006", Severity::critical, unit(1), person(1)),
                                            finding("CHAIN-006", Severity::critical, unit(2), person(2)),
                                            finding("CHAIN-003", Severity::major, unit(3), person(3)),
                                            finding("CHAIN-005", Severity::major, unit(4), person(4)),
                                            finding("CHAIN-013", Severity::minor, unit(5), person(5))};
  const std::string& pay1 = open[0].fingerprint;
  const std::string& pay2 = open[1].fingerprint;
  FakeReceiver receiver;
  auto manager = openManager(dir.ledger(), settings);
  ASSERT_NE(manager, nullptr);
  settle(*manager, receiver, open, 0);
  Told expected = {{"finance_bureau", pay1},
                   {"finance_bureau", pay2},
                   {"discipline_office", pay1},
                   {"discipline_office", pay2},
                   {"estab_office", open[2].fingerprint},
                   {"estab_office", open[3].fingerprint},
                   {"estab_office", open[4].fingerprint}};
  ASSERT_EQ(toldNew(receiver), expected);
  ASSERT_TRUE(manager->acknowledge(open[2].fingerprint, ackBy("孙科员", "已联系单位"), at(70)).ok());

  // A route added at the top, with continue: only its receiver, new to these alerts, hears of them.
  settings.route.routes = {routeTo({"operations"}, rules({"CHAIN-006"}), true), ghost, critical};
  manager->reconfigure(settings);
  settle(*manager, receiver, open, 100);
  expected.insert({{"operations", pay1}, {"operations", pay2}});
  EXPECT_EQ(toldNew(receiver), expected) << "after a route was added at the top";

  // One removed, the rest reordered: nobody hears anything new.
  settings.route.routes = {critical, routeTo({"operations"}, rules({"CHAIN-006"}), true)};
  manager->reconfigure(settings);
  settle(*manager, receiver, open, 200);
  EXPECT_EQ(toldNew(receiver), expected) << "after a route was removed and the others reordered";

  // Regrouped: the same alerts in other digests, still told once.
  settings.route.group_by = {"rule"};
  manager->reconfigure(settings);
  settle(*manager, receiver, open, 300);
  EXPECT_EQ(toldNew(receiver), expected) << "after group_by changed";

  // A restart on the last configuration: nothing either.
  manager = openManager(dir.ledger(), settings);
  ASSERT_NE(manager, nullptr);
  settle(*manager, receiver, open, 400);
  EXPECT_EQ(toldNew(receiver), expected) << "after a restart";

  // A receiver added to a route hears of the alerts it never had, once.
  settings.route.routes[0].receivers.push_back("estab_office");
  manager->reconfigure(settings);
  settle(*manager, receiver, open, 500);
  settle(*manager, receiver, open, 600);
  expected.insert({{"estab_office", pay1}, {"estab_office", pay2}});
  EXPECT_EQ(toldNew(receiver), expected) << "after a receiver was added";
  for (const auto& [key, times] : receiver.received) EXPECT_EQ(times, 1) << key;
}

// The alert tables exactly as version 1 wrote them, with what a daemon of that version left:
// one alert acknowledged, one firing, both told to estab_office by the root route ("0"), the
// firing one also through a child route ("0.0") with the same labels.
void writeVersion1Store(const std::filesystem::path& ledger, const std::string& acked, const std::string& firing) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(ledger.c_str(), &db), SQLITE_OK);
  const std::string alert_columns =
      "INSERT INTO alert_alerts VALUES ('{}', 'CHAIN-003', 'major', '{}', '{}', '150702', '[\"payroll\"]', "
      "'[\"finance\"]', '2024-03-01', 's', 's', '{}', {}, {}, NULL, '{}', '{}', {}, NULL, '', '[]', '');";
  const std::string sql =
      R"sql(
CREATE TABLE alert_schema (version INTEGER NOT NULL);
INSERT INTO alert_schema (version) VALUES (1);
CREATE TABLE alert_alerts (
  id TEXT PRIMARY KEY NOT NULL CHECK (id <> ''),
  rule TEXT NOT NULL, severity TEXT NOT NULL, unit_id TEXT NOT NULL, person_id TEXT NOT NULL,
  region TEXT NOT NULL, sources TEXT NOT NULL, roles TEXT NOT NULL, since TEXT NOT NULL,
  summary_zh TEXT NOT NULL, summary_en TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('firing', 'acknowledged', 'resolved')),
  first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL, resolved_at INTEGER,
  acknowledged_by TEXT NOT NULL, acknowledge_comment TEXT NOT NULL, acknowledged_at INTEGER,
  escalated_at INTEGER, silenced_by TEXT NOT NULL, inhibited_by TEXT NOT NULL,
  silence_expiry_note TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE alert_groups (
  key TEXT PRIMARY KEY NOT NULL, receiver TEXT NOT NULL, route_key TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('notify', 'escalation')), labels TEXT NOT NULL,
  created_at INTEGER NOT NULL, last_sent_at INTEGER, sequence INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE alert_group_members (
  group_key TEXT NOT NULL, alert_id TEXT NOT NULL, notified_firing INTEGER NOT NULL,
  notified_at INTEGER, notified_note TEXT NOT NULL,
  PRIMARY KEY (group_key, alert_id)
) WITHOUT ROWID;
CREATE TABLE alert_silences (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, match TEXT NOT NULL,
  reason TEXT NOT NULL, author TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
  ended_at INTEGER, end_reason TEXT NOT NULL, held_any INTEGER NOT NULL
);
CREATE TABLE alert_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT, receiver TEXT NOT NULL, group_key TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE, notification TEXT NOT NULL, created_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '', leased_until INTEGER,
  delivered_at INTEGER, receipt TEXT NOT NULL DEFAULT ''
);
CREATE INDEX alert_outbox_pending ON alert_outbox (receiver, id) WHERE delivered_at IS NULL;
CREATE TABLE alert_attempts (
  id INTEGER PRIMARY KEY AUTOINCREMENT, message_id INTEGER NOT NULL, receiver TEXT NOT NULL,
  started_at INTEGER NOT NULL
);
CREATE INDEX alert_attempts_receiver ON alert_attempts (receiver, started_at);
CREATE TABLE alert_receivers (
  receiver TEXT PRIMARY KEY NOT NULL, consecutive_failures INTEGER NOT NULL, failures_total INTEGER NOT NULL,
  delivered_total INTEGER NOT NULL, failing_since INTEGER, last_success INTEGER, next_attempt_at INTEGER,
  last_error TEXT NOT NULL
) WITHOUT ROWID;
)sql";
  const auto millis = [](TimePoint t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  };
  const std::string labels = R"([["rule","CHAIN-003"],["region","150702"]])";
  std::string rows = sql;
  rows += fmt::format(fmt::runtime(alert_columns), acked, unit(1), person(1), "acknowledged", millis(at(0)),
                      millis(at(0)), "周", "已联系单位", millis(at(2)));
  rows += fmt::format(fmt::runtime(alert_columns), firing, unit(2), person(2), "firing", millis(at(0)), millis(at(0)),
                      "", "", "NULL");
  for (const auto& [route_key, sequence] : std::vector<std::pair<std::string, int>>{{"0", 1}, {"0.0", 3}}) {
    const std::string key = "notify|estab_office|" + route_key + "|rule=CHAIN-003;region=150702;";
    rows += fmt::format("INSERT INTO alert_groups VALUES ('{}', 'estab_office', '{}', 'notify', '{}', {}, {}, {});",
                        key, route_key, labels, millis(at(0)), millis(at(1)), sequence);
    rows += fmt::format("INSERT INTO alert_group_members VALUES ('{}', '{}', 1, {}, '');", key, firing, millis(at(1)));
    if (route_key == "0") {
      rows += fmt::format("INSERT INTO alert_group_members VALUES ('{}', '{}', 1, {}, '');", key, acked, millis(at(1)));
    }
  }
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, rows.c_str(), nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

TEST(AlertManagerUpgrade, AStoreFromVersion1IsRekeyedAndNothingIsToldAgain) {
  ScratchDir dir;
  const auto acked = finding("CHAIN-003", Severity::major, unit(1), person(1));
  const auto firing = finding("CHAIN-003", Severity::major, unit(2), person(2));
  writeVersion1Store(dir.ledger().file, acked.fingerprint, firing.fingerprint);

  // The upgraded daemon's configuration also moved the route: a new child comes first.
  AlertSettings settings = settingsFor({"estab_office", "operations"});
  settings.route.routes = {routeTo({"operations"}, rules({"LINK-*"}))};
  auto manager = openManager(dir.ledger(), settings);
  ASSERT_NE(manager, nullptr);
  const auto history = manager->alert(acked.fingerprint)->acknowledgements;
  ASSERT_EQ(history.size(), 1U) << "the acknowledgement it had is the first of its history";
  EXPECT_EQ(history[0].by, "周");
  EXPECT_EQ(history[0].comment, "已联系单位");
  EXPECT_EQ(history[0].at, at(2));

  FakeReceiver receiver;
  observe(*manager, {acked, firing}, at(10));
  for (int m = 10; m < 24 * 60; m += 60) {
    flush(*manager, at(m));
    receiver.deliver(*manager, at(m));
  }
  EXPECT_TRUE(receiver.messages.empty()) << receiver.messages.front().markdown;

  // A day after the last digest the firing one is repeated, in the merged group, whose
  // numbering goes on from the larger of the two it was made of.
  flush(*manager, at(24 * 60 + 2));
  receiver.deliver(*manager, at(24 * 60 + 2));
  ASSERT_EQ(receiver.messages.size(), 1U);
  EXPECT_EQ(receiver.messages[0].alert_ids, std::vector<std::string>{firing.fingerprint});
  EXPECT_NE(receiver.messages[0].title.find("仍未解决"), std::string::npos) << receiver.messages[0].title;
  const std::string& key = receiver.messages[0].idempotency_key;
  const auto first = key.find(':');
  const auto second = key.find(':', first + 1);
  EXPECT_EQ(key.substr(second + 1, key.find(':', second + 1) - second - 1), "4") << key;
  EXPECT_TRUE(toldNew(receiver).empty());
}

}  // namespace
}  // namespace staffchain::alerts
