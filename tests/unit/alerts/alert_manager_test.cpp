#include "staffchain/alerts/alert_manager.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <tuple>

#include "alert_test_support.hpp"
#include "staffchain/ledger/sql_ledger.hpp"

namespace staffchain::alerts {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace)
using chain::Severity;

const std::set<std::string> kNoneDown;

void observe(AlertManager& manager, const std::vector<chain::Finding>& open, TimePoint now,
             const std::set<std::string>& down = kNoneDown) {
  auto done = manager.observe(open, regions(), down, now);
  ASSERT_TRUE(done.ok()) << done.error().message;
}

void flush(AlertManager& manager, TimePoint now) {
  auto done = manager.flush(now);
  ASSERT_TRUE(done.ok()) << done.error().message;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(AlertManagerGrouping, AMorningOf300FindingsBecomesAFewDigests) {
  ScratchDir dir;
  auto manager = openManager(dir.ledger(), settingsFor({"estab_office"}));
  ASSERT_NE(manager, nullptr);
  std::vector<chain::Finding> open;
  for (int i = 0; i < 300; ++i) {
    const std::string rule = i % 3 == 0 ? "CHAIN-003" : (i % 3 == 1 ? "CHAIN-005" : "CHAIN-013");
    open.push_back(finding(rule, Severity::major, unit(i % 20), person(i)));
  }
  FakeReceiver receiver;
  observe(*manager, open, at(0));
  flush(*manager, at(0));
  EXPECT_EQ(receiver.deliver(*manager, at(0)), 0) << "nothing before group_wait";
  EXPECT_EQ(manager->nextFlush(), at(0) + std::chrono::seconds(30));
  flush(*manager, at(1));
  EXPECT_EQ(receiver.deliver(*manager, at(1)), 3) << "one digest per rule and region";
  for (const auto& message : receiver.messages) {
    EXPECT_EQ(message.alert_ids.size(), 100U);
    EXPECT_TRUE(contains(message.title, "新增 100 项")) << message.title;
  }

  // A new finding of a group already told waits for group_interval; nothing else is repeated.
  open.push_back(finding("CHAIN-003", Severity::critical, unit(1), person(1000)));
  observe(*manager, open, at(2));
  flush(*manager, at(3));
  EXPECT_EQ(receiver.deliver(*manager, at(3)), 0);
  flush(*manager, at(6));
  ASSERT_EQ(receiver.deliver(*manager, at(6)), 1);
  const auto& update = receiver.messages.back();
  EXPECT_EQ(update.alert_ids.size(), 1U);
  EXPECT_EQ(update.severity, "critical");
  EXPECT_TRUE(contains(update.markdown, "另有 100 项此前已通报")) << update.markdown;

  // Resolutions go out at the next group interval, listed by id.
  const std::string gone = open.front().fingerprint;
  open.erase(open.begin());
  observe(*manager, open, at(7));
  flush(*manager, at(12));
  ASSERT_EQ(receiver.deliver(*manager, at(12)), 1);
  EXPECT_TRUE(contains(receiver.messages.back().markdown, gone));
  EXPECT_TRUE(contains(receiver.messages.back().title, "已解决 1 项"));
  EXPECT_EQ(manager->alert(gone)->state, AlertState::resolved);

  // Nothing changes for a day: each group is repeated once, not more.
  flush(*manager, at(24 * 60 - 10));
  EXPECT_EQ(receiver.deliver(*manager, at(24 * 60 - 10)), 0);
  flush(*manager, at(12 + 24 * 60 + 1));
  EXPECT_EQ(receiver.deliver(*manager, at(12 + 24 * 60 + 1)), 3);
  EXPECT_TRUE(contains(receiver.messages.back().title, "仍未解决")) << receiver.messages.back().title;
  flush(*manager, at(12 + 24 * 60 + 2));
  EXPECT_EQ(receiver.deliver(*manager, at(12 + 24 * 60 + 2)), 0);
  for (const auto& [key, times] : receiver.received) EXPECT_EQ(times, 1) << key;
}

TEST(AlertManagerRouting, RoutesSendFindingsToTheirDepartments) {
  ScratchDir dir;
  AlertSettings settings = settingsFor({"estab_office", "finance_bureau", "discipline_office"});
  Route ghost_pay;
  ghost_pay.match.rules = {"CHAIN-006"};
  ghost_pay.receivers = {"finance_bureau"};
  ghost_pay.continue_matching = true;
  ghost_pay.group_wait = std::chrono::seconds(0);
  Route critical;
  critical.match.severities = {"critical"};
  critical.match.regions = {"150700"};
  critical.receivers = {"discipline_office"};
  critical.group_wait = std::chrono::seconds(0);
  settings.route.routes = {ghost_pay, critical};
  auto manager = openManager(dir.ledger(), settings);
  ASSERT_NE(manager, nullptr);
  FakeReceiver receiver;
  observe(*manager,
          {finding("CHAIN-006", Severity::critical, unit(1), person(1)),
           finding("CHAIN-006", Severity::critical, unit(2, "152200"), person(2)),
           finding("CHAIN-003", Severity::major, unit(3), person(3))},
          at(0));
  flush(*manager, at(1));
  receiver.deliver(*manager, at(1));
  ASSERT_EQ(receiver.to("finance_bureau").size(), 2U);     // two regions, two groups
  ASSERT_EQ(receiver.to("discipline_office").size(), 1U);  // continue, and only region 1507xx
  EXPECT_EQ(receiver.to("discipline_office")[0].alert_ids.size(), 1U);
  ASSERT_EQ(receiver.to("estab_office").size(), 1U);
  EXPECT_EQ(receiver.to("estab_office")[0].alert_ids.size(), 1U);
}

TEST(AlertManagerInhibition, ADownSourceHoldsBackItsFindingsAndSaysSo) {
  ScratchDir dir;
  AlertSettings settings = settingsFor({"estab_office", "operations"});
  Route links;
  links.match.rules = {"LINK-*"};
  links.receivers = {"operations"};
  links.group_by = {"rule"};
  settings.route.routes = {links};
  auto manager = openManager(dir.ledger(), settings);
  ASSERT_NE(manager, nullptr);

  chain::Finding down = finding("LINK-001", Severity::major, "", "", "payroll");
  down.fingerprint = "LINK-001|payroll";
  down.summary_zh = "数据源 payroll（财政）连接失败";
  std::vector<chain::Finding> open = {down, finding("CHAIN-004", Severity::critical, unit(1), person(1), "payroll"),
                                      finding("CHAIN-004", Severity::critical, unit(2), person(2), "payroll"),
                                      finding("CHAIN-004", Severity::critical, unit(3), person(3), "roster")};
  FakeReceiver receiver;
  observe(*manager, open, at(0), {"payroll"});
  flush(*manager, at(1));
  receiver.deliver(*manager, at(1));
  ASSERT_EQ(receiver.to("estab_office").size(), 1U);
  const auto estab = receiver.to("estab_office")[0];
  EXPECT_EQ(estab.alert_ids, std::vector<std::string>{open[3].fingerprint});
  EXPECT_TRUE(contains(estab.markdown, "数据源 payroll 中断或未按时同步，暂缓依赖其数据的 2 项告警")) << estab.markdown;
  ASSERT_EQ(receiver.to("operations").size(), 1U);
  EXPECT_TRUE(contains(receiver.to("operations")[0].markdown, "暂缓依赖此数据源的 2 项告警"))
      << receiver.to("operations")[0].markdown;
  EXPECT_EQ(manager->alert(open[1].fingerprint)->inhibited_by, std::vector<std::string>{"payroll"});
  ASSERT_TRUE(manager->counts().ok());
  EXPECT_EQ(manager->counts()->inhibited, 2U);

  // The source comes back: LINK-001 resolves and the held findings go out.
  open.erase(open.begin());
  observe(*manager, open, at(10));
  flush(*manager, at(10));
  receiver.deliver(*manager, at(10));
  ASSERT_EQ(receiver.to("estab_office").size(), 2U);
  EXPECT_EQ(receiver.to("estab_office")[1].alert_ids.size(), 2U);
  ASSERT_EQ(receiver.to("operations").size(), 2U);
  EXPECT_TRUE(contains(receiver.to("operations")[1].title, "已解决 1 项"));
}

// An alert is compared with its finding in place (nothing copied while they agree): each part
// of the content that changes is taken, and an evaluation that changes nothing writes nothing.
TEST(AlertManagerContent, EachPartOfAFindingThatChangesReachesItsAlert) {
  ScratchDir dir;
  auto manager = openManager(dir.ledger(), settingsFor({"estab_office"}));
  ASSERT_NE(manager, nullptr);
  chain::Finding f = finding("CHAIN-004", Severity::major, unit(1), person(1));
  observe(*manager, {f}, at(0));
  ASSERT_NE(manager->alert(f.fingerprint), std::nullopt);
  EXPECT_EQ(manager->alert(f.fingerprint)->last_seen, at(0));
  observe(*manager, {f}, at(1));
  EXPECT_EQ(manager->alert(f.fingerprint)->last_seen, at(0)) << "the same content: the alert is left as it was";

  f.severity = Severity::critical;
  observe(*manager, {f}, at(2));
  EXPECT_EQ(manager->alert(f.fingerprint)->severity, Severity::critical);
  EXPECT_EQ(manager->alert(f.fingerprint)->last_seen, at(2));

  f.summary_en += " (again)";
  observe(*manager, {f}, at(3));
  EXPECT_EQ(manager->alert(f.fingerprint)->summary_en, f.summary_en);

  f.evidence[0].fields.emplace_back("gross", "6123.00");
  observe(*manager, {f}, at(4));
  EXPECT_EQ(manager->alert(f.fingerprint)->evidence, f.evidence);

  f.since = model::Date::fromYmd(2024, 2, 1);
  observe(*manager, {f}, at(5));
  EXPECT_EQ(manager->alert(f.fingerprint)->since, f.since);

  // What the alert derives: the source's connector going down holds it back, and its unit's
  // region as the lookup says (a unit moved to another region).
  observe(*manager, {f}, at(6), {"payroll"});
  EXPECT_EQ(manager->alert(f.fingerprint)->inhibited_by, std::vector<std::string>{"payroll"});
  ASSERT_TRUE(manager
                  ->observe(
                      {f}, [](const std::string&) { return std::string("150783"); }, kNoneDown, at(7))
                  .ok());
  EXPECT_EQ(manager->alert(f.fingerprint)->region, "150783");
  EXPECT_TRUE(manager->alert(f.fingerprint)->inhibited_by.empty());
  EXPECT_EQ(manager->alert(f.fingerprint)->last_seen, at(7));
}

TEST(AlertManagerSilences, ExpiryOnAStillFiringAlertIsAnnounced) {
  ScratchDir dir;
  auto manager = openManager(dir.ledger(), settingsFor({"estab_office"}));
  ASSERT_NE(manager, nullptr);
  const auto held = finding("CHAIN-013", Severity::minor, unit(1), person(1));
  const auto other = finding("CHAIN-013", Severity::minor, unit(2), person(2));
  SilenceMatch match;
  match.alert_ids = {held.fingerprint};
  using std::chrono::minutes;
  EXPECT_FALSE(manager->createSilence(silenceOf(match, "退休手续办理中", "王", minutes(60)), at(0)).ok())
      << "an alert id that names no alert is refused";
  FakeReceiver receiver;
  observe(*manager, {held, other}, at(0));
  EXPECT_FALSE(manager->createSilence(silenceOf({}, "all", "王", minutes(60)), at(0)).ok())
      << "a silence of everything is refused";
  EXPECT_FALSE(manager->createSilence(silenceOf(match, "", "王", minutes(60)), at(0)).ok()) << "a reason is required";
  EXPECT_FALSE(manager->createSilence(silenceOf(match, "迁移", "王", minutes(0)), at(0)).ok())
      << "the expiry must be ahead";
  auto silence = manager->createSilence(silenceOf(match, "退休手续办理中", "王科长", minutes(120)), at(0));
  ASSERT_TRUE(silence.ok()) << silence.error().message;
  EXPECT_EQ(silence->id, "S000001");
  EXPECT_EQ(manager->alert(held.fingerprint)->silenced_by, "S000001");
  flush(*manager, at(1));
  receiver.deliver(*manager, at(1));
  ASSERT_EQ(receiver.messages.size(), 1U);
  EXPECT_EQ(receiver.messages[0].alert_ids, std::vector<std::string>{other.fingerprint});
  EXPECT_TRUE(contains(receiver.messages[0].markdown, "1 项告警在静默中"));
  EXPECT_EQ(manager->nextFlush(), at(120));

  flush(*manager, at(121));
  receiver.deliver(*manager, at(121));
  ASSERT_EQ(receiver.messages.size(), 2U);
  const auto& notice = receiver.messages[1];
  EXPECT_EQ(notice.alert_ids, std::vector<std::string>{held.fingerprint});
  EXPECT_TRUE(contains(notice.title, "静默到期 1 项")) << notice.title;
  EXPECT_TRUE(contains(notice.markdown, "静默 S000001 已于 2024-05-06 10:00 +08:00 到期（王科长：退休手续办理中）"))
      << notice.markdown;
  EXPECT_EQ(manager->silences(false).size(), 0U);
  EXPECT_EQ(manager->silences(true).at(0).end_reason, "expired");

  // Told once: the next interval is quiet.
  flush(*manager, at(140));
  EXPECT_EQ(receiver.deliver(*manager, at(140)), 0);
}

TEST(AlertManagerSilences, ASilenceEndsWhenItsAlertResolves) {
  ScratchDir dir;
  auto manager = openManager(dir.ledger(), settingsFor({"estab_office"}));
  ASSERT_NE(manager, nullptr);
  const auto held = finding("CHAIN-015", Severity::minor, unit(1), person(1));
  SilenceMatch match;
  match.rules = {"CHAIN-015"};
  ASSERT_TRUE(manager->createSilence(silenceOf(match, "借调延期已批", "李", std::chrono::days(7)), at(0)).ok());
  observe(*manager, {held}, at(0));
  ASSERT_EQ(manager->silences(false).size(), 1U);
  observe(*manager, {}, at(10));
  ASSERT_EQ(manager->silences(false).size(), 0U);
  EXPECT_EQ(manager->silences(true).at(0).end_reason, "resolved");
  // The violation comes back: it is heard, not silenced by the old silence.
  observe(*manager, {held}, at(20));
  EXPECT_EQ(manager->alert(held.fingerprint)->silenced_by, "");
  EXPECT_EQ(manager->alert(held.fingerprint)->state, AlertState::firing);
}

TEST(AlertManagerSilences, EndingASilenceByHandTellsTheReceiver) {
  ScratchDir dir;
  auto manager = openManager(dir.ledger(), settingsFor({"estab_office"}));
  ASSERT_NE(manager, nullptr);
  const auto held = finding("CHAIN-013", Severity::minor, unit(1), person(1));
  SilenceMatch match;
  match.units = {unit(1)};
  auto silence = manager->createSilence(silenceOf(match, "核查中", "赵", std::chrono::minutes(600)), at(0));
  ASSERT_TRUE(silence.ok());
  observe(*manager, {held}, at(0));
  ASSERT_TRUE(manager->expireSilence(silence->id, "钱", at(5)).ok());
  EXPECT_FALSE(manager->expireSilence("S999999", "钱", at(5)).ok());
  flush(*manager, at(6));
  FakeReceiver receiver;
  receiver.deliver(*manager, at(6));
  ASSERT_EQ(receiver.messages.size(), 1U);
  EXPECT_TRUE(contains(receiver.messages[0].markdown, "已由 钱 提前解除")) << receiver.messages[0].markdown;
}

TEST(AlertManagerEscalation, UnacknowledgedAlertsGoToTheDepartmentHead) {
  ScratchDir dir;
  AlertSettings settings = settingsFor({"estab_office", "estab_head"});
  settings.route.escalate_after = std::chrono::hours(4);
  settings.route.escalate_to = {"estab_head"};
  auto manager = openManager(dir.ledger(), settings);
  ASSERT_NE(manager, nullptr);
  const auto taken = finding("CHAIN-002", Severity::critical, unit(1), person(1));
  const auto ignored = finding("CHAIN-002", Severity::critical, unit(2), person(2));
  FakeReceiver receiver;
  observe(*manager, {taken, ignored}, at(0));
  flush(*manager, at(1));
  receiver.deliver(*manager, at(1));
  ASSERT_EQ(receiver.to("estab_office").size(), 1U);
  EXPECT_TRUE(contains(receiver.to("estab_office")[0].markdown, "staffchainctl ack " + taken.fingerprint));

  EXPECT_FALSE(manager->acknowledge("0000000000000000", ackBy("孙"), at(30)).ok());
  ASSERT_TRUE(manager->acknowledge(taken.fingerprint, ackBy("孙科员", "已联系单位"), at(30)).ok());
  EXPECT_EQ(manager->alert(taken.fingerprint)->state, AlertState::acknowledged);
  EXPECT_EQ(manager->nextFlush(), at(1) + std::chrono::hours(4));

  flush(*manager, at(200));
  EXPECT_EQ(receiver.deliver(*manager, at(200)), 0) << "not yet";
  flush(*manager, at(242));
  flush(*manager, at(243));
  receiver.deliver(*manager, at(243));
  ASSERT_EQ(receiver.to("estab_head").size(), 1U);
  const auto head = receiver.to("estab_head")[0];
  EXPECT_EQ(head.alert_ids, std::vector<std::string>{ignored.fingerprint});
  EXPECT_TRUE(contains(head.title, "【升级】")) << head.title;
  EXPECT_TRUE(manager->alert(ignored.fingerprint)->escalated_at.has_value());
  EXPECT_FALSE(manager->alert(taken.fingerprint)->escalated_at.has_value());

  // The head also hears when it resolves.
  observe(*manager, {taken}, at(300));
  flush(*manager, at(306));
  receiver.deliver(*manager, at(306));
  ASSERT_EQ(receiver.to("estab_head").size(), 2U);
  EXPECT_TRUE(contains(receiver.to("estab_head")[1].markdown, ignored.fingerprint));
  EXPECT_FALSE(manager->acknowledge(ignored.fingerprint, ackBy("孙"), at(307)).ok()) << "resolved alerts are not acked";
}

TEST(AlertManagerRestart, ReopeningLosesNothingAndResendsNothing) {
  ScratchDir dir;
  const auto settings = settingsFor({"estab_office"});
  std::vector<chain::Finding> open = {finding("CHAIN-003", Severity::major, unit(1), person(1)),
                                      finding("CHAIN-005", Severity::major, unit(2), person(2))};
  FakeReceiver receiver;
  std::string silence_id;
  {
    auto manager = openManager(dir.ledger(), settings);
    ASSERT_NE(manager, nullptr);
    observe(*manager, open, at(0));
    flush(*manager, at(1));
    auto due = manager->dueMessages(at(1), 1);  // one handed out, the crash comes before the report
    ASSERT_TRUE(due.ok());
    ASSERT_EQ(due->size(), 1U);
    ASSERT_TRUE(manager->delivered(due->front().id, "ok", at(1)).ok());
    receiver.received[due->front().notification.idempotency_key]++;
    ASSERT_TRUE(manager->acknowledge(open[0].fingerprint, ackBy("周"), at(2)).ok());
    SilenceMatch match;
    match.rules = {"CHAIN-016"};  // matches none of them
    auto silence = manager->createSilence(silenceOf(match, "测试", "吴", std::chrono::minutes(598)), at(2));
    ASSERT_TRUE(silence.ok());
    silence_id = silence->id;
  }
  auto manager = openManager(dir.ledger(), settings);
  ASSERT_NE(manager, nullptr);
  EXPECT_EQ(manager->alert(open[0].fingerprint)->state, AlertState::acknowledged);
  EXPECT_EQ(manager->alert(open[0].fingerprint)->acknowledged_by, "周");
  ASSERT_EQ(manager->silences(false).size(), 1U);
  EXPECT_EQ(manager->silences(false)[0].id, silence_id);
  observe(*manager, open, at(3));
  flush(*manager, at(4));
  receiver.deliver(*manager, at(4));
  EXPECT_EQ(receiver.received.size(), 2U) << "the second digest, still pending, goes out once";
  for (const auto& [key, times] : receiver.received) EXPECT_EQ(times, 1) << key;
  auto outbox = manager->outbox(true);
  ASSERT_TRUE(outbox.ok());
  EXPECT_EQ(outbox->size(), 2U) << "no digest written twice";
  EXPECT_EQ(manager->alerts({}).size(), 2U) << "one alert per fingerprint";
}

TEST(AlertManagerRestart, ALeaseFromACrashedRunIsReleased) {
  ScratchDir dir;
  const auto settings = settingsFor({"estab_office"});
  {
    auto manager = openManager(dir.ledger(), settings);
    ASSERT_NE(manager, nullptr);
    observe(*manager, {finding("CHAIN-003", Severity::major, unit(1), person(1))}, at(0));
    flush(*manager, at(1));
    auto due = manager->dueMessages(at(1), 10);
    ASSERT_TRUE(due.ok());
    ASSERT_EQ(due->size(), 1U);
    auto again = manager->dueMessages(at(2), 10);
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(again->empty()) << "leased to the first caller";
  }
  auto manager = openManager(dir.ledger(), settings);
  ASSERT_NE(manager, nullptr);
  auto due = manager->dueMessages(at(2), 10);
  ASSERT_TRUE(due.ok());
  EXPECT_EQ(due->size(), 1U);
}

TEST(AlertManagerLifecycle, AResolvedFindingThatReturnsReopensTheSameAlert) {
  ScratchDir dir;
  auto manager = openManager(dir.ledger(), settingsFor({"estab_office"}));
  ASSERT_NE(manager, nullptr);
  const auto f = finding("CHAIN-010", Severity::major, unit(1), person(1));
  observe(*manager, {f}, at(0));
  ASSERT_TRUE(manager->acknowledge(f.fingerprint, ackBy("郑"), at(1)).ok());
  observe(*manager, {}, at(2));
  EXPECT_EQ(manager->alert(f.fingerprint)->state, AlertState::resolved);
  observe(*manager, {f, f}, at(3));
  const auto alert = manager->alert(f.fingerprint);
  EXPECT_EQ(alert->state, AlertState::firing);
  EXPECT_EQ(alert->acknowledged_by, "");
  EXPECT_EQ(alert->first_seen, at(0));
  EXPECT_EQ(alert->region, "150702");
  EXPECT_EQ(alert->roles, std::vector<std::string>{"finance"});
  EXPECT_EQ(manager->alerts({}).size(), 1U);
  AlertFilter filter;
  filter.region = "150700";
  EXPECT_EQ(manager->alerts(filter).size(), 1U);
  filter.region = "152200";
  EXPECT_EQ(manager->alerts(filter).size(), 0U);
}

TEST(AlertManagerStore, SharesTheLedgerFileWithTheLedger) {
  ScratchDir dir;
  auto ledger = ledger::SqlLedger::open(dir.ledger(), {});
  ASSERT_TRUE(ledger.ok()) << ledger.error().message;
  auto manager = openManager(dir.ledger(), settingsFor({"estab_office"}));
  ASSERT_NE(manager, nullptr);
  observe(*manager, {finding("CHAIN-003", Severity::major, unit(1), person(1))}, at(0));
  manager.reset();
  ledger.value().reset();
  // Both reopen: neither schema disturbs the other.
  auto ledger_again = ledger::SqlLedger::open(dir.ledger(), {});
  ASSERT_TRUE(ledger_again.ok()) << ledger_again.error().message;
  manager = openManager(dir.ledger(), settingsFor({"estab_office"}));
  ASSERT_NE(manager, nullptr);
  EXPECT_EQ(manager->alerts({}).size(), 1U);
}

// Every time an alert was open is kept, reopenings included, for reports of a past period; the
// spans follow the alert rows whatever writes them, and survive a restart.
TEST(AlertSpans, EachOpeningIsASpanAndAPeriodSeesThoseOverlappingIt) {
  ScratchDir dir;
  const auto ghost = finding("CHAIN-006", Severity::critical, unit(1), person(1));
  const auto excess = finding("CHAIN-012", Severity::major, unit(2), "");
  {
    auto manager = openManager(dir.ledger(), settingsFor({"estab_office"}));
    ASSERT_NE(manager, nullptr);
    observe(*manager, {ghost, excess}, at(0));
    observe(*manager, {excess}, at(10));         // the ghost pay stops
    observe(*manager, {ghost, excess}, at(20));  // and starts again
    observe(*manager, {ghost}, at(30));          // the excess is gone
  }
  auto manager = openManager(dir.ledger(), settingsFor({"estab_office"}));
  ASSERT_NE(manager, nullptr);
  auto all = manager->spans(at(0), at(100));
  ASSERT_TRUE(all.ok()) << all.error().message;
  ASSERT_EQ(all->size(), 3U);
  std::vector<std::tuple<std::string, TimePoint, std::optional<TimePoint>>> seen;
  for (const auto& span : *all) seen.emplace_back(span.rule, span.opened_at, span.resolved_at);
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen[0], std::make_tuple(std::string("CHAIN-006"), at(0), std::optional<TimePoint>(at(10))));
  EXPECT_EQ(seen[1], std::make_tuple(std::string("CHAIN-006"), at(20), std::optional<TimePoint>()));
  EXPECT_EQ(seen[2], std::make_tuple(std::string("CHAIN-012"), at(0), std::optional<TimePoint>(at(30))));
  for (const auto& span : *all) {
    EXPECT_EQ(span.unit_id, span.rule == "CHAIN-006" ? unit(1) : unit(2));
    EXPECT_EQ(span.severity, span.rule == "CHAIN-006" ? Severity::critical : Severity::major);
  }

  // A period between the ghost pay's two spans sees only the excess; one after it all, the
  // ghost pay open again.
  auto between = manager->spans(at(12), at(18));
  ASSERT_TRUE(between.ok());
  ASSERT_EQ(between->size(), 1U);
  EXPECT_EQ((*between)[0].rule, "CHAIN-012");
  auto after = manager->spans(at(40), at(50));
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 1U);
  EXPECT_EQ((*after)[0].rule, "CHAIN-006");
  EXPECT_FALSE((*after)[0].resolved_at.has_value());
}

