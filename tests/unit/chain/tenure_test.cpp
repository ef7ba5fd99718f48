// The tenure audit: every violation that existed on a day of a period, with its span inside it.
#include "staffchain/chain/tenure.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "chain_test_support.hpp"
#include "random_dataset.hpp"

namespace staffchain::chain::testing {
namespace {

using model::EstabType;
using model::MovementKind;
using model::UnitKind;

// One unit of two admin posts, two people on its roster and paid, and over the years:
//   2023-03-01..05-31 a third person on the roster (CHAIN-012, before the period);
//   2023-07-03..2024-03-14 a secondment with no return in time (CHAIN-015, began before it);
//   2024-02-01..03-31 a third person again (CHAIN-012, began and ended inside it);
//   from 2024-05-25 a resignation never taken off the roster (CHAIN-005, outlives it);
//   from 2024-08-01 a third person once more (CHAIN-012, after it).
// A second unit has a violation of its own inside the period.
class TenureAudit : public ::testing::Test {
 protected:
  void SetUp() override {
    data.units = {unit(1, "海拉尔区人民政府办公室", UnitKind::organ), unit(2, "海拉尔区财政局", UnitKind::organ)};
    data.quotas = {quota(u1, EstabType::admin, 2, day(2020, 1, 1)), quota(u2, EstabType::admin, 1, day(2020, 1, 1))};
    for (int seq : {1, 2}) data.roster.push_back(roster(person(seq), u1, EstabType::admin, day(2015, 1, 1)));
    for (auto m = Month::fromYm(2022, 1); m <= Month::fromYm(2024, 12); m = m.plus(1)) {
      data.payroll.push_back(pay(person(1), u1, m));
      if (m <= Month::fromYm(2024, 5)) data.payroll.push_back(pay(person(2), u1, m));
    }
    stay(3, "2023", day(2023, 3, 1), day(2023, 6, 1));
    data.movements.push_back(move("SO-1", MovementKind::second_out, person(1), u1, day(2023, 1, 1)));
    data.movements.push_back(move("SR-1", MovementKind::second_return, person(1), u1, day(2024, 3, 15)));
    stay(4, "2024", day(2024, 2, 1), day(2024, 4, 1));
    data.movements.push_back(move("RS-2", MovementKind::resign, person(2), u1, day(2024, 5, 10)));
    stay(5, "late", day(2024, 8, 1), std::nullopt);
    // The second unit: two on one post from 2024-03-01 to 2024-04-30.
    data.roster.push_back(roster(person(6), u2, EstabType::admin, day(2016, 1, 1)));
    stay(7, "u2", day(2024, 3, 1), day(2024, 5, 1), u2);
    for (auto m = Month::fromYm(2022, 1); m <= Month::fromYm(2024, 12); m = m.plus(1))
      data.payroll.push_back(pay(person(6), u2, m));
  }
  // A roster stay known only from its movements, paid in each of its months.
  void stay(int seq, const std::string& tag, Date from, std::optional<Date> until,
            std::optional<model::UnitId> at = {}) {
    const auto u = at.value_or(u1);
    data.movements.push_back(move("RA-" + tag, MovementKind::roster_add, person(seq), u, from));
    if (until) data.movements.push_back(move("RR-" + tag, MovementKind::roster_remove, person(seq), u, *until));
    const auto last = until ? Month::of(until->plusDays(-1)) : Month::fromYm(2024, 12);
    for (auto m = Month::of(from); m <= last; m = m.plus(1)) data.payroll.push_back(pay(person(seq), u, m));
  }
  std::vector<TenureSpan> audit(const TenurePeriod& asked) {
    ChainEngine engine({});
    engine.load(data);
    return tenureAudit(engine, changeDatesOf(data), asked);
  }

