// The vacancy pool on a hand-made world: approved, occupied, reserved and vacant per unit and
// type; since when a post has been vacant; recoverable for ghost pay at the unit or for a long
// vacancy, and not for its nearest non-cases; filters; totals per region and for the city.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "chain_test_support.hpp"
#include "random_dataset.hpp"
#include "staffchain/chain/chain_engine.hpp"

namespace staffchain::chain {
namespace {

using namespace testing;
using model::EstabType;
using model::MovementKind;
using model::UnitKind;

class VacancyPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_.units = {unit(1, "海拉尔区财政局", UnitKind::organ), unit(2, "海拉尔区审计局", UnitKind::organ),
                   unit(3, "扎兰屯市教育局", UnitKind::organ)};
    data_.units[2].region = "150783";
    // Bureau 1: 3 admin posts since 2020, 2 on the roster since 2021 (one vacant since the
    // quota rose to 3 on 2025-09-01), and one approval of 1 slot open.
    data_.quotas = {
        quota(unitId(1), EstabType::admin, 2, day(2020, 1, 1)), quota(unitId(1), EstabType::admin, 3, day(2025, 9, 1)),
        quota(unitId(2), EstabType::admin, 2, day(2020, 1, 1)), quota(unitId(3), EstabType::admin, 1, day(2020, 1, 1))};
    data_.roster = {roster(person(1), unitId(1), EstabType::admin, day(2021, 1, 1)),
                    roster(person(2), unitId(1), EstabType::admin, day(2021, 1, 1)),
                    roster(person(3), unitId(2), EstabType::admin, day(2021, 1, 1))};
    data_.approvals = {approval("HB-2026-001", unitId(1), EstabType::admin, 1, day(2026, 3, 1), day(2026, 12, 31))};
  }

  std::vector<VacancyRow> pool(VacancyFilter filter = {}, RuleParams params = {}) {
    ChainEngine engine(std::move(params));
    engine.load(data_);
    engine.evaluateAll(kDay);
    return engine.vacancies(kDay, filter);
  }

  static const VacancyRow& of(const std::vector<VacancyRow>& rows, int unit) {
    for (const auto& row : rows) {
      if (row.unit == unitId(unit)) return row;
    }
    throw std::runtime_error("no row for the unit");
  }

  const Date kDay = day(2026, 6, 30);
  model::Dataset data_;
};

TEST_F(VacancyPoolTest, EachUnitAndTypeWithItsPostsAndSinceWhenVacant) {
  const auto rows = pool();
  ASSERT_EQ(rows.size(), 3U);
  const auto& bureau = of(rows, 1);
  EXPECT_EQ(bureau.unit_name, "海拉尔区财政局");
  EXPECT_EQ(bureau.posts.approved, 3);
  EXPECT_EQ(bureau.posts.occupied, 2);
  EXPECT_EQ(bureau.posts.reserved, 1);
  EXPECT_EQ(bureau.posts.vacant(), 0);  // promised to the open approval
  EXPECT_EQ(bureau.vacant_since, day(2025, 9, 1));
  EXPECT_FALSE(bureau.recoverable);
  const auto& audit = of(rows, 2);
  EXPECT_EQ(audit.posts.vacant(), 1);
  EXPECT_EQ(audit.vacant_since, day(2020, 1, 1));  // one of its two posts never filled
  // Vacant five years, longer than pool_after_days.
  EXPECT_TRUE(audit.recoverable);
  EXPECT_EQ(audit.recoverable_because, "long_vacant");
  const auto& other = of(rows, 3);
  EXPECT_EQ(other.posts.vacant(), 1);
  EXPECT_EQ(other.vacant_since, day(2020, 1, 1));
}

TEST_F(VacancyPoolTest, AVacancyShorterThanPoolAfterDaysIsNotRecoverable) {
  RuleParams params;
  params.pool_after_days = 365 * 10;
  EXPECT_FALSE(of(pool({}, params), 2).recoverable);
}

TEST_F(VacancyPoolTest, GhostPayAtTheUnitMakesItsVacancyRecoverable) {
  RuleParams params;
  params.pool_after_days = 365 * 10;
  // Retired in March, still paid in May (CHAIN-006) at the audit bureau.
  data_.movements = {move("R1", MovementKind::retire, person(3), unitId(2), day(2026, 3, 15))};
  data_.roster[2].entered_on = day(2019, 1, 1);
  data_.payroll = {pay(person(3), unitId(2), model::Month::fromYm(2026, 5))};
  const auto rows = pool({}, params);
  const auto& audit = of(rows, 2);
  EXPECT_TRUE(audit.recoverable);
  EXPECT_EQ(audit.recoverable_because, "ghost_pay");
  ASSERT_EQ(audit.ghost_pay_findings.size(), 1U);
  // The nearest non-case: the ghost pay is at another unit.
  data_.payroll[0].unit_id = unitId(3);
  EXPECT_FALSE(of(pool({}, params), 2).recoverable);
}

