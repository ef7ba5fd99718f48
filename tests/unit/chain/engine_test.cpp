// ChainEngine behaviour: stable fingerprints, resolution, incremental deltas, disabled rules.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "chain_test_support.hpp"
#include "staffchain/chain/rule_catalog.hpp"

namespace staffchain::chain::testing {
namespace {

using model::EstabType;
using model::MovementKind;
using model::UnitKind;

// A small dataset in which several rules fire.
model::Dataset brokenDataset() {
  model::Dataset data;
  data.sources = {"estab_csv", "hr_csv", "finance_csv"};
  const auto u1 = unitId(1);
  data.units = {unit(1, "海拉尔区人民政府办公室", UnitKind::organ)};
  data.quotas = {quota(u1, EstabType::admin, 1, day(2020, 1, 1))};
  data.approvals = {approval("A-17", u1, EstabType::admin, 1, day(2024, 1, 1), day(2024, 1, 31))};
  data.roster = {roster(person(1), u1, EstabType::admin, day(2015, 1, 1)),
                 roster(person(5), u1, EstabType::admin, day(2016, 1, 1))};
  data.movements = {move("H2", MovementKind::hire, person(2), u1, day(2024, 3, 1), "A-17"),
                    move("E1", MovementKind::resign, person(1), u1, day(2024, 2, 1))};
  data.movements[1].origin.source = 1;
  for (unsigned m = 1; m <= 5; ++m) data.payroll.push_back(pay(person(1), u1, Month::fromYm(2024, m)));
  for (unsigned m = 1; m <= 6; ++m) data.payroll.push_back(pay(person(5), u1, Month::fromYm(2024, m)));
  for (unsigned m = 3; m <= 5; ++m) data.payroll.push_back(pay(person(3), u1, Month::fromYm(2024, m)));
  return data;
}

std::vector<std::string> fingerprints(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const auto& f : findings) out.push_back(f.rule + ":" + f.fingerprint);
  std::sort(out.begin(), out.end());
  return out;
}

// What the daemon checks a new notice against: everything held of the person, whichever
// system's file came first, and nothing of anyone else.
TEST(ChainEngine, RecordsOfAPersonAreTheirRosterMovementsAndPayrollAsHeld) {
  const auto keys = [](const std::vector<model::Record>& records) {
    std::vector<std::string> out;
    for (const auto& record : records) {
      out.push_back(
          fmt::format("{} {}", plugin::recordTypeFile(model::recordTypeOf(record)), model::recordKey(record)));
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  const model::Dataset data = brokenDataset();
  std::vector<model::Record> of_person1;
  for (const auto& r : data.roster) {
    if (r.person_id == person(1)) of_person1.emplace_back(r);
  }
  for (const auto& m : data.movements) {
    if (m.person_id == person(1)) of_person1.emplace_back(m);
  }
  for (const auto& p : data.payroll) {
    if (p.person_id == person(1)) of_person1.emplace_back(p);
  }
  ASSERT_EQ(of_person1.size(), 7U);  // a roster row, a resignation, five months of pay

  ChainEngine engine(RuleParams{});
  engine.load(data);
  EXPECT_EQ(keys(engine.recordsOf(person(1))), keys(of_person1));
  EXPECT_TRUE(engine.recordsOf(person(9)).empty());
  // A record applied later is held at once.
  const model::RosterEntry entered = roster(person(2), unitId(1), EstabType::admin, day(2024, 3, 2));
  engine.apply(model::Record(entered));
  EXPECT_EQ(keys(engine.recordsOf(person(2))), keys({data.movements[0], entered}));
}

TEST(ChainEngine, FingerprintsAreStableAcrossAsOfDates) {
  const auto data = brokenDataset();
  const auto june = evaluate(data, day(2024, 6, 30));
  const auto july = evaluate(data, day(2024, 7, 31));
  EXPECT_FALSE(june.empty());
  EXPECT_EQ(fingerprints(june), fingerprints(july));
  for (const auto& rule : {"CHAIN-001", "CHAIN-002", "CHAIN-003", "CHAIN-005", "CHAIN-006", "CHAIN-004", "CHAIN-012"}) {
    EXPECT_EQ(ofRule(june, rule).size(), 1U) << rule;
  }
}

TEST(ChainEngine, LoadOrderChangesNothing) {
  auto data = brokenDataset();
  const auto first = evaluate(data, day(2024, 6, 30));
  std::mt19937 rng(7);
  std::shuffle(data.movements.begin(), data.movements.end(), rng);
  std::shuffle(data.payroll.begin(), data.payroll.end(), rng);
  std::reverse(data.roster.begin(), data.roster.end());
  EXPECT_EQ(evaluate(data, day(2024, 6, 30)), first);
}

TEST(ChainEngine, EvidenceNamesTheSourceAndFullIds) {
  const auto found = ofRule(evaluate(brokenDataset(), day(2024, 6, 30)), "CHAIN-005");
  ASSERT_EQ(found.size(), 1U);
  ASSERT_FALSE(found[0].evidence.empty());
  const auto& exit = found[0].evidence[0];
  EXPECT_EQ(exit.source, "hr_csv");
  EXPECT_EQ(exit.record_type, "movements");
  EXPECT_EQ(exit.record_id, "E1");
  const auto field =
      std::find_if(exit.fields.begin(), exit.fields.end(), [](const auto& kv) { return kv.first == "person_id"; });
  ASSERT_NE(field, exit.fields.end());
  EXPECT_EQ(field->second, person(1).str());
}

TEST(ChainEngine, FixingTheRosterResolvesTheFinding) {
  ChainEngine engine{RuleParams{}};
  engine.load(brokenDataset());
  const auto asOf = day(2024, 6, 30);
  const auto before = ofRule(engine.evaluateAll(asOf), "CHAIN-005");
  ASSERT_EQ(before.size(), 1U);
  // The establishment office removes the person: the snapshot row goes, a roster_remove lands.
  engine.remove(model::RecordType::roster,
                model::recordKey(roster(person(1), unitId(1), EstabType::admin, day(2015, 1, 1))));
  engine.apply(move("X1", MovementKind::roster_remove, person(1), unitId(1), day(2024, 6, 1)));
  const auto delta = engine.evaluateTouched(asOf);
  EXPECT_NE(std::find(delta.resolved.begin(), delta.resolved.end(), before[0].fingerprint), delta.resolved.end());
  EXPECT_TRUE(ofRule(engine.findings(), "CHAIN-005").empty());
  EXPECT_TRUE(ofRule(engine.evaluateAll(asOf), "CHAIN-005").empty());
  // Nothing changed since: the next incremental evaluation is empty.
  EXPECT_TRUE(engine.evaluateTouched(asOf).empty());
}

TEST(ChainEngine, NewViolationAppearsInDeltaAndRenamingAUnitRewordsIt) {
  ChainEngine engine{RuleParams{}};
  engine.load(brokenDataset());
  const auto asOf = day(2024, 6, 30);
  (void)engine.evaluateAll(asOf);
  engine.apply(pay(person(4), unitId(1), Month::fromYm(2024, 6)));
  auto delta = engine.evaluateTouched(asOf);
  ASSERT_EQ(delta.changed.size(), 1U);
  EXPECT_EQ(delta.changed[0].rule, "CHAIN-004");
  EXPECT_TRUE(delta.resolved.empty());

  auto renamed = unit(1, "海拉尔区政府办", UnitKind::organ);
  engine.apply(renamed);
  delta = engine.evaluateTouched(asOf);
  EXPECT_FALSE(delta.changed.empty());
  for (const auto& f : engine.findings()) {
    EXPECT_EQ(f.summary_en.find("海拉尔区人民政府办公室"), std::string::npos) << f.summary_en;
  }
  EXPECT_EQ(engine.findings(), engine.evaluateAll(asOf));
}

TEST(ChainEngine, DisabledRulesProduceNothing) {
  RuleParams params;
  params.disabled_rules = {"CHAIN-004", "CHAIN-012"};
  const auto found = evaluate(brokenDataset(), day(2024, 6, 30), params);
  EXPECT_TRUE(ofRule(found, "CHAIN-004").empty());
  EXPECT_TRUE(ofRule(found, "CHAIN-012").empty());
  EXPECT_FALSE(ofRule(found, "CHAIN-005").empty());
}

TEST(ChainEngine, SeveritiesFollowTheCatalogue) {
  for (const auto& f : evaluate(brokenDataset(), day(2024, 6, 30))) {
    const auto info = findRule(f.rule);
    ASSERT_TRUE(info) << f.rule;
    EXPECT_EQ(f.severity, info->severity) << f.rule;
  }
  EXPECT_EQ(chainRules().size(), 19U);
  EXPECT_EQ(findRule("CHAIN-016")->severity, Severity::major);
}

TEST(ChainEngine, FingerprintDependsOnEveryPart) {
  EXPECT_EQ(makeFingerprint("CHAIN-001", {"a", "b"}), makeFingerprint("CHAIN-001", {"a", "b"}));
  EXPECT_NE(makeFingerprint("CHAIN-001", {"ab", "c"}), makeFingerprint("CHAIN-001", {"a", "bc"}));
  EXPECT_NE(makeFingerprint("CHAIN-001", {"a"}), makeFingerprint("CHAIN-002", {"a"}));
  // Alerts stored by earlier versions keep their ids: FNV-1a over the parts, each ended by 0x1f.
  EXPECT_EQ(makeFingerprint("CHAIN-004", {"91350100M000100Y43", "11010519491231002X"}), "0bf74c39f1021e33");
  EXPECT_EQ(makeFingerprint("CHAIN-001", {"a"}).size(), 16U);
}

// Changes between load() and the first evaluation: the load marks every person stale at
// once, and what the changes left (a person with no records, a movement that changed hands)
// must come out as if the dataset had said so from the start.
TEST(ChainEngine, ChangesBeforeTheFirstEvaluationCountAsLoaded) {
  const auto asOf = day(2024, 6, 30);
  auto changed = brokenDataset();
  std::erase_if(changed.payroll, [](const model::PayrollMonth& p) { return p.person_id == person(3); });
  changed.movements[0].person_id = person(6);

  ChainEngine engine{RuleParams{}};
  engine.load(brokenDataset());
  for (unsigned m = 3; m <= 5; ++m) {
    engine.remove(model::RecordType::payroll, model::recordKey(pay(person(3), unitId(1), Month::fromYm(2024, m))));
  }
  engine.apply(changed.movements[0]);
  const auto all = engine.evaluateAll(asOf);
  EXPECT_EQ(all, evaluate(changed, asOf));
  EXPECT_TRUE(std::none_of(all.begin(), all.end(), [](const Finding& f) { return f.person_id == person(3); }));
}

TEST(ChainEngine, AMovementResentForAnotherPersonMovesItsFindings) {
  const auto asOf = day(2024, 6, 30);
  ChainEngine engine{RuleParams{}};
  engine.load(brokenDataset());
  const auto before = engine.evaluateAll(asOf);
  ASSERT_FALSE(ofRule(before, "CHAIN-001").empty());
  ASSERT_EQ(ofRule(before, "CHAIN-001")[0].person_id, person(2));

  auto changed = brokenDataset();
  changed.movements[0].person_id = person(6);
  engine.apply(changed.movements[0]);
  const auto delta = engine.evaluateTouched(asOf);
  EXPECT_FALSE(delta.empty());
  const auto expected = evaluate(changed, asOf);
  EXPECT_EQ(engine.findings(), expected);
  ASSERT_FALSE(ofRule(expected, "CHAIN-001").empty());
  EXPECT_EQ(ofRule(expected, "CHAIN-001")[0].person_id, person(6));

  // Withdrawn by its id, it leaves its new owner (and the first one has nothing left of it).
  engine.remove(model::RecordType::movement, changed.movements[0].movement_id);
  changed.movements.erase(changed.movements.begin());
  (void)engine.evaluateTouched(asOf);
  EXPECT_EQ(engine.findings(), evaluate(changed, asOf));
  EXPECT_TRUE(ofRule(engine.findings(), "CHAIN-001").empty());
}

// The same payroll row twice in one load: the later one wins, whatever order the rows came in.
TEST(ChainEngine, ARowSentTwiceInOneLoadKeepsTheLaterOne) {
  const auto asOf = day(2024, 6, 30);
  auto once = brokenDataset();
  auto twice = brokenDataset();
  auto corrected = pay(person(3), unitId(1), Month::fromYm(2024, 4));
  corrected.gross_fen = 1;
  for (auto& row : once.payroll) {
    if (row.person_id == corrected.person_id && row.month == corrected.month) row = corrected;
  }
  twice.payroll.push_back(corrected);
  const auto expected = evaluate(once, asOf);
  EXPECT_EQ(evaluate(twice, asOf), expected);
  const auto fresh = ofRule(expected, "CHAIN-004");
  ASSERT_FALSE(fresh.empty());
  bool cites = false;
  for (const auto& f : fresh) {
    for (const auto& item : f.evidence) {
      for (const auto& [name, value] : item.fields) cites = cites || (name == "gross" && value == "0.01");
    }
  }
  EXPECT_TRUE(cites) << "the corrected gross is what the evidence shows";
}

// A unit with `approved` admin posts, two persons on its roster since 2015 and a third hired on
// 2024-03-01 with approval A-1 (five slots).
model::Dataset twoOnTheRosterAndAHire(int approved) {
  const auto u1 = unitId(1);
  model::Dataset data;
  data.units = {unit(1, "阿荣旗财政局", UnitKind::organ)};
  data.quotas = {quota(u1, EstabType::admin, approved, day(2020, 1, 1))};
  data.approvals = {approval("A-1", u1, EstabType::admin, 5, day(2024, 1, 1), day(2024, 12, 31))};
  for (int i = 1; i <= 2; ++i) data.roster.push_back(roster(person(i), u1, EstabType::admin, day(2015, 1, 1)));
  data.movements = {move("H3", MovementKind::hire, person(3), u1, day(2024, 3, 1), "A-1")};
  return data;
}

// A roster_add changes its unit/type's count: the scope is counted again from the stays of
// the person who changed, not judged whole, unless an approval, quota or unit changed in the
// same round; another member hired there on or after the day the count changed is judged again
// with it (that hire's vacancy reads the new count). CHAIN-012 follows the count either way.
TEST(ChainEngine, AChangedStayIsCountedAgainWithoutJudgingItsScopeWhole) {
  const auto u1 = unitId(1);
  const auto asOf = day(2024, 6, 30);
  auto data = twoOnTheRosterAndAHire(3);
  ChainEngine engine({});
  engine.load(data);
  (void)engine.evaluateAll(asOf);
  auto step = [&](const std::string& what, const model::Record& record, std::size_t whole, std::size_t recounted) {
    model::appendRecord(data, model::Record{record});
    engine.apply(record);
    (void)engine.evaluateTouched(asOf);
    EXPECT_EQ(engine.unitTypeScopesJudgedWhole(), whole) << what;
    EXPECT_EQ(engine.unitTypeScopesRecounted(), recounted) << what;
    EXPECT_EQ(engine.findings(), evaluate(data, asOf)) << "after " << what;
  };
  step("the hire's roster_add, after it", move("R3", MovementKind::roster_add, person(3), u1, day(2024, 3, 5), "A-1"),
       0, 1);
  EXPECT_TRUE(ofRule(engine.findings(), "CHAIN-012").empty());
  step("a second hire", move("H4", MovementKind::hire, person(4), u1, day(2024, 4, 1), "A-1"), 0, 0);
  step("its roster_add: four on three posts",
       move("R4", MovementKind::roster_add, person(4), u1, day(2024, 4, 2), "A-1"), 0, 1);
  EXPECT_EQ(ofRule(engine.findings(), "CHAIN-012").size(), 1U) << "the excess is found by the count alone";
  step("the fourth leaves the roster", move("X4", MovementKind::roster_remove, person(4), u1, day(2024, 5, 1)), 0, 1);
  EXPECT_TRUE(ofRule(engine.findings(), "CHAIN-012").empty()) << "and resolved by it";
  step("a roster_add dated before the last hire", move("R5", MovementKind::roster_add, person(5), u1, day(2024, 3, 20)),
       0, 1);
  step("a quota", quota(u1, EstabType::admin, 4, day(2024, 6, 1)), 1, 0);
}

// A roster entry dated before another member's hire takes the post that hire was given: the
// hire now reads no vacancy (CHAIN-002), found by judging that member again with the scope
// counted again, not the whole scope.
TEST(ChainEngine, ARosterEntryBeforeAnotherHireTakesItsVacancyWithoutJudgingTheScopeWhole) {
  const auto u1 = unitId(1);
  const auto asOf = day(2024, 6, 30);
  auto data = twoOnTheRosterAndAHire(3);
  data.movements.push_back(move("R3", MovementKind::roster_add, person(3), u1, day(2024, 3, 5), "A-1"));
  ChainEngine engine({});
  engine.load(data);
  ASSERT_TRUE(ofRule(engine.evaluateAll(asOf), "CHAIN-002").empty())
      << "three on three posts, the third hired into the last";
  const auto earlier = move("R5", MovementKind::roster_add, person(5), u1, day(2024, 2, 20));
  model::appendRecord(data, model::Record{earlier});
  engine.apply(earlier);
  const auto delta = engine.evaluateTouched(asOf);
  EXPECT_EQ(engine.unitTypeScopesJudgedWhole(), 0U);
  EXPECT_EQ(engine.unitTypeScopesRecounted(), 1U);
  const auto vacancy = ofRule(engine.findings(), "CHAIN-002");
  ASSERT_EQ(vacancy.size(), 1U) << "the hire of 2024-03-01 found no post left";
  EXPECT_EQ(vacancy[0].person_id, person(3));
  EXPECT_TRUE(std::any_of(delta.changed.begin(), delta.changed.end(),
                          [&](const Finding& f) { return f.fingerprint == vacancy[0].fingerprint; }));
  EXPECT_EQ(engine.findings(), evaluate(data, asOf));
}

// An engine that keeps no list of the members on the roster (the audit's) judges a scope whole
// when a change puts it over its quota: CHAIN-012 lists those members' stays.
TEST(ChainEngine, WithoutTheMembersOnTheRosterAnExcessIsJudgedWhole) {
  const auto u1 = unitId(1);
  const auto asOf = day(2024, 6, 30);
  auto data = twoOnTheRosterAndAHire(2);
  for (const bool keep : {true, false}) {
    ChainEngine engine({});
    engine.keepForChanges(keep);
    engine.load(data);
    (void)engine.evaluateAll(asOf);
    auto changed = data;
    changed.movements.push_back(move("R3", MovementKind::roster_add, person(3), u1, day(2024, 3, 5), "A-1"));
    engine.apply(changed.movements.back());
    (void)engine.evaluateTouched(asOf);
    EXPECT_EQ(engine.unitTypeScopesJudgedWhole(), keep ? 0U : 1U);
    EXPECT_EQ(ofRule(engine.findings(), "CHAIN-012").size(), 1U);
    EXPECT_EQ(engine.findings(), evaluate(changed, asOf));
  }
}

// A hire, an exit or a pay row leaves the unit/type's occupancy as it was, and the engine then
// judges only the persons concerned there: the hires sharing an approval's slots must still move
// together, and each step must read as a full evaluation of the same records would.
TEST(ChainEngine, AHireJudgedAloneStillMovesTheSlotsOfItsApproval) {
  const auto u1 = unitId(1);
  const auto asOf = day(2024, 6, 30);
  model::Dataset data;
  data.units = {unit(1, "阿荣旗财政局", UnitKind::organ)};
  data.quotas = {quota(u1, EstabType::admin, 2, day(2020, 1, 1))};
  data.approvals = {approval("A-1", u1, EstabType::admin, 1, day(2024, 1, 1), day(2024, 12, 31))};
  data.roster = {roster(person(1), u1, EstabType::admin, day(2015, 1, 1))};
  data.movements = {move("H3", MovementKind::hire, person(3), u1, day(2024, 4, 1), "A-1")};
  ChainEngine engine({});
  engine.load(data);
  (void)engine.evaluateAll(asOf);
  EXPECT_TRUE(ofRule(engine.findings(), "CHAIN-001").empty());

  auto step = [&](const std::string& what, auto change) {
    change();
    (void)engine.evaluateTouched(asOf);
    EXPECT_EQ(engine.findings(), evaluate(data, asOf)) << "after " << what;
  };
  auto slotTakenBy = [&](const std::string& movement) {
    const auto f = ofRule(engine.findings(), "CHAIN-001");
    return f.size() == 1 && f[0].evidence.size() == 3 && f[0].evidence[2].record_id.find(movement) != std::string::npos;
  };
  const auto earlier = move("H2", MovementKind::hire, person(2), u1, day(2024, 3, 1), "A-1");
  step("an earlier hire citing the same approval", [&] {
    data.movements.push_back(earlier);
    engine.apply(earlier);
  });
  EXPECT_TRUE(slotTakenBy("H2")) << "H2 came first and took A-1's one slot";
  const auto moved = move("H2", MovementKind::hire, person(2), u1, day(2024, 5, 1), "A-1");
  step("that hire moved after the other", [&] {
    data.movements.back() = moved;
    engine.apply(moved);
  });
  EXPECT_TRUE(slotTakenBy("H3")) << "H3 now comes first";
  step("the other hire withdrawn", [&] {
    data.movements.erase(data.movements.begin());
    engine.remove(
        model::RecordType::movement,
        model::recordKey(model::Record{move("H3", MovementKind::hire, person(3), u1, day(2024, 4, 1), "A-1")}));
  });
  EXPECT_TRUE(ofRule(engine.findings(), "CHAIN-001").empty());
  step("a pay row of the hired person", [&] {
    data.payroll.push_back(pay(person(2), u1, Month::fromYm(2024, 5)));
    engine.apply(data.payroll.back());
  });
  step("an exit of the person on the roster", [&] {
    data.movements.push_back(move("E1", MovementKind::retire, person(1), u1, day(2024, 6, 1)));
    engine.apply(data.movements.back());
  });
  step("a third hire with no slot left", [&] {
    data.movements.push_back(move("H4", MovementKind::hire, person(4), u1, day(2024, 6, 2), "A-1"));
    engine.apply(data.movements.back());
  });
  EXPECT_TRUE(slotTakenBy("H2"));
  step("a roster row for the third hire", [&] {
    data.roster.push_back(roster(person(4), u1, EstabType::admin, day(2024, 6, 3)));
    engine.apply(data.roster.back());
  });
  const auto before = engine.findings();
  step("the unit renamed", [&] {
    data.units[0] = unit(1, "阿荣旗财政局（合并后）", UnitKind::organ);
    engine.apply(data.units[0]);
  });
  const auto renamed = engine.findings();
  const auto person2 = std::count_if(renamed.begin(), renamed.end(), [&](const Finding& f) {
    return f.person_id == person(2) && f.summary_en.find("合并后") != std::string::npos;
  });
  EXPECT_GT(person2, 0) << "the person's own findings name the unit by its new name";
  EXPECT_NE(renamed, before);
}

// DOMAIN.md §3: an exit or a death recorded for a unit ends the claim on its pay even when the
// person was never on its roster; judged when the exit lands after the pay, incrementally.
TEST(ChainEngine, AnExitLandingAfterThePayOfAUnitNeverRosteredAtEndsItsClaim) {
  model::Dataset data;
  data.units = {unit(1, "海拉尔区人民政府办公室", UnitKind::organ),
                unit(2, "海拉尔区第一中学", UnitKind::public_welfare_1)};
  for (unsigned m = 1; m <= 6; ++m) {
    data.payroll.push_back(pay(person(1), unitId(1), Month::fromYm(2024, m)));
    data.payroll.push_back(pay(person(2), unitId(2), Month::fromYm(2024, m)));
  }
  ChainEngine engine{RuleParams{}};
  engine.load(data);
  const auto asOf = day(2024, 6, 30);
  EXPECT_TRUE(ofRule(engine.evaluateAll(asOf), "CHAIN-006").empty());
  for (const auto& exit : {move("E1", MovementKind::resign, person(1), unitId(1), day(2024, 3, 20)),
                           move("D1", MovementKind::death, person(2), unitId(2), day(2024, 3, 20))}) {
    data.movements.push_back(exit);
    engine.apply(exit);
  }
  const auto delta = engine.evaluateTouched(asOf);
  EXPECT_EQ(ofRule(delta.changed, "CHAIN-006").size(), 1U);
  EXPECT_EQ(ofRule(delta.changed, "CHAIN-014").size(), 1U);
  EXPECT_EQ(engine.findings(), evaluate(data, asOf));
}

}  // namespace
}  // namespace staffchain::chain::testing
