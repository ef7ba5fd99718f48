// The quarterly report's figures from a small ledger made by hand: two units in two regions, a
// retired person still paid, leaders over their posts, an overdue reduction task, a finding that
// reopened inside the quarter and a payroll link that was down two days. The alert history is
// written by a real AlertManager on a scripted clock; every sheet's numbers are checked, then the
// workbook is written and read back with openpyxl.
#include "staffchain/reports/quarterly_figures.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "../alerts/alert_test_support.hpp"
#include "../chain/chain_test_support.hpp"
#include "staffchain/model/enums.hpp"

namespace staffchain::reports {
namespace {

namespace ct = chain::testing;
namespace at = alerts::testing;
using model::Date;
using model::EstabType;
using model::Month;
using TimePoint = std::chrono::system_clock::time_point;

const model::TimeZone kZone = model::TimeZone::standard();

// A time in Beijing (UTC+08:00, no daylight saving).
TimePoint beijing(int y, unsigned m, unsigned d, int hour) {
  return TimePoint(std::chrono::sys_days(std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d})) +
         std::chrono::hours(hour - 8);
}

class QuarterlyFigures : public ::testing::Test {
 protected:
  void SetUp() override {
    unit_a_ = ct::unitId(1);
    unit_b_ = ct::unitId(2);
    model::Dataset data;
    data.sources = {"roster", "payroll"};
    auto a = ct::unit(1, "海拉尔区财政局", model::UnitKind::organ);
    auto b = ct::unit(2, "满洲里市第一中学", model::UnitKind::public_welfare_1);
    b.region = "150781";
    data.units = {a, b};
    data.quotas = {ct::quota(unit_a_, EstabType::admin, 3, ct::day(2020, 1, 1)),
                   ct::quota(unit_b_, EstabType::institution, 5, ct::day(2020, 1, 1))};
    model::LeaderQuota leaders;
    leaders.unit_id = unit_a_;
    leaders.level = model::LeaderLevel::county;
    leaders.rank = model::LeaderRank::deputy;
    leaders.approved = 1;
    data.leader_quotas = {leaders};
    // Unit A: four people on three admin posts, two of them deputy leaders on one post.
    for (int i = 1; i <= 4; ++i) {
      auto entry = ct::roster(ct::person(i), unit_a_, EstabType::admin, ct::day(2015, 3, 1));
      if (i <= 2) {
        entry.leader_level = model::LeaderLevel::county;
        entry.leader_rank = model::LeaderRank::deputy;
      }
      data.roster.push_back(entry);
    }
    // Unit B: two teachers on five institution posts.
    for (int i = 6; i <= 7; ++i) {
      data.roster.push_back(ct::roster(ct::person(i), unit_b_, EstabType::institution, ct::day(2016, 9, 1)));
    }
    // A teacher of B retired on 2026-08-15 and left the roster, but B paid her to November.
    retired_ = ct::person(5);
    data.movements.push_back(
        ct::move("m-add", model::MovementKind::roster_add, retired_, unit_b_, ct::day(2026, 7, 1)));
    data.movements.push_back(
        ct::move("m-retire", model::MovementKind::retire, retired_, unit_b_, ct::day(2026, 8, 15)));
    data.movements.push_back(
        ct::move("m-remove", model::MovementKind::roster_remove, retired_, unit_b_, ct::day(2026, 8, 20)));
    for (unsigned m = 7; m <= 11; ++m) {
      auto row = ct::pay(retired_, unit_b_, Month::fromYm(2026, m));
      row.gross_fen = 612345;  // 6,123.45 yuan
      data.payroll.push_back(row);
    }
    // A task to take one admin post back from A by mid-year; the quota never moved.
    data.reductions = {ct::reduction("T-1", unit_a_, EstabType::admin, 1, ct::day(2026, 1, 10), ct::day(2026, 6, 30))};
    engine_.load(data);
    regions_ = {{unit_a_.str(), "150702"}, {unit_b_.str(), "150781"}};

    alerts::AlertSettings settings = at::settingsFor({"office"});
    manager_ = at::openManager(scratch_.ledger(), settings);
    ASSERT_NE(manager_, nullptr);
  }

  // One evaluation of the daemon: the engine as of that day, plus the other findings open then.
  void observe(TimePoint now, const std::vector<chain::Finding>& others = {}) {
    auto open = engine_.evaluateAll(kZone.dateAt(now));
    open.insert(open.end(), others.begin(), others.end());
    const auto region_of = [this](const std::string& unit) {
      const auto it = regions_.find(unit);
      return it == regions_.end() ? std::string() : it->second;
    };
    ASSERT_TRUE(manager_->observe(open, region_of, {}, now).ok());
  }