// Told only what changed since the last observation, a manager ends where one given every open
// finding each time ends: the same alerts (state, content, times) and the same notifications.
TEST(AlertManagerContent, TheChangesAloneLeaveTheAlertsAsAWholeObservationDoes) {
  ScratchDir dir;
  auto whole = openManager(dir.ledger(), settingsFor({"estab_office"}));
  auto told = openManager(dir.another("told"), settingsFor({"estab_office"}));
  ASSERT_NE(whole, nullptr);
  ASSERT_NE(told, nullptr);
  EXPECT_TRUE(told->observesWholeNext()) << "a manager just opened has not seen the open findings";
  std::map<std::string, chain::Finding> open;
  std::mt19937 rng(20240506);
  auto project = [](AlertManager& manager) {
    std::vector<std::string> out;
    for (const auto& a : manager.alerts(AlertFilter{})) {
      out.push_back(fmt::format("{} {} {} {} {} {} {} {}", a.id, static_cast<int>(a.state), a.summary_en, a.region,
                                fmt::join(a.inhibited_by, ","), a.last_seen.time_since_epoch().count(),
                                a.resolved_at ? a.resolved_at->time_since_epoch().count() : 0, a.evidence.size()));
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  auto messages = [](AlertManager& manager, TimePoint now) {
    std::vector<std::string> out;
    EXPECT_TRUE(manager.flush(now).ok());
    auto due = manager.dueMessages(now, 1000);
    EXPECT_TRUE(due.ok());
    for (const auto& m : due.value()) {
      out.push_back(m.group_key + "|" + m.notification.title + "|" + m.notification.text);
      EXPECT_TRUE(manager.delivered(m.id, "ok", now).ok());
    }
    return out;
  };
  for (int step = 0; step < 40; ++step) {
    std::vector<const chain::Finding*> changed;
    std::vector<std::string> gone;
    std::set<std::string> touched;
    for (int k = 0; k < 6; ++k) {
      const int n = static_cast<int>(rng() % 30);
      auto f = finding(rng() % 3 == 0 ? "CHAIN-002" : "CHAIN-004",
                       rng() % 2 == 0 ? Severity::major : Severity::critical, unit(n % 7), person(n));
      switch (rng() % 3) {
        case 0:  // raised, or raised again after it resolved
          open.insert_or_assign(f.fingerprint, f);
          break;
        case 1:  // its content changes
          if (auto it = open.find(f.fingerprint); it != open.end()) it->second.summary_en += " +";
          break;
        default:  // gone
          if (open.erase(f.fingerprint) > 0) gone.push_back(f.fingerprint);
          break;
      }
      touched.insert(f.fingerprint);
    }
    for (const auto& fp : touched) {
      if (auto it = open.find(fp); it != open.end()) changed.push_back(&it->second);
    }
    std::erase_if(gone, [&](const std::string& fp) { return open.contains(fp); });
    std::vector<const chain::Finding*> all;
    for (const auto& [fp, f] : open) all.push_back(&f);
    const auto now = at(step * 7);
    ASSERT_TRUE(whole->observeInPlace(all, regions(), kNoneDown, now).ok());
    if (told->observesWholeNext()) {
      ASSERT_TRUE(told->observeInPlace(all, regions(), kNoneDown, now).ok());
    } else {
      ASSERT_TRUE(told->observeChanges(changed, gone, regions(), kNoneDown, now).ok());
    }
    EXPECT_FALSE(told->observesWholeNext());
    ASSERT_EQ(project(*told), project(*whole)) << "step " << step;
    ASSERT_EQ(messages(*told, now), messages(*whole, now)) << "step " << step;
  }
  told->reconfigure(settingsFor({"estab_office"}));
  EXPECT_TRUE(told->observesWholeNext()) << "a reload may route every alert anew";
  EXPECT_FALSE(told->observeChanges({}, {}, regions(), kNoneDown, at(400)).ok());
}

}  // namespace
}  // namespace staffchain::alerts
