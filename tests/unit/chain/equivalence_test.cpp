// Incremental evaluation agrees with full evaluation: a seeded random dataset is loaded half
// at a time and the rest applied one record at a time.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "chain_test_support.hpp"

namespace staffchain::chain::testing {
namespace {

using model::EstabType;
using model::MovementKind;
using model::UnitKind;

struct Generated {
  std::vector<model::Record> records;
  std::vector<model::QuarantineEntry> quarantine;
};

class Generator {
 public:
  explicit Generator(unsigned seed) : rng_(seed) {}

  Generated make(int persons, int units) {
    Generated g;
    const std::array kinds{UnitKind::organ, UnitKind::public_welfare_1, UnitKind::public_welfare_2, UnitKind::business,
                           UnitKind::civil_service_managed};
    for (int u = 0; u < units; ++u) {
      g.records.emplace_back(unit(u, fmt::format("单位{}", u), kinds[static_cast<std::size_t>(u) % kinds.size()]));
      for (auto type : {EstabType::admin, EstabType::institution}) {
        g.records.emplace_back(quota(unitId(u), type, pick(5, 40), day(2015, 1, 1)));
        if (chance(0.5)) g.records.emplace_back(quota(unitId(u), type, pick(5, 40), day(2023, 7, 1)));
      }
      model::LeaderQuota lq;
      lq.unit_id = unitId(u);
      lq.level = model::LeaderLevel::township;
      lq.rank = model::LeaderRank::deputy;
      lq.approved = pick(0, 2);
      g.records.emplace_back(lq);
    }
    for (int a = 0; a < units * 3; ++a) {
      const auto issued = dateIn(day(2022, 1, 1), day(2024, 4, 1));
      g.records.emplace_back(approval(fmt::format("A{}", a), unitId(pick(0, units - 1)),
                                      chance(0.5) ? EstabType::admin : EstabType::institution, pick(0, 4), issued,
                                      issued.plusDays(pick(10, 400))));
    }
    int movement = 0;
    auto nextId = [&] { return fmt::format("M{:06}", movement++); };
    for (int i = 0; i < persons; ++i) {
      const auto sex = chance(0.5) ? model::Sex::male : model::Sex::female;
      const auto p = person(i, dateIn(day(1958, 1, 1), day(2000, 12, 31)), sex);
      const auto u = unitId(pick(0, units - 1));
      const auto type = chance(0.6) ? EstabType::admin : EstabType::institution;
      Date entered = dateIn(day(2010, 1, 1), day(2024, 5, 1));
      if (chance(0.3)) {
        // A hire in the period, citing a known, unknown or no approval.
        entered = dateIn(day(2023, 1, 1), day(2024, 6, 1));
        std::string cited = chance(0.7) ? fmt::format("A{}", pick(0, units * 3 + 5)) : "";
        g.records.emplace_back(
            move(nextId(), chance(0.8) ? MovementKind::hire : MovementKind::transfer_in, p, u, entered, cited));
        if (chance(0.8))
          g.records.emplace_back(move(nextId(), MovementKind::roster_add, p, u, entered.plusDays(pick(0, 50)), cited));
      } else if (chance(0.8)) {
        g.records.emplace_back(roster(p, u, type, entered));
      } else {
        g.records.emplace_back(move(nextId(), MovementKind::roster_add, p, u, entered));
      }
      // Pay, mostly by the unit, from around the entry month for a while.
      const auto payer = chance(0.95) ? u : unitId(pick(0, units - 1));
      auto first = std::max(Month::of(entered).plus(pick(-1, 2)), Month::fromYm(2023, 6));
      const auto last = Month::fromYm(2024, 6);
      if (chance(0.9)) {
        for (auto m = first; m <= last; m = m.plus(pick(1, 2))) g.records.emplace_back(pay(p, payer, m));
      }
      if (chance(0.03)) g.records.emplace_back(pay(p, unitId(pick(0, units - 1)), Month::fromYm(2024, 3)));
      if (chance(0.1)) {
        const std::array exits{MovementKind::retire, MovementKind::resign, MovementKind::dismiss,
                               MovementKind::transfer_out};
        const auto on = dateIn(day(2023, 6, 1), day(2024, 6, 20));
        g.records.emplace_back(move(nextId(), exits[static_cast<std::size_t>(pick(0, 3))], p, u, on));
        if (chance(0.5))
          g.records.emplace_back(move(nextId(), MovementKind::roster_remove, p, u, on.plusDays(pick(0, 30))));
      }
      if (chance(0.01)) {
        model::Death death;
        death.person_id = p;
        death.died_on = dateIn(day(2023, 6, 1), day(2024, 6, 20));
        g.records.emplace_back(death);
      }
      if (chance(0.04)) {
        const auto out = dateIn(day(2023, 1, 1), day(2024, 6, 1));
        g.records.emplace_back(move(nextId(), MovementKind::second_out, p, u, out));
        if (chance(0.5))
          g.records.emplace_back(move(nextId(), MovementKind::second_return, p, u, out.plusDays(pick(30, 300))));
      }
      if (chance(0.05)) {
        auto m = move(nextId(), MovementKind::appoint_leader, p, u, dateIn(day(2020, 1, 1), day(2024, 6, 1)));
        m.leader_level = model::LeaderLevel::township;
        m.leader_rank = model::LeaderRank::deputy;
        g.records.emplace_back(m);
        if (chance(0.3))
          g.records.emplace_back(
              move(nextId(), MovementKind::remove_leader, p, u, m.effective_on.plusDays(pick(1, 600))));
      }
    }
    for (int q = 0; q < 30; ++q) {
      model::QuarantineEntry e;
      e.source = q % 2 == 0 ? "roster_csv" : "payroll_csv";
      e.type = q % 2 == 0 ? model::RecordType::roster : model::RecordType::payroll;
      e.origin = fmt::format("file.csv:{}", pick(1, 15));
      e.field = q % 3 == 0 ? "person_id" : "unit_id";
      e.value = "bad";
      e.reason = fmt::format("reason {}", q % 4);
      g.quarantine.push_back(e);
    }
    // Reduction tasks, some of them met by the quota rows of 2023-07-01 and some overdue; a few
    // of units that do not exist (no baseline).
    for (int t = 0; t < units; ++t) {
      const auto issued = dateIn(day(2022, 1, 1), day(2024, 3, 1));
      g.records.emplace_back(reduction(fmt::format("T{}", t), unitId(pick(0, units + 2)),
                                       chance(0.5) ? EstabType::admin : EstabType::institution, pick(1, 6), issued,
                                       issued.plusDays(pick(0, 500))));
    }
    return g;
  }