  static chain::Finding linkDown() {
    chain::Finding f;
    f.rule = "LINK-001";
    f.severity = chain::Severity::major;
    f.since = ct::day(2026, 10, 15);
    f.summary_zh = "数据源 payroll（财政局）连接失败";
    chain::EvidenceItem item{"payroll", "link", "payroll", {{"role", "finance"}}};
    f.evidence.push_back(item);
    f.fingerprint = "LINK-001|payroll";
    return f;
  }

  chain::Finding pastRetirement() const {
    chain::Finding f;
    f.rule = "CHAIN-013";
    f.severity = chain::Severity::minor;
    f.unit_id = unit_b_;
    f.person_id = ct::person(6);
    f.since = ct::day(2026, 10, 20);
    f.summary_zh = "超过法定退休年龄仍在编";
    f.fingerprint = "CHAIN-013|teacher";
    return f;
  }

  QuarterlyInputs inputs(TimePoint now) const {
    QuarterlyInputs in;
    in.quarter = Quarter{2026, 4};
    in.issuing_office = "呼伦贝尔市委机构编制委员会办公室";
    in.zone = kZone;
    in.now = now;
    in.links = {{"payroll", "finance"}, {"roster", "estab"}};
    return in;
  }

  // The history of 2026: the standing findings arise in Q3; in Q4 the payroll link is down from
  // 15 to 17 October, and a CHAIN-013 opens on 20 October, resolves on 1 November and reopens on
  // 10 November, open to the end.
  void writeHistory() {
    observe(beijing(2026, 9, 20, 10));
    observe(beijing(2026, 10, 15, 9), {linkDown()});
    observe(beijing(2026, 10, 17, 9));
    observe(beijing(2026, 10, 20, 9), {pastRetirement()});
    observe(beijing(2026, 11, 1, 9));
    observe(beijing(2026, 11, 10, 9), {pastRetirement()});
    observe(beijing(2026, 12, 31, 23), {pastRetirement()});
  }

  static const RegionSummary& regionOf(const QuarterlyReport& report, const std::string& code) {
    for (const auto& r : report.regions) {
      if (r.region == code) return r;
    }
    ADD_FAILURE() << "no region " << code;
    static const RegionSummary kNone;
    return kNone;
  }

  static const RuleCountRow* ruleOf(const QuarterlyReport& report, const std::string& rule) {
    for (const auto& r : report.rules) {
      if (r.rule == rule) return &r;
    }
    return nullptr;
  }

  at::ScratchDir scratch_;
  chain::ChainEngine engine_{chain::RuleParams{}};
  model::UnitId unit_a_;
  model::UnitId unit_b_;
  model::PersonId retired_;
  std::map<std::string, std::string> regions_;
  std::unique_ptr<alerts::AlertManager> manager_;
};

TEST(Quarter, IsReadStrictlyAndNamesTheExpectedForm) {
  auto q = parseQuarter("2026Q4");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->text(), "2026Q4");
  EXPECT_EQ(model::formatDate(q->firstDay()), "2026-10-01");
  EXPECT_EQ(model::formatDate(q->lastDay()), "2026-12-31");
  EXPECT_EQ(model::formatDate(parseQuarter("2024q1")->lastDay()), "2024-03-31");
  EXPECT_EQ(model::formatDate(parseQuarter("2026Q2")->lastDay()), "2026-06-30");
  for (const char* bad : {"2026Q5", "2026Q0", "26Q4", "2026-Q4", "2026Q4 ", "Q4 2026", "", "0999Q1", "２０２６Q4"}) {
    auto refused = parseQuarter(bad);
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_NE(refused.error().message.find(std::string("\"") + bad + "\""), std::string::npos)
        << refused.error().message;
    EXPECT_NE(refused.error().message.find("2026Q4"), std::string::npos) << refused.error().message;
  }
  EXPECT_EQ(Quarter::before(ct::day(2027, 1, 5)).text(), "2026Q4");
  EXPECT_EQ(Quarter::before(ct::day(2026, 8, 1)).text(), "2026Q2");
}

