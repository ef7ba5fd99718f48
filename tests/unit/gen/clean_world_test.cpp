// What the engine will check, checked here on the part of the world nothing was injected
// into: every chain complete and in time, every hire within an approval with free slots,
// every payment backed by a roster entry.
#include <map>
#include <set>
#include <unordered_map>

#include "gen_test_support.hpp"
#include "staffchain/model/enums.hpp"
#include "staffchain/model/identifiers.hpp"

namespace staffchain::gen::testing {
namespace {

using model::Date;
using model::Month;
using model::MovementKind;

class CleanWorld : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    world_ = new GeneratedWorld(generate("clean", 8000, 21));
    auto loaded = model::loadCanonicalFolder(world_->spec.out_dir, "gen");
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    data_ = new model::Dataset(std::move(*loaded));
    for (const auto& t : world_->truth) {
      if (!t.person_id.empty()) tainted_people_->insert(t.person_id);
      if (!t.unit_id.empty()) tainted_units_->insert(t.unit_id);
    }
  }
  static void TearDownTestSuite() {
    delete world_;
    delete data_;
  }
  static bool tainted(const model::PersonId& p) { return tainted_people_->contains(p.str()); }
  static bool taintedUnit(const model::UnitId& u) { return tainted_units_->contains(u.str()); }
  static Date asOf() { return world_->spec.as_of; }

  // [from, until) on a unit's roster, from the snapshot and the roster movements.
  struct Stay {
    std::string unit;
    Date from;
    Date until;
  };
  static std::unordered_map<std::string, std::vector<Stay>> stays() {
    std::unordered_map<std::string, std::vector<Stay>> out;
    for (const auto& m : data_->movements) {
      auto& list = out[m.person_id.str()];
      if (m.kind == MovementKind::roster_add) list.push_back({m.unit_id.str(), m.effective_on, Date{INT32_MAX}});
      if (m.kind == MovementKind::roster_remove) {
        for (auto& s : list) {
          if (s.unit == m.unit_id.str() && s.until.days == INT32_MAX && s.from <= m.effective_on)
            s.until = m.effective_on;
        }
      }
    }
    for (const auto& r : data_->roster) {
      auto& list = out[r.person_id.str()];
      bool known = false;
      for (const auto& s : list) known |= s.unit == r.unit_id.str() && s.until.days == INT32_MAX;
      if (!known) list.push_back({r.unit_id.str(), r.entered_on, Date{INT32_MAX}});
    }
    return out;
  }

  static GeneratedWorld* world_;
  static model::Dataset* data_;
  static std::set<std::string>* tainted_people_;
  static std::set<std::string>* tainted_units_;
};
GeneratedWorld* CleanWorld::world_ = nullptr;
model::Dataset* CleanWorld::data_ = nullptr;
std::set<std::string>* CleanWorld::tainted_people_ = new std::set<std::string>;
std::set<std::string>* CleanWorld::tainted_units_ = new std::set<std::string>;

TEST_F(CleanWorld, EveryoneOnTheRosterIsPaidInTheLastMonth) {
  const Month last = Month::of(asOf());
  std::set<std::pair<std::string, std::string>> paid;
  for (const auto& p : data_->payroll) {
    if (p.month == last) paid.insert({p.person_id.str(), p.unit_id.str()});
  }
  std::set<std::string> exited;
  for (const auto& m : data_->movements) {
    if (model::isExit(m.kind)) exited.insert(m.person_id.str());
  }
  std::size_t checked = 0;
  for (const auto& r : data_->roster) {
    if (tainted(r.person_id) || exited.contains(r.person_id.str()) || r.entered_on >= last.firstDay()) continue;
    ++checked;
    EXPECT_TRUE(paid.contains({r.person_id.str(), r.unit_id.str()})) << r.person_id.str();
  }
  EXPECT_GT(checked, 7000U);
}