 private:
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  Date dateIn(Date from, Date to) { return Date{pick(from.days, to.days)}; }
  std::mt19937 rng_;
};

void addTo(model::Dataset& data, const model::Record& record) {
  model::appendRecord(data, model::Record{record});
}

// Applies a delta to a map of open findings, as an alert manager would.
void applyDelta(std::map<std::string, Finding>& open, const FindingDelta& delta) {
  for (const auto& fp : delta.resolved) ASSERT_EQ(open.erase(fp), 1U) << "resolved but never open: " << fp;
  for (const auto& f : delta.changed) open[f.fingerprint] = f;
}

std::vector<Finding> sorted(const std::map<std::string, Finding>& open) {
  std::vector<Finding> out;
  for (const auto& [fp, f] : open) out.push_back(f);
  std::sort(out.begin(), out.end(), findingLess);
  return out;
}

TEST(ChainEquivalence, IncrementalAgreesWithFullEvaluation) {
  auto generated = Generator(20240630).make(2000, 16);
  std::shuffle(generated.records.begin(), generated.records.end(), std::mt19937(11));
  const auto asOf = day(2024, 6, 30);
  const auto half = generated.records.size() / 2;

  model::Dataset all;
  model::Dataset first;
  for (std::size_t i = 0; i < generated.records.size(); ++i) {
    addTo(all, generated.records[i]);
    if (i < half) addTo(first, generated.records[i]);
  }
  for (std::size_t i = 0; i < generated.quarantine.size(); ++i) {
    all.quarantine.push_back(generated.quarantine[i]);
    if (i < generated.quarantine.size() / 2) first.quarantine.push_back(generated.quarantine[i]);
  }

  ChainEngine engine{RuleParams{}};
  engine.load(first);
  std::map<std::string, Finding> open;
  for (const auto& f : engine.evaluateAll(asOf)) open[f.fingerprint] = f;
  for (std::size_t i = half; i < generated.records.size(); ++i) {
    engine.apply(generated.records[i]);
    applyDelta(open, engine.evaluateTouched(asOf));
  }
  for (std::size_t i = generated.quarantine.size() / 2; i < generated.quarantine.size(); ++i) {
    engine.addQuarantine(generated.quarantine[i]);
    applyDelta(open, engine.evaluateTouched(asOf));
  }

  const auto full = evaluate(all, asOf);
  std::map<std::string, std::size_t> perRule;
  for (const auto& f : full) ++perRule[f.rule];
  for (const auto& rule : {"CHAIN-001", "CHAIN-002", "CHAIN-003", "CHAIN-004", "CHAIN-005", "CHAIN-006", "CHAIN-007",
                           "CHAIN-009", "CHAIN-010", "CHAIN-011", "CHAIN-012", "CHAIN-013", "CHAIN-015", "CHAIN-016",
                           "CHAIN-017", "CHAIN-018", "DATA-001"}) {
    EXPECT_GT(perRule[rule], 0U) << rule << " never fired: the generated mix does not exercise it";
  }
  const auto incremental = engine.findings();
  ASSERT_EQ(incremental.size(), full.size());
  EXPECT_EQ(incremental, full);
  EXPECT_EQ(sorted(open), full) << "the deltas, applied in turn, must give the same set";

  // Take a tenth of the records away again, one at a time.
  std::mt19937 rng(5);
  model::Dataset remaining;
  for (std::size_t i = 0; i < generated.records.size(); ++i) {
    const auto& record = generated.records[i];
    if (rng() % 10 == 0) {
      engine.remove(model::recordTypeOf(record), model::recordKey(record));
      applyDelta(open, engine.evaluateTouched(asOf));
    } else {
      addTo(remaining, record);
    }
  }
  engine.removeQuarantine("roster_csv", "file.csv:3");
  applyDelta(open, engine.evaluateTouched(asOf));
  for (const auto& q : generated.quarantine) {
    if (!(q.source == "roster_csv" && q.origin == "file.csv:3")) remaining.quarantine.push_back(q);
  }
  const auto afterRemoval = evaluate(remaining, asOf);
  EXPECT_EQ(engine.findings(), afterRemoval);
  EXPECT_EQ(sorted(open), afterRemoval);

  // A new as-of date re-evaluates everything and still reports only the difference.
  const auto later = day(2024, 9, 30);
  applyDelta(open, engine.evaluateTouched(later));
  EXPECT_EQ(sorted(open), evaluate(remaining, later));
}

}  // namespace
}  // namespace staffchain::chain::testing