TEST_F(QuarterlyFigures, PostsPerUnitAndRegionAreThoseOfTheQuarterLastDay) {
  writeHistory();
  auto report = quarterlyFigures(inputs(beijing(2027, 1, 5, 9)), engine_, *manager_);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->quarter, "2026Q4");
  EXPECT_EQ(report->first_day, "2026-10-01");
  EXPECT_EQ(report->last_day, "2026-12-31");
  EXPECT_EQ(report->generated_at, "2027-01-05T09:00:00+08:00");
  ASSERT_EQ(report->units.size(), 2U);
  const auto& a = report->units[0];
  EXPECT_EQ(a.unit_id, unit_a_.str());
  EXPECT_EQ(a.unit_name, "海拉尔区财政局");
  ASSERT_EQ(a.types.size(), 1U);
  EXPECT_EQ(a.types[0].estab_type, "admin");
  EXPECT_EQ(a.types[0].approved, 3);
  EXPECT_EQ(a.types[0].occupied, 4);
  EXPECT_EQ(a.types[0].vacant, 0);
  EXPECT_EQ(a.types[0].excess, 1);
  EXPECT_EQ(a.leaders_over, 1);
  const auto& b = report->units[1];
  EXPECT_EQ(b.region, "150781");
  ASSERT_EQ(b.types.size(), 1U);
  EXPECT_EQ(b.types[0].approved, 5);
  EXPECT_EQ(b.types[0].occupied, 2);  // the retired teacher left the roster in August
  EXPECT_EQ(b.types[0].vacant, 3);
  EXPECT_EQ(b.leaders_over, 0);

  ASSERT_EQ(report->regions.size(), 2U);
  const auto& hailar = regionOf(*report, "150702");
  EXPECT_EQ(hailar.region_name, "海拉尔区");
  EXPECT_EQ(hailar.units, 1);
  EXPECT_EQ(hailar.total.approved, 3);
  EXPECT_EQ(hailar.total.excess, 1);
  EXPECT_EQ(hailar.leaders_over, 1);
  EXPECT_EQ(report->city.region, "150700");
  EXPECT_EQ(report->city.region_name, "全市");
  EXPECT_EQ(report->city.units, 2);
  EXPECT_EQ(report->city.total.approved, 8);
  EXPECT_EQ(report->city.total.occupied, 6);
  EXPECT_EQ(report->city.total.vacant, 3);
  EXPECT_EQ(report->city.total.excess, 1);
  EXPECT_EQ(report->city.leaders_over, 1);
}

TEST_F(QuarterlyFigures, GhostPayCountsThePayrollMonthsAfterTheExitUpToTheQuarterEnd) {
  writeHistory();
  auto report = quarterlyFigures(inputs(beijing(2027, 1, 5, 9)), engine_, *manager_);
  ASSERT_TRUE(report.ok()) << report.error().message;
  // Retired in August: September, October and November were paid after the exit month.
  ASSERT_EQ(report->ghost_pay.size(), 1U);
  const auto& row = report->ghost_pay[0];
  EXPECT_EQ(row.unit_id, unit_b_.str());
  EXPECT_EQ(row.unit_name, "满洲里市第一中学");
  EXPECT_EQ(row.persons, 1);
  EXPECT_EQ(row.months, 3);
  EXPECT_DOUBLE_EQ(row.yuan, 18370.35);
  const auto& manzhouli = regionOf(*report, "150781");
  EXPECT_EQ(manzhouli.ghost_pay_persons, 1);
  EXPECT_EQ(manzhouli.ghost_pay_months, 3);
  EXPECT_DOUBLE_EQ(manzhouli.ghost_pay_yuan, 18370.35);
  EXPECT_DOUBLE_EQ(report->city.ghost_pay_yuan, 18370.35);

  // The third quarter counts to September only: one month, as of its last day.
  auto in = inputs(beijing(2027, 1, 5, 9));
  in.quarter = Quarter{2026, 3};
  auto q3 = quarterlyFigures(in, engine_, *manager_);
  ASSERT_TRUE(q3.ok()) << q3.error().message;
  ASSERT_EQ(q3->ghost_pay.size(), 1U);
  EXPECT_EQ(q3->ghost_pay[0].months, 1);
  EXPECT_DOUBLE_EQ(q3->ghost_pay[0].yuan, 6123.45);
}