// The engine keeps the ghost-pay findings per unit as they open and resolve: a changed payroll
// evaluated incrementally makes the vacancy recoverable, and its removal makes it not.
TEST_F(VacancyPoolTest, GhostPayFollowsTheFindingThroughAnIncrementalEvaluation) {
  RuleParams params;
  params.pool_after_days = 365 * 10;
  data_.movements = {move("R1", MovementKind::retire, person(3), unitId(2), day(2026, 3, 15))};
  data_.roster[2].entered_on = day(2019, 1, 1);
  ChainEngine engine(params);
  engine.load(data_);
  engine.evaluateAll(kDay);
  EXPECT_FALSE(of(engine.vacancies(kDay), 2).recoverable);

  const auto paid = pay(person(3), unitId(2), model::Month::fromYm(2026, 5));
  engine.apply(model::Record{paid});
  engine.evaluateTouched(kDay);
  const auto row = of(engine.vacancies(kDay), 2);
  EXPECT_TRUE(row.recoverable);
  EXPECT_EQ(row.recoverable_because, "ghost_pay");
  ASSERT_EQ(row.ghost_pay_findings.size(), 1U);
  // The unit filter and the region filter see the same finding.
  VacancyFilter filter;
  filter.unit = unitId(2);
  EXPECT_EQ(engine.vacancies(kDay, filter).at(0).ghost_pay_findings, row.ghost_pay_findings);

  engine.remove(model::RecordType::payroll, model::recordKey(model::Record{paid}));
  engine.evaluateTouched(kDay);
  EXPECT_FALSE(of(engine.vacancies(kDay), 2).recoverable);
  EXPECT_TRUE(of(engine.vacancies(kDay), 2).ghost_pay_findings.empty());
}

// A region's listing is kept between evaluations, never across a change: a quota raised and not
// yet evaluated shows at once, in every listing and filter, as one evaluated does.
TEST_F(VacancyPoolTest, AKeptListingNeverHidesAChange) {
  ChainEngine engine{RuleParams{}};
  engine.load(data_);
  engine.evaluateAll(kDay);
  VacancyFilter hailar;
  hailar.region = "150702";
  VacancyFilter admin = hailar;
  admin.type = EstabType::admin;
  EXPECT_EQ(of(engine.vacancies(kDay, hailar), 2).posts.approved, 2);
  EXPECT_EQ(of(engine.vacancies(kDay, admin), 2).posts.approved, 2);
  EXPECT_EQ(of(engine.vacancies(kDay), 2).posts.approved, 2);

  engine.apply(model::Record{quota(unitId(2), EstabType::admin, 5, day(2026, 1, 1))});
  EXPECT_EQ(of(engine.vacancies(kDay, hailar), 2).posts.approved, 5);
  EXPECT_EQ(of(engine.vacancies(kDay, admin), 2).posts.approved, 5);
  EXPECT_EQ(of(engine.vacancies(kDay), 2).posts.approved, 5);
  engine.evaluateTouched(kDay);
  EXPECT_EQ(of(engine.vacancies(kDay, hailar), 2).posts.approved, 5);
  EXPECT_EQ(of(engine.vacancies(kDay, admin), 2).posts.vacant(), 4);
  // Another day is listed for itself.
  EXPECT_EQ(of(engine.vacancies(day(2025, 6, 30), hailar), 2).posts.approved, 2);
}

// Approvals reserve posts of their own type only: a unit's approvals are walked once for all its
// types, and each type gets what its approvals reserve.
TEST_F(VacancyPoolTest, EachTypeIsReservedByItsOwnApprovals) {
  data_.units[0].kind = UnitKind::civil_service_managed;  // may hold both types
  data_.quotas.push_back(quota(unitId(1), EstabType::institution, 4, day(2020, 1, 1)));
  data_.approvals.push_back(
      approval("HB-2026-002", unitId(1), EstabType::institution, 2, day(2026, 1, 1), day(2026, 12, 31)));
  const auto rows = pool();
  int seen = 0;
  for (const auto& row : rows) {
    if (row.unit != unitId(1)) continue;
    ++seen;
    EXPECT_EQ(row.posts.reserved, row.type == EstabType::admin ? 1 : 2) << model::toString(row.type);
  }
  EXPECT_EQ(seen, 2);
}