TEST_F(CleanWorld, EveryHireCitesAnApprovalWithFreeSlots) {
  std::map<std::string, const model::Approval*> approvals;
  for (const auto& a : data_->approvals) approvals[a.approval_id] = &a;
  std::map<std::string, std::int32_t> used;
  std::size_t hires = 0;
  for (const auto& m : data_->movements) {
    if (!model::isHire(m.kind) || tainted(m.person_id)) continue;
    ++hires;
    const auto found = approvals.find(m.approval_id);
    ASSERT_NE(found, approvals.end()) << m.movement_id;
    const model::Approval& a = *found->second;
    EXPECT_EQ(a.unit_id, m.unit_id) << m.movement_id;
    EXPECT_LE(a.issued_on, m.effective_on) << m.movement_id;
    EXPECT_LE(m.effective_on, a.valid_until) << m.movement_id;
    EXPECT_LE(++used[a.approval_id], a.slots) << m.movement_id;
  }
  EXPECT_GT(hires, 500U);
}

TEST_F(CleanWorld, EveryPaidMonthIsWhollyOnThePayingUnitsRoster) {
  const auto all = stays();
  std::unordered_map<std::string, Month> exit_month;
  for (const auto& m : data_->movements) {
    if (model::isExit(m.kind)) exit_month[m.person_id.str()] = Month::of(m.effective_on);
  }
  std::size_t checked = 0;
  for (const auto& p : data_->payroll) {
    if (tainted(p.person_id)) continue;
    ++checked;
    const Date first = p.month.firstDay();
    const Date last = p.month.plus(1).firstDay().plusDays(-1);
    bool covered = false;
    const auto found = all.find(p.person_id.str());
    if (found != all.end()) {
      for (const auto& s : found->second) covered |= s.unit == p.unit_id.str() && s.from <= first && last < s.until;
    }
    EXPECT_TRUE(covered) << p.person_id.str() << " " << model::formatMonth(p.month);
    const auto exit = exit_month.find(p.person_id.str());
    if (exit != exit_month.end() && exit->second < p.month) {
      // Only a transfer continues elsewhere; pay for the old unit never outlives the exit month.
      bool moved_on = false;
      for (const auto& m : data_->movements) {
        moved_on |= m.person_id == p.person_id && m.kind == MovementKind::transfer_in && m.unit_id == p.unit_id;
      }
      EXPECT_TRUE(moved_on) << p.person_id.str();
    }
  }
  EXPECT_GT(checked, 50000U);
}

TEST_F(CleanWorld, ChainsCompleteWithinTheirDeadlines) {
  std::unordered_map<std::string, std::vector<const model::Movement*>> by_person;
  for (const auto& m : data_->movements) by_person[m.person_id.str()].push_back(&m);
  auto has = [&](const std::string& person, MovementKind kind, Date after) {
    for (const auto* m : by_person[person]) {
      if (m->kind == kind && m->effective_on >= after) return true;
    }
    return false;
  };
  auto hasBetween = [&](const std::string& person, MovementKind kind, Date first, Date last) {
    for (const auto* m : by_person[person]) {
      if (m->kind == kind && m->effective_on >= first && m->effective_on <= last) return true;
    }
    return false;
  };
  std::size_t checked = 0;
  for (const auto& m : data_->movements) {
    if (tainted(m.person_id)) continue;
    const std::string person = m.person_id.str();
    if (model::isHire(m.kind) && m.effective_on.plusDays(30) < asOf()) {
      EXPECT_TRUE(has(person, MovementKind::roster_add, m.effective_on)) << m.movement_id;
      ++checked;
    }
    // Someone who leaves the roster before the first pay day is never paid (CHAIN-017 needs
    // the stay to last past the deadline).
    if (m.kind == MovementKind::roster_add && m.effective_on.plusDays(60) < asOf() &&
        !hasBetween(person, MovementKind::roster_remove, m.effective_on, m.effective_on.plusDays(60))) {
      EXPECT_TRUE(has(person, MovementKind::pay_start, m.effective_on)) << m.movement_id;
    }
    if (m.kind == MovementKind::pay_start) {
      EXPECT_TRUE(has(person, MovementKind::roster_add, Date{0})) << m.movement_id;
    }
    if (model::isExit(m.kind) && m.effective_on.plusDays(15) < asOf()) {
      EXPECT_TRUE(has(person, MovementKind::roster_remove, m.effective_on)) << m.movement_id;
    }
    if (m.kind == MovementKind::second_out && m.effective_on.plusDays(183) < asOf()) {
      EXPECT_TRUE(has(person, MovementKind::second_return, m.effective_on)) << m.movement_id;
    }
  }
  EXPECT_GT(checked, 500U);
}