TEST_F(QuarterlyFigures, FindingsAreCountedFromTheirSpansAndAReopenedOneCountsEachTime) {
  writeHistory();
  auto report = quarterlyFigures(inputs(beijing(2027, 1, 5, 9)), engine_, *manager_);
  ASSERT_TRUE(report.ok()) << report.error().message;
  const auto* reopened = ruleOf(*report, "CHAIN-013");
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(reopened->title_zh, "到龄未退休");
  EXPECT_EQ(reopened->opened, 2);
  EXPECT_EQ(reopened->resolved, 1);
  EXPECT_EQ(reopened->open_at_end, 1);
  // Standing since the third quarter: open at the end, not opened in it.
  for (const char* rule : {"CHAIN-006", "CHAIN-007", "CHAIN-012", "CHAIN-018"}) {
    const auto* row = ruleOf(*report, rule);
    ASSERT_NE(row, nullptr) << rule;
    EXPECT_EQ(row->opened, 0) << rule;
    EXPECT_EQ(row->resolved, 0) << rule;
    EXPECT_EQ(row->open_at_end, 1) << rule;
  }
  const auto* link = ruleOf(*report, "LINK-001");
  ASSERT_NE(link, nullptr);
  EXPECT_EQ(link->opened, 1);
  EXPECT_EQ(link->resolved, 1);
  EXPECT_EQ(link->open_at_end, 0);
  std::int64_t opened = 0;
  std::int64_t resolved = 0;
  std::int64_t open_at_end = 0;
  for (const auto& row : report->rules) {
    opened += row.opened;
    resolved += row.resolved;
    open_at_end += row.open_at_end;
  }
  EXPECT_EQ(report->city.findings_opened, opened);
  EXPECT_EQ(report->city.findings_resolved, resolved);
  EXPECT_EQ(report->city.findings_open_at_end, open_at_end);
  // The regions hold their units' findings; the link's belongs to the city alone.
  const auto& manzhouli = regionOf(*report, "150781");
  EXPECT_EQ(manzhouli.findings_opened, 2);
  EXPECT_EQ(manzhouli.findings_resolved, 1);
  EXPECT_EQ(manzhouli.findings_open_at_end, 2);  // CHAIN-006 and the reopened CHAIN-013
  EXPECT_EQ(regionOf(*report, "150702").findings_opened + manzhouli.findings_opened + 1, opened);
}

TEST_F(QuarterlyFigures, ALinkIsDownWhileItsLinkAlertIsOpen) {
  writeHistory();
  auto report = quarterlyFigures(inputs(beijing(2027, 1, 5, 9)), engine_, *manager_);
  ASSERT_TRUE(report.ok()) << report.error().message;
  ASSERT_EQ(report->links.size(), 2U);
  const auto& payroll = report->links[0];
  EXPECT_EQ(payroll.connector, "payroll");
  EXPECT_EQ(payroll.role, "finance");
  EXPECT_EQ(payroll.outages, 1);
  EXPECT_EQ(payroll.longest_outage, "2天0小时");
  EXPECT_DOUBLE_EQ(payroll.availability, 1.0 - 2.0 / 92.0);  // two days of 92
  const auto& roster = report->links[1];
  EXPECT_EQ(roster.connector, "roster");
  EXPECT_EQ(roster.outages, 0);
  EXPECT_DOUBLE_EQ(roster.availability, 1.0);
}

TEST_F(QuarterlyFigures, ReductionTasksAndCasesAreThoseOfTheQuarter) {
  writeHistory();
  auto in = inputs(beijing(2027, 1, 5, 9));
  in.cases = {
      {"呼编督〔2026〕3号", unit_a_.str(), "150702", ct::day(2026, 7, 1), ct::day(2026, 10, 30), std::nullopt, {}},
      {"呼编督〔2026〕9号", unit_b_.str(), "150781", ct::day(2026, 11, 2), std::nullopt, ct::day(2026, 12, 15), {}},
      {"呼编督〔2026〕12号", unit_b_.str(), "150781", ct::day(2026, 12, 20), std::nullopt, std::nullopt, {}},
      {"呼编督〔2027〕1号", unit_a_.str(), "150702", ct::day(2027, 1, 3), std::nullopt, std::nullopt, {}},
  };
  auto report = quarterlyFigures(in, engine_, *manager_);
  ASSERT_TRUE(report.ok()) << report.error().message;
  ASSERT_EQ(report->reductions.size(), 1U);
  const auto& task = report->reductions[0];
  EXPECT_EQ(task.task_id, "T-1");
  EXPECT_EQ(task.unit_name, "海拉尔区财政局");
  EXPECT_EQ(task.due_on, "2026-06-30");
  EXPECT_EQ(task.state_zh, "逾期未完成");
  EXPECT_EQ(task.posts_to_recover, 1);
  EXPECT_EQ(task.recovered, 0);

  EXPECT_EQ(report->cases.opened, 2);
  EXPECT_EQ(report->cases.closed, 1);
  EXPECT_EQ(report->cases.overdue, 1);
  EXPECT_EQ(report->cases.open_at_end, 2);
  EXPECT_EQ(regionOf(*report, "150781").cases_opened, 2);
  EXPECT_EQ(regionOf(*report, "150781").cases_overdue, 1);
  EXPECT_EQ(regionOf(*report, "150702").cases_closed, 1);
  EXPECT_EQ(report->city.cases_opened, 2);
}