TEST_F(VacancyPoolTest, FiltersAndTotals) {
  VacancyFilter filter;
  filter.region = "150702";
  auto rows = pool(filter);
  EXPECT_EQ(rows.size(), 2U);
  filter = {};
  filter.recoverable = true;
  rows = pool(filter);
  ASSERT_EQ(rows.size(), 2U);
  filter = {};
  filter.unit = unitId(3);
  EXPECT_EQ(pool(filter).size(), 1U);
  filter = {};
  filter.type = EstabType::institution;
  EXPECT_TRUE(pool(filter).empty());

  const auto summary = summarise(pool());
  ASSERT_EQ(summary.by_region.size(), 2U);
  const auto& hailar = summary.by_region.at("150702");
  EXPECT_EQ(hailar.units, 2U);
  EXPECT_EQ(hailar.approved, 5);
  EXPECT_EQ(hailar.occupied, 3);
  EXPECT_EQ(hailar.reserved, 1);
  EXPECT_EQ(hailar.vacant, 1);
  EXPECT_EQ(hailar.excess, 0);
  EXPECT_EQ(hailar.recoverable, 1);
  EXPECT_EQ(summary.all.units, 3U);
  EXPECT_EQ(summary.all.vacant, 2);
  // An excess in one unit does not fill a vacancy in another.
  data_.roster.push_back(roster(person(4), unitId(3), EstabType::admin, day(2022, 1, 1)));
  data_.roster.push_back(roster(person(5), unitId(3), EstabType::admin, day(2022, 1, 1)));
  const auto with_excess = summarise(pool());
  EXPECT_EQ(with_excess.all.vacant, 1);
  EXPECT_EQ(with_excess.all.excess, 1);
  const auto json = vacancyJson(of(pool(), 2));
  EXPECT_EQ(json["vacant"], 1);
  EXPECT_EQ(json["vacant_since"], "2020-01-01");
  EXPECT_EQ(json["estab_type"], "admin");
}

TEST_F(VacancyPoolTest, TheJsonListsOnePageAndCountsEveryRow) {
  const auto rows = pool();
  ASSERT_EQ(rows.size(), 3U);
  const auto whole = vacancyPoolJson(rows, kDay);
  const auto page = vacancyPoolJson(rows, kDay, 1, 1);
  EXPECT_EQ(page["count"], 1);
  EXPECT_EQ(page["rows"], 3);
  EXPECT_EQ(page["offset"], 1);
  EXPECT_EQ(page["vacancies"][0], whole["vacancies"][1]);
  EXPECT_EQ(page["total"], whole["total"]);  // the totals count every row, not the page
  EXPECT_EQ(page["regions"], whole["regions"]);
  EXPECT_EQ(vacancyPoolJson(rows, kDay, 5, 10)["count"], 0);
}

// A listing of one unit or one region reads only that unit's or region's scopes: it must show
// exactly the rows of the whole listing that belong to it.
TEST(VacancyPoolListing, AUnitsOrARegionsListingIsTheWholeListingsRowsOfIt) {
  auto generated = Generator(20261206).make(300, 12);
  const std::array<std::string, 3> regions{"150702", "150781", "150783"};
  ChainEngine engine{RuleParams{}};
  engine.reset({"test"});
  int units = 0;
  for (auto& record : generated.records) {
    if (auto* unit = std::get_if<model::Unit>(&record)) unit->region = regions[static_cast<std::size_t>(units++ % 3)];
    engine.apply(record);
  }
  const Date on = day(2024, 6, 30);
  engine.evaluateAll(on);
  const auto all = engine.vacancies(on);
  ASSERT_FALSE(all.empty());
  using Key = std::tuple<std::string, EstabType, int, int, int, std::optional<Date>, std::string>;
  auto key = [](const VacancyRow& row) {
    return Key(row.unit.str(), row.type, row.posts.approved, row.posts.occupied, row.posts.reserved, row.vacant_since,
               row.recoverable_because);
  };
  for (const auto& region : regions) {
    VacancyFilter filter;
    filter.region = region;
    std::vector<Key> expected;
    std::vector<Key> listed;
    for (const auto& row : all) {
      if (row.region == region) expected.push_back(key(row));
    }
    for (const auto& row : engine.vacancies(on, filter)) listed.push_back(key(row));
    EXPECT_FALSE(expected.empty()) << region;
    EXPECT_EQ(listed, expected) << region;
  }
  for (int u = 0; u < 12; ++u) {
    VacancyFilter filter;
    filter.unit = unitId(u);
    std::vector<Key> expected;
    std::vector<Key> listed;
    for (const auto& row : all) {
      if (row.unit == unitId(u)) expected.push_back(key(row));
    }
    for (const auto& row : engine.vacancies(on, filter)) listed.push_back(key(row));
    EXPECT_EQ(listed, expected) << u;
  }
}

}  // namespace
}  // namespace staffchain::chain
