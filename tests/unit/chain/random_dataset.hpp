// A seeded random dataset of a few units and many persons, with every kind of record and some
// quarantined rows: what the equivalence and tenure tests evaluate in many ways and compare.
#pragma once

#include <array>
#include <random>
#include <vector>

#include "chain_test_support.hpp"

namespace staffchain::chain::testing {

struct Generated {
  std::vector<model::Record> records;
  std::vector<model::QuarantineEntry> quarantine;
};

class Generator {
 public:
  explicit Generator(unsigned seed) : rng_(seed) {}

  Generated make(int persons, int units) {
    Generated g;
    const std::array kinds{model::UnitKind::organ, model::UnitKind::public_welfare_1, model::UnitKind::public_welfare_2,
                           model::UnitKind::business, model::UnitKind::civil_service_managed};
    for (int u = 0; u < units; ++u) {
      g.records.emplace_back(unit(u, fmt::format("单位{}", u), kinds[static_cast<std::size_t>(u) % kinds.size()]));
      for (auto type : {model::EstabType::admin, model::EstabType::institution}) {
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
                                      chance(0.5) ? model::EstabType::admin : model::EstabType::institution, pick(0, 4),
                                      issued, issued.plusDays(pick(10, 400))));
    }
    int movement = 0;
    auto nextId = [&] { return fmt::format("M{:06}", movement++); };
    for (int i = 0; i < persons; ++i) {
      const auto sex = chance(0.5) ? model::Sex::male : model::Sex::female;
      const auto p = person(i, dateIn(day(1958, 1, 1), day(2000, 12, 31)), sex);
      const auto u = unitId(pick(0, units - 1));
      const auto type = chance(0.6) ? model::EstabType::admin : model::EstabType::institution;
      Date entered = dateIn(day(2010, 1, 1), day(2024, 5, 1));
      if (chance(0.3)) {
        // A hire in the period, citing a known, unknown or no approval.
        entered = dateIn(day(2023, 1, 1), day(2024, 6, 1));
        std::string cited = chance(0.7) ? fmt::format("A{}", pick(0, units * 3 + 5)) : "";
        g.records.emplace_back(move(nextId(),
                                    chance(0.8) ? model::MovementKind::hire : model::MovementKind::transfer_in, p, u,
                                    entered, cited));
        if (chance(0.8))
          g.records.emplace_back(
              move(nextId(), model::MovementKind::roster_add, p, u, entered.plusDays(pick(0, 50)), cited));
      } else if (chance(0.8)) {
        g.records.emplace_back(roster(p, u, type, entered));
      } else {
        g.records.emplace_back(move(nextId(), model::MovementKind::roster_add, p, u, entered));
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
        const std::array exits{model::MovementKind::retire, model::MovementKind::resign, model::MovementKind::dismiss,
                               model::MovementKind::transfer_out};
        const auto on = dateIn(day(2023, 6, 1), day(2024, 6, 20));
        g.records.emplace_back(move(nextId(), exits[static_cast<std::size_t>(pick(0, 3))], p, u, on));
        if (chance(0.5))
          g.records.emplace_back(move(nextId(), model::MovementKind::roster_remove, p, u, on.plusDays(pick(0, 30))));
      }
      if (chance(0.01)) {
        model::Death death;
        death.person_id = p;
        death.died_on = dateIn(day(2023, 6, 1), day(2024, 6, 20));
        g.records.emplace_back(death);
      }
      if (chance(0.04)) {
        const auto out = dateIn(day(2023, 1, 1), day(2024, 6, 1));
        g.records.emplace_back(move(nextId(), model::MovementKind::second_out, p, u, out));
        if (chance(0.5))
          g.records.emplace_back(move(nextId(), model::MovementKind::second_return, p, u, out.plusDays(pick(30, 300))));
      }
      if (chance(0.05)) {
        auto m = move(nextId(), model::MovementKind::appoint_leader, p, u, dateIn(day(2020, 1, 1), day(2024, 6, 1)));
        m.leader_level = model::LeaderLevel::township;
        m.leader_rank = model::LeaderRank::deputy;
        g.records.emplace_back(m);
        if (chance(0.3))
          g.records.emplace_back(
              move(nextId(), model::MovementKind::remove_leader, p, u, m.effective_on.plusDays(pick(1, 600))));
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
                                       chance(0.5) ? model::EstabType::admin : model::EstabType::institution,
                                       pick(1, 6), issued, issued.plusDays(pick(0, 500))));
    }
    return g;
  }

 private:
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  Date dateIn(Date from, Date to) { return Date{pick(from.days, to.days)}; }
  std::mt19937 rng_;
};

}  // namespace staffchain::chain::testing