// The daemon's cases carry the days they were overdue: a case is overdue in the quarter when one
// of its spans reaches into it, whatever its state at the end (a case overdue in October whose
// findings resolved in November was still overdue in the quarter; one overdue only in June was not).
TEST_F(QuarterlyFigures, ACaseIsOverdueInTheQuarterWhenOneOfItsOverdueSpansReachesIntoIt) {
  writeHistory();
  auto in = inputs(beijing(2027, 1, 5, 9));
  const auto d = [](int y, unsigned m, unsigned day) { return ct::day(y, m, day); };
  in.cases = {
      {"呼编督〔2026〕1号",
       unit_a_.str(),
       "150702",
       d(2026, 5, 1),
       std::nullopt,
       d(2026, 6, 1),
       {{d(2026, 6, 1), d(2026, 6, 20)}}},
      {"呼编督〔2026〕2号",
       unit_a_.str(),
       "150702",
       d(2026, 8, 1),
       std::nullopt,
       d(2026, 9, 1),
       {{d(2026, 9, 1), d(2026, 10, 3)}}},
      {"呼编督〔2026〕4号",
       unit_b_.str(),
       "150781",
       d(2026, 8, 1),
       std::nullopt,
       d(2026, 9, 1),
       {{d(2026, 9, 1), d(2026, 9, 10)}, {d(2026, 12, 30), std::nullopt}}},
      {"呼编督〔2026〕5号",
       unit_b_.str(),
       "150781",
       d(2026, 8, 1),
       std::nullopt,
       d(2026, 9, 1),
       {{d(2026, 9, 1), d(2026, 10, 1)}}},
  };
  auto report = quarterlyFigures(in, engine_, *manager_);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->cases.overdue, 2)
      << "2号 into October, 4号 again from 12-30; not 1号 (June), not 5号 (ended 10-01)";
  EXPECT_EQ(regionOf(*report, "150702").cases_overdue, 1);
  EXPECT_EQ(regionOf(*report, "150781").cases_overdue, 1);
}

TEST_F(QuarterlyFigures, ARegionReportHoldsThatRegionOnly) {
  writeHistory();
  auto in = inputs(beijing(2027, 1, 5, 9));
  in.region = "150781";
  auto report = quarterlyFigures(in, engine_, *manager_);
  ASSERT_TRUE(report.ok()) << report.error().message;
  ASSERT_EQ(report->regions.size(), 1U);
  EXPECT_EQ(report->regions[0].region, "150781");
  ASSERT_EQ(report->units.size(), 1U);
  EXPECT_EQ(report->units[0].unit_id, unit_b_.str());
  EXPECT_TRUE(report->reductions.empty());
  EXPECT_EQ(ruleOf(*report, "LINK-001"), nullptr);
  EXPECT_EQ(ruleOf(*report, "CHAIN-007"), nullptr);
  EXPECT_EQ(report->city.region_name, "合计");
  EXPECT_EQ(report->city.findings_opened, 2);
  EXPECT_EQ(report->city.total.approved, 5);

  in.region = "15078";
  auto refused = quarterlyFigures(in, engine_, *manager_);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("\"15078\""), std::string::npos) << refused.error().message;
}

TEST_F(QuarterlyFigures, ARegionWithNothingKnownStillHasItsRowAndItsName) {
  auto in = inputs(beijing(2027, 1, 5, 9));
  in.region = "150783";  // 扎兰屯市: no unit of this ledger
  auto report = quarterlyFigures(in, engine_, *manager_);
  ASSERT_TRUE(report.ok()) << report.error().message;
  ASSERT_EQ(report->regions.size(), 1U);
  EXPECT_EQ(report->regions[0].region, "150783");
  EXPECT_EQ(report->regions[0].region_name, "扎兰屯市");
  EXPECT_EQ(report->regions[0].units, 0);
  EXPECT_TRUE(report->units.empty());
  EXPECT_EQ(quarterlyFileName(*report), "2026年第四季度机构编制季度监控报表（扎兰屯市）.xlsx");
  in.region.clear();
  EXPECT_EQ(quarterlyFileName(quarterlyFigures(in, engine_, *manager_).value()),
            "2026年第四季度机构编制季度监控报表.xlsx");
}