TEST_F(CleanWorld, HeadcountsAndLeadersWithinQuotas) {
  std::map<std::pair<std::string, int>, std::pair<Date, std::int32_t>> quota;
  for (const auto& q : data_->quotas) {
    auto& slot = quota[{q.unit_id.str(), static_cast<int>(q.estab_type)}];
    if (q.effective_from >= slot.first) slot = {q.effective_from, q.approved};
  }
  std::map<std::pair<std::string, int>, std::int32_t> headcount;
  std::map<std::tuple<std::string, int, int>, std::int32_t> leaders;
  for (const auto& r : data_->roster) {
    ++headcount[{r.unit_id.str(), static_cast<int>(r.estab_type)}];
    if (r.leader_level != model::LeaderLevel::none) {
      ++leaders[{r.unit_id.str(), static_cast<int>(r.leader_level), static_cast<int>(r.leader_rank)}];
    }
  }
  for (const auto& [key, count] : headcount) {
    if (tainted_units_->contains(key.first)) continue;
    EXPECT_LE(count, quota[key].second) << key.first;
  }
  std::map<std::tuple<std::string, int, int>, std::int32_t> posts;
  for (const auto& q : data_->leader_quotas) {
    posts[{q.unit_id.str(), static_cast<int>(q.level), static_cast<int>(q.rank)}] = q.approved;
  }
  for (const auto& [key, count] : leaders) {
    if (tainted_units_->contains(std::get<0>(key))) continue;
    EXPECT_LE(count, posts[key]) << std::get<0>(key);
  }
}

TEST_F(CleanWorld, NobodyPastRetirementAgeAndNoDeadOnTheRoster) {
  std::set<std::string> dead;
  for (const auto& d : data_->deaths) dead.insert(d.person_id.str());
  std::set<std::string> retiring;  // retired, the roster removal still within its deadline
  for (const auto& m : data_->movements) {
    if (m.kind == MovementKind::retire) retiring.insert(m.person_id.str());
  }
  for (const auto& r : data_->roster) {
    if (tainted(r.person_id) || retiring.contains(r.person_id.str())) continue;
    const bool male = model::sexOf(r.person_id) == model::Sex::male;
    const auto birth = model::birthDateOf(r.person_id).ymd();
    const Date reached = Date::fromYmd(static_cast<int>(birth.year()) + (male ? 60 : 55),
                                       static_cast<unsigned>(birth.month()), static_cast<unsigned>(birth.day()));
    EXPECT_GT(reached, asOf()) << r.person_id.str();
    EXPECT_FALSE(dead.contains(r.person_id.str())) << r.person_id.str();
  }
}

TEST_F(CleanWorld, EstablishmentTypesFitUnitKinds) {
  std::map<std::string, model::UnitKind> kind;
  for (const auto& u : data_->units) kind[u.unit_id.str()] = u.kind;
  for (const auto& q : data_->quotas) {
    if (taintedUnit(q.unit_id)) continue;
    const auto k = kind.at(q.unit_id.str());
    if (k == model::UnitKind::organ) {
      EXPECT_NE(q.estab_type, model::EstabType::institution) << q.unit_id.str();
    }
    if (k == model::UnitKind::public_welfare_1 || k == model::UnitKind::public_welfare_2 ||
        k == model::UnitKind::business) {
      EXPECT_NE(q.estab_type, model::EstabType::admin) << q.unit_id.str();
      EXPECT_NE(q.estab_type, model::EstabType::political_legal) << q.unit_id.str();
    }
  }
}

}  // namespace
}  // namespace staffchain::gen::testing
