// A unit's page from the engine: its leadership posts approved and held (as CHAIN-007 counts
// them), its roster on the day (paged), the movements into and out of it (newest first), and the
// search for units by credit code or a part of the name.
#include <gtest/gtest.h>

#include "chain_test_support.hpp"
#include "staffchain/chain/chain_engine.hpp"

namespace staffchain::chain::testing {
namespace {

using model::EstabType;
using model::LeaderLevel;
using model::LeaderRank;
using model::MovementKind;
using model::UnitKind;

class UnitProfileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data.units = {unit(1, "海拉尔区人民政府办公室", UnitKind::organ),
                  unit(2, "海拉尔区第一中学", UnitKind::public_welfare_1), unit(3, "满洲里市财政局", UnitKind::organ)};
    data.units[2].region = "150781";
    data.quotas = {quota(u1, EstabType::admin, 3, day(2020, 1, 1)),
                   quota(u2, EstabType::institution, 5, day(2020, 1, 1))};
    model::LeaderQuota lq;
    lq.unit_id = u1;
    lq.level = LeaderLevel::county;
    lq.rank = LeaderRank::deputy;
    lq.approved = 1;
    data.leader_quotas.push_back(lq);
    data.roster = {roster(person(1), u1, EstabType::admin, day(2015, 1, 1)),
                   roster(person(2), u1, EstabType::admin, day(2024, 3, 1)),
                   roster(person(3), u2, EstabType::institution, day(2016, 1, 1)),
                   roster(person(4), u1, EstabType::admin, day(2024, 9, 1))};  // after the day asked about
    auto appoint = [&](std::string id, int seq, Date on) {
      auto m = move(std::move(id), MovementKind::appoint_leader, person(seq), u1, on);
      m.source = model::SourceRole::org;
      m.leader_level = LeaderLevel::county;
      m.leader_rank = LeaderRank::deputy;
      data.movements.push_back(m);
    };
    appoint("L1", 1, day(2020, 1, 1));
    appoint("L2", 2, day(2024, 4, 1));
    data.movements.push_back(move("M1", MovementKind::hire, person(2), u1, day(2024, 2, 20)));
    data.movements.push_back(move("M0", MovementKind::hire, person(3), u1, day(2010, 3, 1)));
    auto transfer = move("M2", MovementKind::transfer_in, person(3), u2, day(2016, 1, 1));
    transfer.from_unit_id = u1;
    data.movements.push_back(transfer);
    data.movements.push_back(move("M3", MovementKind::hire, person(4), u1, day(2024, 8, 25)));
    engine.reset({"test"});
    engine.load(data);
    engine.evaluateAll(asOf);
  }

  model::UnitId u1 = unitId(1);
  model::UnitId u2 = unitId(2);
  model::Dataset data;
  Date asOf = day(2024, 6, 30);
  ChainEngine engine{RuleParams{}};
};

TEST_F(UnitProfileTest, LeadersRosterAndMovementsOfTheUnitOnTheDay) {
  const auto profile = engine.unitProfile(u1, asOf);
  ASSERT_TRUE(profile.has_value());
  EXPECT_EQ(profile->unit.name, "海拉尔区人民政府办公室");
  ASSERT_EQ(profile->leadership.size(), 1U);
  EXPECT_EQ(profile->leadership[0].level, LeaderLevel::county);
  EXPECT_EQ(profile->leadership[0].rank, LeaderRank::deputy);
  EXPECT_EQ(profile->leadership[0].approved, 1);
  EXPECT_EQ(profile->leadership[0].held, 2);  // the excess CHAIN-007 reports
  ASSERT_EQ(profile->roster_total, 2U);       // person 4 enters after the day
  EXPECT_EQ(profile->roster[0].person_id, person(1));
  EXPECT_EQ(profile->roster[1].person_id, person(2));
  // Into it and out of it (person 3 hired there, then transferred away), newest first; the hire after the day is not
  // there yet.
  ASSERT_EQ(profile->movements_total, 5U);
  std::vector<std::string> ids;
  for (const auto& movement : profile->movements) ids.push_back(movement.movement_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"L2", "M1", "L1", "M2", "M0"}));
  EXPECT_FALSE(engine.unitProfile(unitId(9), asOf).has_value());
  EXPECT_EQ(engine.unitProfile(u1, day(2024, 9, 30))->roster_total, 3U);
}

TEST_F(UnitProfileTest, TheRosterIsPaged) {
  UnitPaging paging;
  paging.roster_offset = 1;
  paging.roster_limit = 1;
  paging.movements_limit = 2;
  const auto profile = engine.unitProfile(u1, asOf, paging);
  ASSERT_EQ(profile->roster.size(), 1U);
  EXPECT_EQ(profile->roster[0].person_id, person(2));
  EXPECT_EQ(profile->roster_total, 2U);
  EXPECT_EQ(profile->movements.size(), 2U);
  EXPECT_EQ(profile->movements_total, 5U);
}

TEST_F(UnitProfileTest, UnitsAreFoundByCreditCodeOrPartOfTheNameByRegionAndName) {
  std::size_t total = 0;
  auto all = engine.findUnits("", 0, 10, total);
  ASSERT_EQ(total, 3U);
  EXPECT_EQ(all[0].name, "海拉尔区人民政府办公室");  // 150702: 海拉尔区人民政府办公室 < 海拉尔区第一中学 by bytes
  EXPECT_EQ(all[2].name, "满洲里市财政局");  // 150781
  auto by_name = engine.findUnits("海拉尔区", 0, 10, total);
  EXPECT_EQ(total, 2U);
  auto by_code = engine.findUnits(u2.str(), 0, 10, total);
  ASSERT_EQ(total, 1U);
  EXPECT_EQ(by_code[0].unit_id, u2);
  auto page = engine.findUnits("", 2, 10, total);
  EXPECT_EQ(total, 3U);
  ASSERT_EQ(page.size(), 1U);
  EXPECT_TRUE(engine.findUnits("没有这个单位", 0, 10, total).empty());
  EXPECT_EQ(total, 0U);
}

}  // namespace
}  // namespace staffchain::chain::testing