TEST_F(QuarterlyFigures, TheCitysOwnUnitsAreARowOfTheirOwnNamedApartFromTheWholeCity) {
  model::Dataset data;
  auto city_unit = ct::unit(9, "呼伦贝尔市财政局", model::UnitKind::organ);
  city_unit.region = "150700";
  data.units = {city_unit};
  data.quotas = {ct::quota(city_unit.unit_id, EstabType::admin, 40, ct::day(2020, 1, 1))};
  chain::ChainEngine engine{chain::RuleParams{}};
  engine.load(data);
  auto report = quarterlyFigures(inputs(beijing(2027, 1, 5, 9)), engine, *manager_);
  ASSERT_TRUE(report.ok()) << report.error().message;
  ASSERT_EQ(report->regions.size(), 1U);
  EXPECT_EQ(report->regions[0].region, "150700");
  EXPECT_EQ(report->regions[0].region_name, "呼伦贝尔市本级");
  EXPECT_EQ(report->city.region_name, "全市");
  EXPECT_EQ(report->city.total.approved, 40);
}

TEST_F(QuarterlyFigures, AQuarterStillRunningIsCountedToNowAndOneNotBegunIsRefused) {
  writeHistory();
  // On 2026-11-05 the quarter runs: the CHAIN-013 is resolved then, the link was down 2 of 35 days.
  auto report = quarterlyFigures(inputs(beijing(2026, 11, 5, 0)), engine_, *manager_);
  ASSERT_TRUE(report.ok()) << report.error().message;
  const auto* reopened = ruleOf(*report, "CHAIN-013");
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(reopened->opened, 1);
  EXPECT_EQ(reopened->resolved, 1);
  EXPECT_EQ(reopened->open_at_end, 0);
  EXPECT_DOUBLE_EQ(report->links[0].availability, 1.0 - 2.0 / 35.0);
  ASSERT_EQ(report->ghost_pay.size(), 1U);
  EXPECT_EQ(report->ghost_pay[0].months, 3);  // September to November, November being paid already

  auto in = inputs(beijing(2026, 11, 5, 0));
  in.quarter = Quarter{2027, 1};
  auto refused = quarterlyFigures(in, engine_, *manager_);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("2027Q1 has not begun"), std::string::npos) << refused.error().message;
}

TEST_F(QuarterlyFigures, TheWorkbookReadBackHoldsTheComputedFigures) {
  writeHistory();
  auto report = quarterlyFigures(inputs(beijing(2027, 1, 5, 9)), engine_, *manager_);
  ASSERT_TRUE(report.ok()) << report.error().message;
  const auto out = scratch_.path() / "q.xlsx";
  ASSERT_TRUE(writeQuarterlyWorkbook(*report, out).ok());
  const std::string command =
      "/usr/bin/python3 " STAFFCHAIN_SOURCE_DIR "/tests/unit/reports/read_workbook.py " + out.string();
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string text;
  char buffer[4096];
  while (const auto n = fread(buffer, 1, sizeof buffer, pipe)) text.append(buffer, n);
  ASSERT_EQ(pclose(pipe), 0) << text;
  const auto read = nlohmann::json::parse(text);
  // 吃空饷: the unit's row holds 1 person, 3 months, 18,370.35 yuan (columns D, E, F).
  bool found = false;
  for (const auto& sheet : read.at("sheets")) {
    if (sheet.at("name") != "吃空饷") continue;
    const auto& cells = sheet.at("cells");
    for (const auto& [cell, value] : cells.items()) {
      if (cell[0] != 'B' || value != unit_b_.str()) continue;
      const std::string row = cell.substr(1);
      found = true;
      EXPECT_EQ(cells.at("D" + row), 1);
      EXPECT_EQ(cells.at("E" + row), 3);
      EXPECT_DOUBLE_EQ(cells.at("F" + row).get<double>(), 18370.35);
    }
  }
  EXPECT_TRUE(found) << text;
}

}  // namespace
}  // namespace staffchain::reports