  model::UnitId u1 = unitId(1);
  model::UnitId u2 = unitId(2);
  model::Dataset data;
  TenurePeriod firstHalf2024{day(2024, 1, 1), day(2024, 6, 30), u1};
};

TEST_F(TenureAudit, EveryViolationOfThePeriodWithItsSpanInsideIt) {
  const auto spans = audit(firstHalf2024);
  ASSERT_EQ(spans.size(), 3U);
  // Sorted by rule: CHAIN-005, CHAIN-012, CHAIN-015.
  EXPECT_EQ(spans[0].finding.rule, "CHAIN-005");
  EXPECT_EQ(spans[0].finding.person_id, person(2));
  EXPECT_EQ(spans[0].finding.since, day(2024, 5, 25));
  EXPECT_EQ(spans[0].first, day(2024, 5, 25));
  EXPECT_EQ(spans[0].last, day(2024, 6, 30));
  EXPECT_TRUE(spans[0].open_at_end);

  // The run of 2023 and the one after the period are not in it; the one inside is, whole.
  EXPECT_EQ(spans[1].finding.rule, "CHAIN-012");
  EXPECT_EQ(spans[1].finding.since, day(2024, 2, 1));
  EXPECT_EQ(spans[1].first, day(2024, 2, 1));
  EXPECT_EQ(spans[1].last, day(2024, 3, 31));
  EXPECT_FALSE(spans[1].open_at_end);

  EXPECT_EQ(spans[2].finding.rule, "CHAIN-015");
  EXPECT_EQ(spans[2].finding.since, day(2023, 7, 3));
  EXPECT_EQ(spans[2].first, day(2024, 1, 1));
  EXPECT_EQ(spans[2].last, day(2024, 3, 14));
  EXPECT_FALSE(spans[2].open_at_end);
  for (const auto& span : spans) EXPECT_EQ(span.finding.unit_id, u1);
}

TEST_F(TenureAudit, ARunEntirelyOutsideThePeriodIsNotReported) {
  // The summer of 2023 holds the first run of excess only (the secondment's deadline is later).
  auto spans = audit(TenurePeriod{day(2023, 4, 1), day(2023, 7, 1), u1});
  ASSERT_EQ(spans.size(), 1U);
  EXPECT_EQ(spans[0].finding.rule, "CHAIN-012");
  EXPECT_EQ(spans[0].first, day(2023, 4, 1));
  EXPECT_EQ(spans[0].last, day(2023, 5, 31));
  // Between the runs nothing of the unit's headcount is reported.
  spans = audit(TenurePeriod{day(2023, 6, 1), day(2023, 7, 2), u1});
  EXPECT_TRUE(spans.empty());
  // One day of a run is enough.
  spans = audit(TenurePeriod{day(2024, 7, 1), day(2024, 8, 1), u1});
  std::vector<TenureSpan> headcount;
  for (const auto& span : spans) {
    if (span.finding.rule == "CHAIN-012") headcount.push_back(span);
  }
  ASSERT_EQ(headcount.size(), 1U);
  EXPECT_EQ(headcount[0].first, day(2024, 8, 1));
  EXPECT_TRUE(headcount[0].open_at_end);
}

TEST_F(TenureAudit, WithoutAUnitEveryUnitsViolationsAndTwoRunsOfOneAreTwoSpans) {
  const auto spans = audit(TenurePeriod{day(2023, 1, 1), day(2024, 6, 30), std::nullopt});
  std::vector<std::pair<Date, Date>> u1Headcount;
  std::vector<std::pair<Date, Date>> u2Headcount;
  for (const auto& span : spans) {
    if (span.finding.rule != "CHAIN-012") continue;
    (span.finding.unit_id == u1 ? u1Headcount : u2Headcount).emplace_back(span.first, span.last);
  }
  const std::vector<std::pair<Date, Date>> expectedU1{{day(2023, 3, 1), day(2023, 5, 31)},
                                                      {day(2024, 2, 1), day(2024, 3, 31)}};
  EXPECT_EQ(u1Headcount, expectedU1);
  const std::vector<std::pair<Date, Date>> expectedU2{{day(2024, 3, 1), day(2024, 4, 30)}};
  EXPECT_EQ(u2Headcount, expectedU2);
}

TEST_F(TenureAudit, AnEmptyOrReversedPeriodHasNoSpans) {
  EXPECT_TRUE(audit(TenurePeriod{day(2024, 6, 30), day(2024, 1, 1), u1}).empty());
}

// The sweep evaluates only the day before each change date (and each month's turn); an
// evaluation of every single day of the period must find exactly the same spans, evidence and all.
TEST(TenureSweep, AgreesWithAnEvaluationOfEveryDay) {
  auto generated = Generator(20240630).make(300, 6);
  model::Dataset data;
  for (auto& record : generated.records) model::appendRecord(data, std::move(record));
  data.quarantine = generated.quarantine;
  const TenurePeriod period{day(2023, 5, 20), day(2024, 7, 10), std::nullopt};
  std::vector<Date> everyDay;
  for (auto d = period.from; d <= period.to; d = d.plusDays(1)) everyDay.push_back(d);

  ChainEngine engine({});
  engine.load(data);
  const auto swept = tenureAudit(engine, changeDatesOf(data), period);
  const auto daily = tenureAudit(engine, everyDay, period);
  ASSERT_EQ(swept.size(), daily.size());
  for (std::size_t i = 0; i < swept.size(); ++i) {
    EXPECT_EQ(swept[i].finding.rule, daily[i].finding.rule) << i;
    EXPECT_EQ(swept[i].finding.fingerprint, daily[i].finding.fingerprint) << i;
    EXPECT_EQ(model::formatDate(swept[i].first), model::formatDate(daily[i].first)) << swept[i].finding.summary_en;
    EXPECT_EQ(model::formatDate(swept[i].last), model::formatDate(daily[i].last)) << swept[i].finding.summary_en;
    EXPECT_EQ(swept[i], daily[i]) << swept[i].finding.summary_en;
  }
  // The world is busy enough for the comparison to mean something.
  std::set<std::string> rules;
  std::size_t ended = 0;
  for (const auto& span : swept) {
    rules.insert(span.finding.rule);
    if (!span.open_at_end) ++ended;
  }
  EXPECT_GE(rules.size(), 8U);
  EXPECT_GE(ended, 10U);
}

}  // namespace
}  // namespace staffchain::chain::testing
